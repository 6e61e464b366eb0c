"""A loaded YAML document: plain values plus the node tree that knows where each value is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

Position = tuple[int, int]  # 1-based line and column


@dataclass(frozen=True)
class Limits:
    """What one file may cost to load (bytes, nesting, aliases and what they expand to)."""

    max_bytes: int = 1024 * 1024
    max_depth: int = 64
    max_aliases: int = 100
    max_expanded_nodes: int = 100_000


@dataclass(frozen=True)
class LoadProblem(Exception):
    """Why a file could not be loaded, and where (1-based)."""

    rule: str
    message: str
    line: int = 1
    column: int = 1


@dataclass
class Document:
    """Plain JSON-like values (dict/list/str/int/float/bool/None) and their source nodes.

    ``line_offset`` is the number of lines before the YAML text in its file (front matter).
    """

    value: Any
    root: yaml.Node | None
    line_offset: int = 0

    def position(self, path: Sequence[str | int]) -> Position:
        """Line and column of the value at ``path``; for a path that does not exist (a missing
        key), the position of the deepest mapping or sequence that does."""
        node = self.root
        if node is None:
            return (1 + self.line_offset, 1)
        for step in path:
            child = _child(node, step)
            if child is None:
                break
            node = child
        return (node.start_mark.line + 1 + self.line_offset, node.start_mark.column + 1)

    def key_position(self, path: Sequence[str | int]) -> Position:
        """Position of the key naming the last step of ``path`` (for "unexpected key" errors)."""
        if not path:
            return self.position(path)
        parent = self.root
        for step in path[:-1]:
            parent = _child(parent, step) if parent is not None else None
        if isinstance(parent, yaml.MappingNode):
            for key, _ in parent.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(path[-1]):
                    return (key.start_mark.line + 1 + self.line_offset, key.start_mark.column + 1)
        return self.position(path)


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(step):
                return value  # type: ignore[no-any-return]
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(step, int)
        and 0 <= step < len(node.value)
    ):
        return node.value[step]  # type: ignore[no-any-return]
    return None
