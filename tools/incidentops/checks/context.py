"""What a check sees: one loaded file (file checks) or the facts of all files (repository)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from incidentops.config import Config
from incidentops.loader import Document
from incidentops.markdown import MarkdownDoc, Section

Hit = tuple[int, int, str]  # line, column, message (file checks)
RepoHit = tuple[str, int, int, str]  # path, line, column, message (repository checks)


@dataclass
class FileContext:
    path: str
    kind: str
    text: str
    document: Document
    config: Config
    body: MarkdownDoc | None = None

    @property
    def data(self) -> dict[str, Any]:
        value = self.document.value
        return value if isinstance(value, dict) else {}

    @cached_property
    def sections(self) -> list[Section]:
        return self.body.sections() if self.body else []

    def at(self, *path: str | int) -> tuple[int, int]:
        return self.document.position(path)


@dataclass
class FileFacts:
    """The small summary of one file that repository checks work from (cacheable as JSON)."""

    path: str
    kind: str
    defines: dict[str, list[list[Any]]] = field(default_factory=dict)  # kind -> [[value, l, c]]
    refs: list[list[Any]] = field(default_factory=list)  # [target kind, value, line, column]
    info: dict[str, Any] = field(default_factory=dict)

    def define(self, kind: str, value: Any, where: tuple[int, int]) -> None:
        self.defines.setdefault(kind, []).append([value, where[0], where[1]])

    def ref(self, kind: str, value: Any, where: tuple[int, int]) -> None:
        if isinstance(value, str) and value:
            self.refs.append([kind, value, where[0], where[1]])

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "defines": self.defines, "refs": self.refs, "info": self.info}

    @classmethod
    def from_dict(cls, path: str, data: dict[str, Any]) -> FileFacts:
        return cls(path, data["kind"], data["defines"], data["refs"], data["info"])


@dataclass
class Repository:
    facts: dict[str, FileFacts]
    config: Config
    today: date
    root: Path

    def exists(self, relative: str) -> bool:
        return (self.root / relative).exists()

    def of_kind(self, kind: str) -> Iterator[FileFacts]:
        return (f for f in self.facts.values() if f.kind == kind)

    @cached_property
    def defined(self) -> dict[str, dict[str, tuple[str, int]]]:
        """kind -> value -> (path, line) of its first definition."""
        table: dict[str, dict[str, tuple[str, int]]] = {}
        for facts in self.facts.values():
            for kind, entries in facts.defines.items():
                names = table.setdefault(kind, {})
                for value, line, _ in entries:
                    names.setdefault(str(value), (facts.path, line))
        return table

    @cached_property
    def incidents(self) -> dict[str, FileFacts]:
        return {
            str(entries[0][0]): f
            for f in self.of_kind("incident")
            if (entries := f.defines.get("incident"))
        }
