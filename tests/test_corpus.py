"""The rule corpus: ``tests/corpus/<rule>/{good,bad}/<case>/`` overlays on ``tests/corpus/_base``.

Each case is copied on top of a copy of the (valid) base repository, then validated in
process. A bad case's ``expected.txt`` lists every finding of its rule, one per line, as
``path:line:column: message substring`` (column may be ``*``); a good case must produce no
finding of its rule. Special files in a case (never copied):

- ``_delete.txt``: base paths to remove first, one per line;
- ``_symlink.txt``: ``link target`` per line, symbolic links to create (``target`` as written,
  ``{outside}`` standing for a directory outside the repository);
- ``_socket.txt``: paths to create as Unix sockets (a file that cannot be read, even by root);
- ``_check_file.txt``: ``path kind`` per line, files to put through ``check_file`` directly,
  for findings that ``validate`` never produces because discovery cannot yield such a path.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from incidentops.base.config import Config
from incidentops.loader import LoadProblem, read_text
from incidentops.validate.checks import RULES
from incidentops.validate.filecheck import check_file
from incidentops.validate.findings import Finding
from incidentops.validate.index import run

CORPUS = Path(__file__).resolve().parent / "corpus"
BASE = CORPUS / "_base"
TODAY = date(2026, 11, 23)
SPECIAL = frozenset(
    {"expected.txt", "_delete.txt", "_symlink.txt", "_socket.txt", "_check_file.txt"}
)


@dataclass(frozen=True)
class Case:
    rule: str
    verdict: str  # good | bad
    name: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.rule}/{self.verdict}/{self.name}"


def _cases() -> Iterator[Case]:
    for rule_dir in sorted(CORPUS.iterdir()):
        if not rule_dir.is_dir() or rule_dir.name.startswith("_"):
            continue
        for verdict in ("good", "bad"):
            folder = rule_dir / verdict
            if folder.is_dir():
                for case in sorted(p for p in folder.iterdir() if p.is_dir()):
                    yield Case(rule_dir.name, verdict, case.name, case)


CASES = list(_cases())


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def build(case_dir: Path, target: Path) -> Path:
    """A copy of the base repository with the case laid over it."""
    repo = target / "repo"
    shutil.copytree(BASE, repo)
    for relative in _lines(case_dir / "_delete.txt"):
        victim = repo / relative
        if victim.is_dir():
            shutil.rmtree(victim)
        else:
            victim.unlink()
    for source in sorted(case_dir.rglob("*")):
        relative = source.relative_to(case_dir)
        if source.is_dir() or relative.as_posix() in SPECIAL:
            continue
        destination = repo / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    outside = target / "outside"
    for line in _lines(case_dir / "_symlink.txt"):
        link, link_target = line.split()
        if link_target == "{outside}":
            outside.mkdir(exist_ok=True)
            (outside / "INC-2026-0009.yaml").write_text("id: INC-2026-0009\n", encoding="utf-8")
            link_target = str(outside)
        (repo / link).parent.mkdir(parents=True, exist_ok=True)
        (repo / link).symlink_to(link_target)
    for relative in _lines(case_dir / "_socket.txt"):
        _make_socket(repo / relative)
    return repo


def _make_socket(path: Path) -> None:
    # a socket's path must be short (108 bytes): bind a relative name from its directory
    path.parent.mkdir(parents=True, exist_ok=True)
    cwd = Path.cwd()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.chdir(path.parent)
        server.bind(path.name)
    finally:
        os.chdir(cwd)
        server.close()


def findings_for(case: Case, repo: Path) -> list[Finding]:
    outcome = run(repo, jobs=1, use_cache=False, today=TODAY)
    found = list(outcome.findings)
    for line in _lines(case.path / "_check_file.txt"):
        path, kind = line.split()
        found.extend(check_file(repo.resolve(), path, kind, outcome.config).findings)
    return found


@dataclass(frozen=True)
class Expected:
    path: str
    line: int
    column: int | None
    text: str

    def matches(self, finding: Finding) -> bool:
        return (
            finding.path == self.path
            and finding.line == self.line
            and (self.column is None or finding.column == self.column)
            and self.text in finding.message
        )

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{'*' if self.column is None else self.column}: {self.text}"


def parse_expected(path: Path) -> list[Expected]:
    expected = []
    for line in _lines(path):
        where, _, text = line.partition(": ")
        file, line_no, column = where.rsplit(":", 2)
        expected.append(
            Expected(file, int(line_no), None if column == "*" else int(column), text.strip())
        )
    return expected


def _show(findings: list[Finding]) -> str:
    return "\n".join(f"  {f.path}:{f.line}:{f.column}: [{f.rule}] {f.message}" for f in findings)


def test_base_repository_is_valid(tmp_path: Path) -> None:
    repo = build(tmp_path / "empty-case", tmp_path)
    outcome = run(repo, jobs=1, use_cache=False, today=TODAY)
    assert outcome.findings == [], _show(outcome.findings)
    assert outcome.files_checked == 9


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case(case: Case, tmp_path: Path) -> None:
    repo = build(case.path, tmp_path)
    found = findings_for(case, repo)
    of_rule = [f for f in found if f.rule == case.rule]
    if case.verdict == "good":
        assert of_rule == [], f"unexpected {case.rule} findings:\n{_show(of_rule)}"
        return
    expected = parse_expected(case.path / "expected.txt")
    assert expected, f"{case.id} has no expected.txt lines"
    unmatched = list(of_rule)
    missing = []
    for want in expected:
        hit = next((f for f in unmatched if want.matches(f)), None)
        if hit is None:
            missing.append(str(want))
        else:
            unmatched.remove(hit)
    assert not missing and not unmatched, (
        "missing:\n  " + "\n  ".join(missing) + f"\nunexpected:\n{_show(unmatched)}"
        f"\nall findings:\n{_show(found)}"
    )
    assert all(f.level == RULES[case.rule].level for f in of_rule)


def test_every_rule_has_a_good_and_a_bad_case() -> None:
    covered = {(c.rule, c.verdict) for c in CASES}
    missing = [
        f"{rule}/{verdict}"
        for rule in RULES
        for verdict in ("good", "bad")
        if (rule, verdict) not in covered
    ]
    assert not missing, f"rules without corpus cases: {missing}"
    unknown = sorted({c.rule for c in CASES} - set(RULES))
    assert not unknown, f"corpus folders for rules that do not exist: {unknown}"


def test_every_bad_case_has_expected_lines() -> None:
    for case in CASES:
        if case.verdict == "bad":
            assert parse_expected(case.path / "expected.txt"), case.id


# -- settings: levels, off, inline directives ------------------------------------------------


def _overlay(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = build(tmp_path / "no-case", tmp_path)
    for relative, text in files.items():
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text(text, encoding="utf-8")
    return repo


def _base_text(relative: str) -> str:
    return (BASE / relative).read_text(encoding="utf-8")


_RUNBOOK = "runbooks/checkout-api/high-error-rate.md"
_UNFENCED = "Quick check: `kubectl -n checkout get pods -l app=checkout-api`\n"


def _runbook_with_unfenced(prefix: str = "") -> str:
    text = _base_text(_RUNBOOK)
    return text.replace(
        "## Escalation\n", f"## Escalation\n\n{prefix}{_UNFENCED}\n{_UNFENCED}\n", 1
    )


def _line_of(text: str, needle: str, after: int = 0) -> int:
    """The 1-based number of the first line after line ``after`` that contains ``needle``."""
    lines = text.split("\n")
    return next(n for n, line in enumerate(lines, 1) if n > after and needle in line)


def _rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def test_setting_off_drops_a_rule(tmp_path: Path) -> None:
    config = _base_text("incidentops.yaml") + "validate:\n  rules: {unfenced-command: 'off'}\n"
    on = run(
        _overlay(tmp_path / "on", {_RUNBOOK: _runbook_with_unfenced()}),
        jobs=1,
        use_cache=False,
        today=TODAY,
    )
    assert [f.rule for f in on.findings] == ["unfenced-command", "unfenced-command"]
    off = run(
        _overlay(
            tmp_path / "off",
            {_RUNBOOK: _runbook_with_unfenced(), "incidentops.yaml": config},
        ),
        jobs=1,
        use_cache=False,
        today=TODAY,
    )
    assert off.findings == [], _show(off.findings)


def test_setting_a_level_changes_it(tmp_path: Path) -> None:
    config = (
        _base_text("incidentops.yaml")
        + "validate:\n  rules: {unfenced-command: error, unknown-reference: warning}\n"
    )
    incident = _base_text("incidents/2026/INC-2026-0002.yaml").replace(
        "commander: dave", "commander: dvae"
    )
    repo = _overlay(
        tmp_path,
        {
            _RUNBOOK: _runbook_with_unfenced(),
            "incidentops.yaml": config,
            "incidents/2026/INC-2026-0002.yaml": incident,
        },
    )
    outcome = run(repo, jobs=1, use_cache=False, today=TODAY)
    levels = {(f.rule, f.level) for f in outcome.findings}
    assert levels == {("unfenced-command", "error"), ("unknown-reference", "warning")}, _show(
        outcome.findings
    )


def test_markdown_disable_comment_suppresses_only_that_rule(tmp_path: Path) -> None:
    # the comment switches unfenced-command off from its line on; a destructive command
    # after it (the runbook has no Rollback section any more) is still reported
    runbook = _runbook_with_unfenced(
        "<!-- incidentops: disable=unfenced-command -->\n\n"
        "```bash\nkubectl delete pod -n checkout -l app=checkout-api\n```\n\n"
    ).replace("## Rollback\n", "## Notes\n")
    repo = _overlay(tmp_path, {_RUNBOOK: runbook})
    outcome = run(repo, jobs=1, use_cache=False, today=TODAY)
    assert _rules(outcome.findings) == {"destructive-command", "runbook-sections", "broken-link"}, (
        _show(outcome.findings)
    )


def test_markdown_disable_until_enable(tmp_path: Path) -> None:
    runbook = _base_text(_RUNBOOK).replace(
        "## Escalation\n",
        "## Escalation\n\n<!-- incidentops: disable=unfenced-command -->\n\n"
        f"{_UNFENCED}\n<!-- incidentops: enable=unfenced-command -->\n\n{_UNFENCED}\n",
        1,
    )
    repo = _overlay(tmp_path, {_RUNBOOK: runbook})
    outcome = run(repo, jobs=1, use_cache=False, today=TODAY)
    second = _line_of(runbook, _UNFENCED.strip(), after=_line_of(runbook, "enable="))
    assert [(f.rule, f.line) for f in outcome.findings] == [("unfenced-command", second)], _show(
        outcome.findings
    )


def test_yaml_disable_next_line_suppresses_only_that_line_and_rule(tmp_path: Path) -> None:
    incident = _base_text("incidents/2026/INC-2026-0002.yaml").replace(
        "declared_by: dave\nroles:\n  commander: dave\n",
        "# incidentops: disable-next-line=unknown-reference\n"
        "declared_by: dvae\nroles:\n  commander: dvae\n",
    )
    repo = _overlay(tmp_path, {"incidents/2026/INC-2026-0002.yaml": incident})
    outcome = run(repo, jobs=1, use_cache=False, today=TODAY)
    commander = _line_of(incident, "commander: dvae")
    assert [(f.rule, f.line) for f in outcome.findings] == [("unknown-reference", commander)], (
        _show(outcome.findings)
    )


def test_yaml_disable_next_line_of_another_rule_does_not_suppress(tmp_path: Path) -> None:
    incident = _base_text("incidents/2026/INC-2026-0002.yaml").replace(
        "declared_by: dave\n", "# incidentops: disable-next-line=schema\ndeclared_by: dvae\n"
    )
    repo = _overlay(tmp_path, {"incidents/2026/INC-2026-0002.yaml": incident})
    outcome = run(repo, jobs=1, use_cache=False, today=TODAY)
    declared_by = _line_of(incident, "declared_by: dvae")
    assert [(f.rule, f.line) for f in outcome.findings] == [("unknown-reference", declared_by)], (
        _show(outcome.findings)
    )


# -- loader-level: what validate cannot produce -------------------------------------------------


def test_read_text_refuses_paths_that_leave_the_repository(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "secret.yaml").write_text("x: 1\n", encoding="utf-8")
    for relative in ("../secret.yaml", str(tmp_path / "secret.yaml"), "a/../../secret.yaml"):
        with pytest.raises(LoadProblem) as problem:
            read_text(root.resolve(), relative, 1000)
        assert problem.value.rule == "path-outside-repository", relative


def test_check_file_reports_a_path_outside_the_repository(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "secret.yaml").write_text("x: 1\n", encoding="utf-8")
    result = check_file(root.resolve(), "../secret.yaml", "people", Config())
    assert [(f.rule, f.line, f.column) for f in result.findings] == [
        ("path-outside-repository", 1, 1)
    ]
