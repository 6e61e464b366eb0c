"""One file through the pipeline: read -> parse -> schema -> file checks -> facts.

Pure apart from reading the file; the result is plain data, cached by content hash.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.loader import Limits, LoadProblem, load_yaml, read_text, split_front_matter
from incidentops.loader.markdown import MarkdownDoc
from incidentops.validate import schemas
from incidentops.validate.cache import digest
from incidentops.validate.checks import RULES, file_checks
from incidentops.validate.context import FileContext, FileFacts
from incidentops.validate.facts import extract
from incidentops.validate.findings import LEVELS, Finding

MARKDOWN_KINDS = frozenset({"runbook", "postmortem"})
_DIRECTIVE = re.compile(r"(?:<!--|#)\s*incidentops:\s*(disable|enable|disable-next-line)=([\w,-]+)")
EVERYWHERE = 10**9


@dataclass
class FileResult:
    path: str
    kind: str
    digest: str
    findings: list[Finding] = field(default_factory=list)
    facts: FileFacts | None = None
    directives: list[list[Any]] = field(default_factory=list)  # [rule, first line, last line]
    value: Any = None  # the loaded data, only kept for the configuration file
    stat: list[int] = field(default_factory=list)  # size, mtime_ns when it was read

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "digest": self.digest,
            "findings": [f.as_dict() for f in self.findings],
            "facts": self.facts.as_dict() if self.facts else None,
            "directives": self.directives,
            "stat": self.stat,
        }

    @classmethod
    def from_dict(cls, path: str, data: dict[str, Any]) -> FileResult:
        facts = FileFacts.from_dict(path, data["facts"]) if data["facts"] else None
        findings = [Finding.from_dict(f) for f in data["findings"]]
        result = cls(path, data["kind"], data["digest"], findings, facts, data["directives"])
        result.stat = data.get("stat", [])
        return result


def _finding(path: str, rule: str, line: int, column: int, message: str) -> Finding:
    return Finding(
        path, line, column, rule, RULES[rule].level if rule in RULES else "error", message
    )


def check_file(
    root: Path, path: str, kind: str, config: Config, facts_only: bool = False
) -> FileResult:
    # stat before reading: an edit made while we read changes it, so the next run re-checks
    try:
        status: os.stat_result | None = os.lstat(root / path)
    except OSError:
        status = None  # read_text says why
    try:
        text, raw = read_text(root, path, config.max_file_bytes)
    except LoadProblem as problem:
        return FileResult(
            path,
            kind,
            "",
            [_finding(path, problem.rule, problem.line, problem.column, problem.message)],
        )
    result = check_text(path, kind, text, config, facts_only)
    result.digest = digest(raw)
    result.stat = [status.st_size, status.st_mtime_ns] if status else []
    return result


def check_text(
    path: str, kind: str, text: str, config: Config, facts_only: bool = False
) -> FileResult:
    """Everything ``check_file`` does after reading, on text in memory (an edit is checked
    this way before it is written). ``facts_only``: parse and summarise, no checks (for
    reports that need the facts, never cached)."""
    limits = Limits(config.max_file_bytes, config.max_depth, config.max_aliases)
    result = FileResult(path, kind, "", directives=_directives(text))
    body: MarkdownDoc | None = None
    try:
        if kind in MARKDOWN_KINDS:
            yaml_text, yaml_offset, body_text, body_offset = split_front_matter(text)
            document = load_yaml(yaml_text, limits, yaml_offset)
            if not facts_only:
                body = MarkdownDoc.parse(body_text, body_offset)
        else:
            document = load_yaml(text, limits)
    except LoadProblem as problem:
        result.findings.append(
            _finding(path, problem.rule, problem.line, problem.column, problem.message)
        )
        return result
    if facts_only:
        result.facts = extract(FileContext(path, kind, text, document, config, None))
        return result
    for line, column, message in schemas.schema_errors(kind, document):
        result.findings.append(_finding(path, "schema", line, column, message))
    ctx = FileContext(path, kind, text, document, config, body)
    for rule, check in file_checks(kind):
        for line, column, message in check(ctx):
            result.findings.append(Finding(path, line, column, rule.id, rule.level, message))
    result.facts = extract(ctx)
    if kind == "config":
        result.value = document.value
    return result


def with_settings(
    findings: list[Finding], config: Config, directives: dict[str, list[list[Any]]]
) -> list[Finding]:
    """Levels from ``validate.rules`` (``off`` drops a rule) and inline disable comments
    (``directives``: per path, as ``FileResult.directives``)."""
    kept: list[Finding] = []
    for finding in findings:
        level = config.rule_levels.get(finding.rule, finding.level)
        if level == "off":
            continue
        if any(
            rule in (finding.rule, "all") and first <= finding.line <= last
            for rule, first, last in directives.get(finding.path, ())
        ):
            continue
        if level != finding.level and level in LEVELS:
            finding = replace(finding, level=level)
        kept.append(finding)
    return kept


def _directives(text: str) -> list[list[Any]]:
    """``<!-- incidentops: disable=RULE -->`` (or ``# incidentops: ...`` in YAML) switches rules
    off until ``enable=RULE``; ``disable-next-line=RULE`` for one line."""
    if "incidentops:" not in text:
        return []
    ranges: list[list[Any]] = []
    open_at: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        for action, names in _DIRECTIVE.findall(line):
            for rule in names.split(","):
                if action == "disable-next-line":
                    ranges.append([rule, number + 1, number + 1])
                elif action == "disable":
                    open_at.setdefault(rule, number)
                elif rule in open_at:
                    ranges.append([rule, open_at.pop(rule), number])
    ranges.extend([rule, start, EVERYWHERE] for rule, start in open_at.items())
    return ranges
