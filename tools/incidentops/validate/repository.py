"""What a repository check sees: the facts of every file (``Repository``), with the files
loaded again only where a finding needs a line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from incidentops.alerts.links import Linked, link
from incidentops.alerts.rules import Alert, RuleProblem
from incidentops.base.config import Config
from incidentops.loader import Document
from incidentops.validate.context import FileContext, FileFacts
from incidentops.validate.facts import extract

RepoHit = tuple[str, int, int, str]  # path, line, column, message (repository checks)


@dataclass
class Repository:
    facts: dict[str, FileFacts]
    config: Config
    today: date
    root: Path
    unloaded: frozenset[str] = frozenset()  # kinds with a file that failed to load
    use_cache: bool = True  # False (--no-cache): read everything, write no cache

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
    def alert_rules(self) -> tuple[list[Alert], list[RuleProblem]]:
        """The alerting rules ``alerts.rules`` names (read once, for every alert check)."""
        from incidentops.validate.cache import alert_rules

        return alert_rules(self.root, self.config, self.use_cache)

    @cached_property
    def alert_links(self) -> list[Linked]:
        """Every alert with the runbooks that list it and where its runbook_url leads."""
        listed: dict[str, list[str]] = {}
        for facts in self.of_kind("runbook"):
            for kind, value, _, _ in facts.refs:
                if kind == "alert":
                    listed.setdefault(str(value), []).append(facts.path)
        runbooks = sorted(f.path for f in self.of_kind("runbook"))
        return link(self.alert_rules[0], listed, self.config.runbook_url, runbooks)

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
