"""YAML nodes to plain values, safely: YAML 1.2 core scalars (``no`` stays text, ``010`` is
ten, timestamps stay text), only the core tags, duplicate keys and over-deep nesting refused,
and alias use budgeted by count and by the size of what it expands to."""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from incidentops.loader.document import Limits, LoadProblem

PLAIN_TAG = "!incidentops/plain"  # marker tag: a plain scalar still to be resolved (YAML 1.2 core)
_CORE = "tag:yaml.org,2002:"
STR_TAG, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
SEQ_TAG, MAP_TAG = _CORE + "seq", _CORE + "map"
_KEY_TAGS = frozenset({PLAIN_TAG, STR_TAG, _INT})

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_OCT_RE = re.compile(r"0o[0-7]+\Z")
_HEX_RE = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_INF_RE = re.compile(r"[-+]?\.(inf|Inf|INF)\Z")
_NAN_RE = re.compile(r"\.(nan|NaN|NAN)\Z")


class Converter:
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
            if tag == STR_TAG:
                return node.value
            if tag == PLAIN_TAG:
                return _resolve_plain(node.value)
            assert isinstance(node, yaml.ScalarNode)
            return self.scalar(node)
        if depth > self.limits.max_depth:
            raise self.problem(
                "yaml-depth", f"nesting deeper than {self.limits.max_depth} levels", node
            )
        if kind is yaml.SequenceNode:
            if node.tag != SEQ_TAG:
                raise self.problem(
                    "yaml-tag", f"tag {node.tag!r} is not allowed on a sequence", node
                )
            return [
                _resolve_plain(child.value)
                if child.__class__ is yaml.ScalarNode and child.tag == PLAIN_TAG
                else self.plain(child, depth + 1)
                for child in node.value
            ]
        if node.tag != MAP_TAG:
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
            if value_node.__class__ is yaml.ScalarNode and value_node.tag == PLAIN_TAG:
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
        if node.tag != SEQ_TAG:
            raise self.problem("yaml-tag", f"tag {node.tag!r} is not allowed on a sequence", node)
        items: list[Any] = []
        size = 1
        for child in node.value:
            value, child_size = self.node(child, depth + 1)
            items.append(value)
            size += child_size
        return items, size

    def mapping(self, node: yaml.MappingNode, depth: int) -> tuple[dict[str, Any], int]:
        if node.tag != MAP_TAG:
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
        if tag == STR_TAG:
            return text
        if tag == PLAIN_TAG:
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
