"""What a file check sees: one loaded file (``FileContext``), and the small cacheable summary
of it that repository checks work from (``FileFacts``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from incidentops.base.config import Config
from incidentops.loader import Document
from incidentops.loader.markdown import MarkdownDoc, Section

Hit = tuple[int, int, str]  # line, column, message (file checks)


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
    # [target kind, value, path in the document, times named]: positions are worked out only
    # for the few references that turn out to be wrong (Repository.locate)
    refs: list[list[Any]] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    _seen: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)
    every_place: bool = False  # keep each place a name is used, not only the first

    def define(self, kind: str, value: Any, where: tuple[int, int]) -> None:
        self.defines.setdefault(kind, []).append([value, where[0], where[1]])

    def ref(self, kind: str, value: Any, path: tuple[str | int, ...]) -> None:
        if not isinstance(value, str) or not value:
            return
        key = (kind, value)
        if self.every_place:
            self.refs.append([kind, value, list(path), 1])
        elif key in self._seen:
            self.refs[self._seen[key]][3] += 1
        else:
            self._seen[key] = len(self.refs)
            self.refs.append([kind, value, list(path), 1])

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "defines": self.defines, "refs": self.refs, "info": self.info}

    @classmethod
    def from_dict(cls, path: str, data: dict[str, Any]) -> FileFacts:
        return cls(path, data["kind"], data["defines"], data["refs"], data["info"])
