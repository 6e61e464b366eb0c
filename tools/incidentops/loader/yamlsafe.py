"""Compose YAML to nodes (libyaml when available) and convert them to plain values safely.

Why not ``yaml.safe_load``: it follows YAML 1.1 (``no`` is false, ``010`` is octal, timestamps
become ``datetime``), keeps the last of two duplicate keys silently, accepts ``!!binary`` and
``!!set``, and expands alias "bombs". Here scalars follow the YAML 1.2 core schema, only the core
tags are accepted, duplicate keys and nesting deeper than the limit are problems, and alias use is
budgeted both by count and by the size of what they expand to.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml
import yaml.composer
import yaml.parser
import yaml.reader
import yaml.resolver
import yaml.scanner

from incidentops.loader.document import Document, LoadProblem

try:  # libyaml does the scanning, parsing and composing in C when it is installed
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]

    LIBYAML = True
except ImportError:  # pragma: no cover - exercised by the pure-Python test via force_python
    LIBYAML = False

_PLAIN = "!incidentops/plain"  # marker tag: a plain scalar still to be resolved (YAML 1.2 core)
_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_SEQ, _MAP = _CORE + "seq", _CORE + "map"
_KEY_TAGS = frozenset({_PLAIN, _STR, _INT})

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF_RE = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN_RE = re.compile(r"\.(nan|NaN|NAN)\Z")
# what YAML forbids in a stream (PyYAML's reader raises a ReaderError without a line for these)
_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 1024 * 1024
    max_depth: int = 64
    max_aliases: int = 100
    max_expanded_nodes: int = 100_000


class _Resolver(yaml.resolver.BaseResolver):
    """Resolution is deferred to :func:`_convert`; the composer only marks plain scalars."""

    # the composer calls these around every node; path resolvers are never used here
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


if LIBYAML:

    class _CComposer(_Parser, _Resolver):
        def __init__(self, text: str) -> None:
            _Parser.__init__(self, text)
            _Resolver.__init__(self)


class _PyComposer(
    yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer, _Resolver
):
    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)


def load_yaml(
    text: str, limits: Limits = Limits(), line_offset: int = 0, force_python: bool = False
) -> Document:
    """Parse one YAML document. Raises :class:`LoadProblem` with a 1-based position."""
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise LoadProblem(
            "yaml-syntax",
            f"YAML syntax error: character U+{ord(bad.group()):04X} is not allowed in YAML",
            line + line_offset,
            column,
        )
    use_c = LIBYAML and not force_python
    if use_c and _may_nest_deeper_than_c_can_compose(text):
        _check_depth_by_events(text, limits, line_offset, use_c)
    composer: Any = _CComposer(text) if use_c else _PyComposer(text)
    try:
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, line_offset) from None
    except RecursionError:  # pure-Python composer on absurd nesting
        # the parser does not recurse: walk its events to say where the limit was crossed
        _check_depth_by_events(text, limits, line_offset, use_c)
        raise LoadProblem("yaml-depth", f"nesting deeper than {limits.max_depth} levels") from None
    finally:
        composer.dispose()
    if root is None:
        return Document(None, None, line_offset)
    converter = _Converter(limits, line_offset)
    # Without an '&' there can be no anchor, so no alias: a leaner walk does the same job.
    value = converter.convert(root) if "&" in text else converter.plain(root, 1)
    return Document(value, root, line_offset)


def _may_nest_deeper_than_c_can_compose(text: str) -> bool:
    """libyaml's composer recurses on the C stack and crashes beyond ~50,000 levels. Block nesting
    needs a wider column per level, flow nesting a bracket each: this bound is cheap and safe."""
    if len(text) < 2000:  # every level costs at least one character
        return False
    longest = max(map(len, text.splitlines()), default=0)
    return text.count("[") + text.count("{") + 2 * longest > 2000


def _check_depth_by_events(text: str, limits: Limits, line_offset: int, use_c: bool) -> None:
    """Count collection levels from parser events (no composer, so no deep recursion)."""
    parser: Any = _CComposer(text) if use_c else _PyComposer(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limits.max_depth:
                    mark: Any = event.start_mark
                    raise LoadProblem(
                        "yaml-depth",
                        f"nesting deeper than {limits.max_depth} levels",
                        mark.line + 1 + line_offset,
                        mark.column + 1,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, line_offset) from None
    finally:
        parser.dispose()


def _syntax_problem(exc: yaml.MarkedYAMLError, line_offset: int) -> LoadProblem:
    mark: Any = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    context = f" {exc.context}" if exc.context else ""
    message = f"YAML syntax error: {problem}{context}".replace("\n", " ")
    if mark is None:
        return LoadProblem("yaml-syntax", message, 1 + line_offset, 1)
    return LoadProblem("yaml-syntax", message, mark.line + 1 + line_offset, mark.column + 1)


class _Converter:
    """Node graph -> plain values. Shared nodes are aliases; each is counted and its expanded
    size added, so a billion-laughs document is refused before anything walks it."""

    def __init__(self, limits: Limits, line_offset: int) -> None:
        self.limits = limits
        self.line_offset = line_offset
        self.done: dict[int, tuple[Any, int]] = {}  # id(node) -> (value, expanded size)
        self.levels: dict[int, int] = {}  # id(node) -> collection levels in it (scalar: 0)
        self.active: set[int] = set()
        self.aliases = 0

    def problem(self, rule: str, message: str, node: yaml.Node) -> LoadProblem:
        mark = node.start_mark
        return LoadProblem(rule, message, mark.line + 1 + self.line_offset, mark.column + 1)

    def convert(self, root: yaml.Node) -> Any:
        value, _ = self.node(root, 1)
        return value

    def plain(self, node: yaml.Node, depth: int) -> Any:
        """:meth:`node` for a document without aliases: no sharing to track, same checks."""
        kind = node.__class__
        if kind is yaml.ScalarNode:
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag == _PLAIN:
                return _resolve_plain(node.value)
            assert isinstance(node, yaml.ScalarNode)
            return self.scalar(node)
        if depth > self.limits.max_depth:
            raise self.problem(
                "yaml-depth", f"nesting deeper than {self.limits.max_depth} levels", node
            )
        if kind is yaml.SequenceNode:
            if node.tag != _SEQ:
                raise self.problem(
                    "yaml-tag", f"tag {node.tag!r} is not allowed on a sequence", node
                )
            return [
                _resolve_plain(child.value)
                if child.__class__ is yaml.ScalarNode and child.tag == _PLAIN
                else self.plain(child, depth + 1)
                for child in node.value
            ]
        if node.tag != _MAP:
            raise self.problem("yaml-tag", f"tag {node.tag!r} is not allowed on a mapping", node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                raise self.problem("yaml-key", "mapping keys must be plain text", key_node)
            if key_node.tag not in _KEY_TAGS:
                raise self.problem("yaml-tag", f"tag {key_node.tag!r} is not allowed", key_node)
            key = key_node.value
            if key in result:
                first = next(k for k, _ in node.value if k.value == key)
                raise self.problem(
                    "yaml-duplicate-key",
                    f"duplicate key {key!r} (first defined at line "
                    f"{first.start_mark.line + 1 + self.line_offset})",
                    key_node,
                )
            # most values are plain scalars: resolve them here, without a call per node
            if value_node.__class__ is yaml.ScalarNode and value_node.tag == _PLAIN:
                result[key] = _resolve_plain(value_node.value)
            else:
                result[key] = self.plain(value_node, depth + 1)
        return result

    def node(self, node: yaml.Node, depth: int) -> tuple[Any, int]:
        key = id(node)
        if key in self.done:
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                raise self.problem(
                    "yaml-aliases", f"more than {self.limits.max_aliases} aliases", node
                )
            # an alias re-uses its anchor's value here, deeper than where it was defined
            if depth + self.levels[key] - 1 > self.limits.max_depth:
                raise self.problem(
                    "yaml-depth", f"nesting deeper than {self.limits.max_depth} levels", node
                )
            return self.done[key]
        if key in self.active:
            raise self.problem("yaml-aliases", "recursive alias (refers to itself)", node)
        if isinstance(node, yaml.ScalarNode):
            result: tuple[Any, int] = (self.scalar(node), 1)
            self.levels[key] = 0
        else:
            # only collections are levels, as in _check_depth_by_events: a scalar in the 64th
            # mapping is within the limit
            if depth > self.limits.max_depth:
                raise self.problem(
                    "yaml-depth", f"nesting deeper than {self.limits.max_depth} levels", node
                )
            self.active.add(key)
            if isinstance(node, yaml.SequenceNode):
                result = self.sequence(node, depth)
            else:
                assert isinstance(node, yaml.MappingNode)
                result = self.mapping(node, depth)
            self.active.discard(key)
            items = node.value
            children = [v for _, v in items] if isinstance(node, yaml.MappingNode) else items
            self.levels[key] = 1 + max((self.levels[id(c)] for c in children), default=0)
        if result[1] > self.limits.max_expanded_nodes:
            raise self.problem(
                "yaml-aliases",
                f"aliases expand to more than {self.limits.max_expanded_nodes:,} values",
                node,
            )
        self.done[key] = result
        return result

    def sequence(self, node: yaml.SequenceNode, depth: int) -> tuple[list[Any], int]:
        if node.tag != _SEQ:
            raise self.problem("yaml-tag", f"tag {node.tag!r} is not allowed on a sequence", node)
        items: list[Any] = []
        size = 1
        for child in node.value:
            value, child_size = self.node(child, depth + 1)
            items.append(value)
            size += child_size
        return items, size

    def mapping(self, node: yaml.MappingNode, depth: int) -> tuple[dict[str, Any], int]:
        if node.tag != _MAP:
            raise self.problem("yaml-tag", f"tag {node.tag!r} is not allowed on a mapping", node)
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        size = 1
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.problem("yaml-key", "mapping keys must be plain text", key_node)
            if key_node.tag not in _KEY_TAGS:
                raise self.problem("yaml-tag", f"tag {key_node.tag!r} is not allowed", key_node)
            key = key_node.value
            line = key_node.start_mark.line + 1 + self.line_offset
            if key in first_line:
                raise self.problem(
                    "yaml-duplicate-key",
                    f"duplicate key {key!r} (first defined at line {first_line[key]})",
                    key_node,
                )
            first_line[key] = line
            value, child_size = self.node(value_node, depth + 1)
            result[key] = value
            size += child_size
        return result, size

    def scalar(self, node: yaml.ScalarNode) -> Any:
        text: str = node.value
        tag = node.tag
        if tag == _STR:
            return text
        if tag == _PLAIN:
            return _resolve_plain(text)
        if tag == _NULL and text in _NULLS:
            return None
        if tag == _BOOL and text in _BOOLS:
            return _BOOLS[text]
        if tag == _INT and (_INT_RE.match(text) or _OCT_RE.match(text) or _HEX_RE.match(text)):
            return _resolve_plain(text)
        if tag == _FLOAT:
            resolved = _resolve_plain(text)
            if isinstance(resolved, int | float) and not isinstance(resolved, bool):
                return float(resolved)
        if tag in (_NULL, _BOOL, _INT, _FLOAT):
            raise self.problem("yaml-tag", f"{text!r} is not a valid {tag[len(_CORE) :]}", node)
        raise self.problem(
            "yaml-tag", f"tag {tag!r} is not allowed (only the YAML core tags)", node
        )


def _resolve_plain(text: str) -> Any:
    """YAML 1.2 core schema: ``yes``/``no``/``on``/``off`` stay text, ``010`` is ten,
    timestamps stay text (the schema checks their format)."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    first = text[0]
    if not (first.isdigit() or first in "+-."):
        return text
    if _INT_RE.match(text):
        return int(text, 10)
    if _OCT_RE.match(text):
        return int(text[2:], 8)
    if _HEX_RE.match(text):
        return int(text[2:], 16)
    if _FLOAT_RE.match(text):
        return float(text)
    if _INF_RE.match(text):
        return -math.inf if text[0] == "-" else math.inf
    if _NAN_RE.match(text):
        return math.nan
    return text
