"""The ruamel.yaml round trip behind :mod:`incidentops.edit`: a Patch applied to YAML text so
that everything it does not touch (comments, key order, quoting, blank lines, flow lists)
stays byte-for-byte the same.

ruamel.yaml's resolver here is YAML 1.2 minus timestamps, like our loader: a plain
``2026-11-23T10:15:00Z`` stays a string and is written back exactly as it was. New strings are
plain unless a YAML 1.1 or 1.2 reader could take them for something else (times, ``yes``,
numbers) or they need quoting anyway; then they get double quotes, as in the samples.
"""

from __future__ import annotations

import io
import itertools
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import ScalarString
from ruamel.yaml.tokens import CommentToken

from incidentops.base.patch import Op, Patch
from incidentops.loader import LoadProblem, load_yaml
from incidentops.repo.linemerge import carry_over
from incidentops.repo.scalars import Resolver, UnholdableText, restyled, styled
from incidentops.validate import schemas

_KEY_LINE = re.compile(r"( *)[^\s#-][^#]*:\s*(#.*)?\Z")  # "key:" opening a block collection
_ITEM_LINE = re.compile(r"( *)-( +)\S")


class PatchError(ValueError):
    """A patch that does not fit the document (appending to a non-list...)."""


def yaml_for(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Resolver = Resolver
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap a long line
    mapping, sequence, offset = detect_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def detect_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as ruamel counts them, from the first nested block mapping
    and block sequence in ``text``; defaults are the samples' style (2, 4, 2)."""
    mapping: int | None = None
    sequence: tuple[int, int] | None = None
    lines = [
        line for line in text.split("\n") if line.strip() and not line.lstrip().startswith("#")
    ]
    for line, following in itertools.pairwise(lines):
        opener = _KEY_LINE.match(line)
        if not opener:
            continue
        depth = len(opener.group(1))
        item = _ITEM_LINE.match(following)
        if item and sequence is None and len(item.group(1)) >= depth:
            offset = len(item.group(1)) - depth
            sequence = (offset + 1 + len(item.group(2)), offset)
        elif not item and mapping is None:
            indent = len(following) - len(following.lstrip(" "))
            if indent > depth:
                mapping = indent - depth
        if mapping is not None and sequence is not None:
            break
    seq, offset = sequence or (4, 2)
    return mapping or 2, seq, offset


# -- the round trip ---------------------------------------------------------------------------


def patch_yaml(text: str, patch: Patch, kind: str) -> str:
    """``text`` with ``patch`` applied: only the lines the patch changes are rewritten, and the
    result is read back to check it holds exactly what the patch says."""
    yaml = yaml_for(text)
    try:
        data = yaml.load(text)
    except Exception as exc:  # ruamel raises many types; the loader check reports the detail
        raise PatchError(f"cannot parse the file to edit it: {exc}") from None
    if data is None:
        data = CommentedMap()
    before = _dump(yaml, data)
    for op in patch.ops:
        _apply(data, op, kind)
    after = _dump(yaml, data)
    expected = _plain(data)
    merged = carry_over(text, before, after)
    if merged != after and _reads(merged) == expected:
        return merged
    if _reads(after) != expected:
        raise PatchError("the edit cannot be written so that it reads back the same")
    return after


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _reads(text: str) -> Any:
    try:
        return load_yaml(text).value
    except LoadProblem:
        return _UNREADABLE


_UNREADABLE = object()


def _plain(value: Any) -> Any:
    """Round-trip nodes as the plain values our loader would read."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, ScalarString):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def _apply(data: Any, op: Op, kind: str) -> None:
    where = ".".join(str(step) for step in op.path)
    if not op.path:
        raise PatchError(f"{op.action}: empty path")
    parent = data
    for depth, step in enumerate(op.path[:-1]):
        if isinstance(parent, CommentedMap) and isinstance(step, str):
            if step not in parent and op.action != "delete":
                _insert(parent, step, CommentedMap(), _order(kind, op.path[:depth]))
            parent = parent.get(step)
        elif (
            isinstance(parent, CommentedSeq)
            and isinstance(step, int)
            and -len(parent) <= step < len(parent)
        ):
            parent = parent[step]
        else:
            parent = None
        if parent is None:
            if op.action == "delete":
                return
            raise PatchError(f"{op.action} {where}: no such place in the file")
    last = op.path[-1]
    if op.action == "set":
        if isinstance(parent, CommentedMap) and isinstance(last, str):
            if last in parent:
                parent[last] = _replacement(parent[last], op.value, where)
            else:
                _insert(parent, last, _node(op.value, where), _order(kind, op.path[:-1]))
        elif (
            isinstance(parent, CommentedSeq)
            and isinstance(last, int)
            and -len(parent) <= last < len(parent)
        ):
            parent[last] = _replacement(parent[last], op.value, where)
        else:
            raise PatchError(f"set {where}: no such place in the file")
    elif op.action == "append":
        if isinstance(parent, CommentedMap) and isinstance(last, str) and last not in parent:
            _insert(parent, last, CommentedSeq(), _order(kind, op.path[:-1]))
        target = parent.get(last) if isinstance(parent, CommentedMap) else None
        if not isinstance(target, CommentedSeq):
            raise PatchError(f"append {where}: not a list")
        _append(target, _node(op.value, where))
    elif op.action == "insert":
        if not (isinstance(parent, CommentedSeq) and isinstance(last, int)):
            raise PatchError(f"insert {where}: not a list")
        if not 0 <= last <= len(parent):
            raise PatchError(f"insert {where}: no such place in the file")
        parent.insert(last, _node(op.value, where))
    elif op.action == "delete":
        if (isinstance(parent, CommentedMap) and last in parent) or (
            isinstance(parent, CommentedSeq)
            and isinstance(last, int)
            and -len(parent) <= last < len(parent)
        ):
            del parent[last]
    else:
        raise PatchError(f"unknown patch action {op.action!r}")


def _replacement(old: Any, value: Any, where: str) -> Any:
    """``value``, quoted the way the person quoted the value it replaces."""
    if old == value and (type(value) is type(old) or isinstance(old, str)):
        return old
    if isinstance(value, str):
        try:
            return restyled(old, value)
        except UnholdableText as exc:
            raise PatchError(f"{where}: {exc}") from None
    return _node(value, where)


def _node(value: Any, where: str) -> Any:
    """Plain values as round-trip nodes: block collections, strings in the first style that
    reads back exactly (plain, a literal block for several lines, else double quotes)."""
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = _node(item, f"{where}.{key}")
        return mapping
    if isinstance(value, list | tuple):
        return CommentedSeq(_node(item, f"{where}[{i}]") for i, item in enumerate(value))
    if isinstance(value, str) and not isinstance(value, ScalarString):
        try:
            return styled(value)
        except UnholdableText as exc:
            raise PatchError(f"{where}: {exc}") from None
    return value


def _order(kind: str, path: tuple[str | int, ...]) -> list[str]:
    """The key order the schema lists for the mapping at ``path`` (new keys go in place)."""
    try:
        schema: Any = schemas.load_schema(kind)
    except Exception:  # a kind without a schema: new keys go at the end
        return []
    root = schema
    for step in (*path, None):
        while isinstance(schema, dict) and "$ref" in schema:
            schema = _resolve_ref(root, schema["$ref"])
        if not isinstance(schema, dict):
            return []
        if step is None:
            break
        schema = (
            schema.get("items") if isinstance(step, int) else schema.get("properties", {}).get(step)
        )
    return list(schema.get("properties", {}))


def _resolve_ref(root: Any, ref: str) -> Any:
    node = root
    for part in ref.removeprefix("#/").split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _insert(mapping: CommentedMap, key: str, value: Any, order: list[str]) -> None:
    """Add ``key`` after the keys that come before it in ``order`` (else at the end), moving
    the comments and blank lines that followed the previous key below the new one."""
    position = len(mapping)
    if key in order:
        rank = order.index(key)
        later = [i for i, k in enumerate(mapping) if k in order and order.index(k) > rank]
        position = later[0] if later else len(mapping)
    previous = list(mapping)[position - 1] if position else None
    mapping.insert(position, key, value)
    if previous is not None:
        _move_tail(_tail_slot(mapping, previous), _tail_slot(mapping, key))


def _append(sequence: CommentedSeq, value: Any) -> None:
    sequence.append(value)
    if len(sequence) > 1:
        _move_tail(_tail_slot(sequence, len(sequence) - 2), _tail_slot(sequence, len(sequence) - 1))


def _tail_slot(container: Any, key: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel keeps the comment after the last line of ``container[key]``."""
    value = container[key]
    if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
        last = list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1
        return _tail_slot(value, last)
    return (container.ca.items, key, 2 if isinstance(container, CommentedMap) else 0)


def _move_tail(source: tuple[Any, Any, int] | None, target: tuple[Any, Any, int] | None) -> None:
    if source is None or target is None:
        return
    items, key, index = source
    slot = items.get(key)
    token = slot[index] if slot else None
    if not isinstance(token, CommentToken) or "\n" not in token.value:
        return
    value: str = token.value
    end_of_line = value.index("\n") + 1 if value.lstrip(" ").startswith("#") else 0
    rest = value[end_of_line:]
    if not rest:
        return
    if end_of_line:
        token.value = value[:end_of_line]
    else:
        slot[index] = None
    target_items, target_key, target_index = target
    target_slot = target_items.setdefault(target_key, [None, None, None, None])
    moved = "\n" + rest if end_of_line else rest  # the token's text begins with a line end
    target_slot[target_index] = CommentToken(moved, token.start_mark, None)
