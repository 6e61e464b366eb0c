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


@dataclass
class Repository:
    facts: dict[str, FileFacts]
    config: Config
    today: date
    root: Path
    unloaded: frozenset[str] = frozenset()  # kinds with a file that failed to load

    _documents: dict[str, Document | None] = field(default_factory=dict, repr=False)

    def exists(self, relative: str) -> bool:
        return (self.root / relative).exists()

    def locate(self, path: str, where: list[str | int]) -> tuple[int, int]:
        """Line and column of a value in a file, loading the file again only when asked."""
        document = self._document(path)
        return document.position(where) if document is not None else (1, 1)

    def _document(self, path: str) -> Document | None:
        if path not in self._documents:
            self._documents[path] = _reload(self.root, path, self.config)
        return self._documents[path]

    def places(self, facts: FileFacts, kind: str, value: str) -> list[tuple[int, int]]:
        """Every place ``value`` is named as a ``kind`` in the file (facts keep only the first)."""
        from incidentops.facts import extract

        document = self._document(facts.path)
        if document is None:
            return [(1, 1)]
        full = FileFacts(facts.path, facts.kind, every_place=True)
        context = FileContext(facts.path, facts.kind, "", document, self.config)
        extract(context, full)
        return [document.position(w) for k, v, w, _ in full.refs if (k, v) == (kind, value)]

    def ref_line(self, facts: FileFacts, kind: str) -> int:
        """The line of the first reference of ``kind`` in a file (1 if it has none)."""
        for ref_kind, _, where, _ in facts.refs:
            if ref_kind == kind:
                return self.locate(facts.path, where)[0]
        return 1

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


def _reload(root: Path, path: str, config: Config) -> Document | None:
    from incidentops.loader import Limits, LoadProblem, load_yaml, read_text, split_front_matter

    try:
        text, _ = read_text(root, path, config.max_file_bytes)
        if path.endswith(".md"):
            yaml_text, offset, _, _ = split_front_matter(text)
            return load_yaml(
                yaml_text,
                Limits(config.max_file_bytes, config.max_depth, config.max_aliases),
                offset,
            )
        return load_yaml(text, Limits(config.max_file_bytes, config.max_depth, config.max_aliases))
    except LoadProblem:
        return None
