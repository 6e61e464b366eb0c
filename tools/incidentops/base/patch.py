"""A change to a YAML document as data: what the pure core decides, what the edge applies.

The lifecycle core never touches files: it returns a :class:`Patch` (set a key, append to a
list, delete a key) computed from the incident's plain values; ``edit.apply_patch`` applies it
to the round-trip document so that people's comments, key order and quoting survive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Op:
    action: str  # "set" | "append" | "insert" | "delete"
    path: Path  # to the key (set/delete) or to the list (append)
    value: Any = None


@dataclass
class Patch:
    ops: list[Op] = field(default_factory=list)

    def set(self, *path: str | int, value: Any) -> Patch:
        self.ops.append(Op("set", path, value))
        return self

    def append(self, *path: str | int, value: Any) -> Patch:
        self.ops.append(Op("append", path, value))
        return self

    def insert(self, *path: str | int, index: int, value: Any) -> Patch:
        """Insert into the list at ``path`` before position ``index``."""
        self.ops.append(Op("insert", (*path, index), value))
        return self

    def delete(self, *path: str | int) -> Patch:
        self.ops.append(Op("delete", path))
        return self

    def apply_to_plain(self, data: dict[str, Any]) -> dict[str, Any]:
        """The patch applied to a deep copy of plain values (to validate before writing)."""
        import copy

        result = copy.deepcopy(data)
        for op in self.ops:
            parent: Any = result
            for step in op.path[:-1]:
                parent = parent.setdefault(step, {}) if isinstance(parent, dict) else parent[step]
            last = op.path[-1]
            if op.action == "set":
                parent[last] = copy.deepcopy(op.value)
            elif op.action == "append":
                parent.setdefault(last, []).append(copy.deepcopy(op.value))
            elif op.action == "insert":
                parent.insert(last, copy.deepcopy(op.value))
            elif op.action == "delete":
                parent.pop(last, None)
        return result
