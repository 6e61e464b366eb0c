"""The incident commands end to end through the installed console script: one incident's whole
life in a real git repository pushed to a bare ``origin``, bad input refused without a trace,
and the shapes of ``list``, ``show`` and ``metrics``."""

from __future__ import annotations

import difflib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_sample, git, run_cli
from incidentops.loader import load_yaml

IDENT = "INC-2026-0010"
INCIDENT = f"incidents/2026/{IDENT}.yaml"
POSTMORTEM = f"postmortems/2026/{IDENT}.md"
ZWSP = "\u200b"


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Path:
    """The sample committed in a fresh repository whose ``origin`` is a bare repository."""
    root = copy_sample(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "sample")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(tmp_path / "origin.git"))
    git(root, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(root, "push", "-q", "-u", "origin", "main")
    return root


def _origin_log(root: Path) -> list[str]:
    origin = root.parent / "origin.git"
    return git(origin, "log", "--format=%s", "main").splitlines()


def _load(root: Path, path: str = INCIDENT) -> dict[str, Any]:
    value = load_yaml((root / path).read_text(encoding="utf-8")).value
    assert isinstance(value, dict)
    return value


def _validates(root: Path) -> None:
    result = run_cli("validate", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


def _one_line_error(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0]


class Life:
    """Runs one step at a given clock and checks what every step must leave behind."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def ok(self, now: str, *args: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
        before = _origin_log(self.root)
        result = run_cli(*args, "--push", cwd=self.root, env={"INCIDENTOPS_NOW": now})
        assert result.returncode == 0, result.stdout + result.stderr
        after = _origin_log(self.root)
        assert after[1:] == before, "exactly one new commit on origin"
        assert re.fullmatch(rf"{IDENT}: \S.*", after[0]), after[0]
        assert git(self.root, "status", "--porcelain") == ""
        _validates(self.root)
        return result, _load(self.root)

    def refused(self, now: str, *args: str, expect: str, validates: bool = True) -> None:
        before_log = _origin_log(self.root)
        before = (self.root / INCIDENT).read_bytes()
        result = run_cli(*args, "--push", cwd=self.root, env={"INCIDENTOPS_NOW": now})
        _one_line_error(result, expect)
        assert (self.root / INCIDENT).read_bytes() == before
        assert _origin_log(self.root) == before_log
        if validates:
            _validates(self.root)


def _last_event(data: dict[str, Any]) -> dict[str, Any]:
    event = data["timeline"][-1]
    assert isinstance(event, dict)
    return event


def _fill_postmortem(text: str) -> str:
    """What the people would write into the draft: every TODO replaced, a five-whys chain,
    one action item (table and front matter), status final."""
    whys = "\n".join(
        f"{n}. **Why did stage {n} happen?** The deploy pipeline had no check for case {n}."
        for n in range(1, 6)
    )
    table = (
        "| ID | Action | Owner | Due | Priority | Status |\n|---|---|---|---|---|---|\n"
        "| AI-1 | Add a canary stage to the checkout deploy | tom | 2026-12-10 | P1 | open |"
    )
    text = text.replace("status: draft", "status: final").replace(
        "action_items: []",
        "action_items:\n  - id: AI-1\n    title: Add a canary stage to the checkout deploy\n"
        "    owner: tom\n    due: 2026-12-10\n    priority: P1\n    status: open",
    )
    sections = []
    for section in re.split(r"(?m)^(?=## )", text):
        if section.startswith("## Root cause"):
            section = re.sub(r"(?s)TODO:.*?\n\n", whys + "\n\n", section, count=1)
        elif section.startswith("## Action items"):
            section = re.sub(r"(?s)TODO:.*?\n\n", table + "\n\n", section, count=1)
        sections.append(
            re.sub(
                r"(?s)TODO:.*?\n(\n|\Z)", "The checkout deploy pipeline was involved.\n\\1", section
            )
        )
    return "".join(sections)


def test_an_incident_from_declaration_to_close(repo: Path) -> None:
    life = Life(repo)
    _declare(life)
    _respond(life)
    _postmortem_and_close(life)


def _declare(life: Life) -> None:
    result, data = life.ok(
        "2026-11-23T12:00:00Z",
        "declare",
        "--title",
        "Checkout returns errors",
        "--indicator",
        "partial_outage=true",
        "--indicator",
        "affected_users_pct=30",
        "--service",
        "checkout-api",
        "--alert",
        "CheckoutApiHighErrorRate",
        "--actor",
        "tom",
    )
    assert f"Declared {IDENT}" in result.stdout
    assert "SEV2 (partial_outage, affected_users_pct > 20: urgent response required)" in (
        result.stdout
    )
    assert re.search(r"commander\s+tom\b", result.stdout)  # platform-primary at 12:00Z
    assert "runbook        runbooks/checkout-api/high-error-rate.md" in result.stdout
    assert (data["id"], data["severity"], data["status"]) == (IDENT, "SEV2", "investigating")
    assert data["declared_at"] == "2026-11-23T12:00:00Z"
    assert data["declared_by"] == "tom"
    assert data["roles"]["commander"] == "tom"
    assert set(data["roles"]) == {"commander", "communications", "technical"}
    assert len(set(data["roles"].values())) == 3
    assert "runbooks/checkout-api/high-error-rate.md" in data["runbooks"]
    assert _last_event(data)["kind"] == "declared"
    head = git(life.root, "log", "-1", "--format=%an <%ae>")
    assert head == "Tom Whitaker <tom.whitaker@example.com>"


def _respond(life: Life) -> None:
    result, data = life.ok(
        "2026-11-23T12:05:00Z",
        "update",
        IDENT,
        "--audience",
        "internal",
        "--message",
        "Error rate at 30%; rolling back the 11:50 deploy.",
        "--actor",
        "tom",
    )
    assert "Error rate at 30%" in result.stdout
    assert data["updates"][-1] == {
        "at": "2026-11-23T12:05:00Z",
        "audience": "internal",
        "status": "investigating",
        "text": "Error rate at 30%; rolling back the 11:50 deploy.",
        "author": "tom",
    }
    assert _last_event(data)["kind"] == "communication"

    _, data = life.ok(
        "2026-11-23T12:20:00Z",
        "timeline",
        IDENT,
        "--kind",
        "action",
        "--text",
        "Rolled back checkout-api to v412",
        "--result",
        "error rate back to 0.1%",
        "--at",
        "2026-11-23T12:10:00Z",
    )
    assert _last_event(data) == {
        "at": "2026-11-23T12:10:00Z",
        "kind": "action",
        "text": "Rolled back checkout-api to v412",
        "result": "error rate back to 0.1%",
    }

    _, data = life.ok(
        "2026-11-23T12:20:00Z", "status", IDENT, "identified", "--note", "bad deploy v413"
    )
    assert data["status"] == "identified"
    assert _last_event(data)["text"] == "Status: identified — bad deploy v413"
    assert _last_event(data)["at"] == "2026-11-23T12:20:00Z"

    result, data = life.ok(
        "2026-11-23T12:25:00Z", "severity", IDENT, "SEV1", "--reason", "mobile checkout too"
    )
    assert data["severity"] == "SEV1"
    assert "SEV1 needs a scribe" in result.stdout
    assert _last_event(data)["text"] == "Severity escalated SEV2 -> SEV1: mobile checkout too"

    _, data = life.ok("2026-11-23T12:26:00Z", "role", IDENT, "scribe", "@mei")
    assert data["roles"]["scribe"] == "mei"
    assert _last_event(data)["kind"] == "role"

    _, data = life.ok("2026-11-23T12:30:00Z", "status", IDENT, "mitigated")
    assert (data["status"], data["mitigated_at"]) == ("mitigated", "2026-11-23T12:30:00Z")

    _, data = life.ok("2026-11-23T12:45:00Z", "resolve", IDENT, "--summary", "v412 stable")
    assert (data["status"], data["resolved_at"]) == ("resolved", "2026-11-23T12:45:00Z")
    assert _last_event(data)["text"] == "Status: resolved — v412 stable"


def _postmortem_and_close(life: Life) -> None:
    repo = life.root
    life.refused("2026-11-23T13:00:00Z", "cancel", IDENT, "--reason", "dup", expect="resolved")
    life.refused("2026-11-23T13:00:00Z", "close", IDENT, expect="SEV1 requires a final postmortem")

    drafted = run_cli("postmortem", "draft", IDENT, "-o", POSTMORTEM, cwd=repo)
    assert drafted.returncode == 0, drafted.stderr
    assert "status: draft" in (repo / POSTMORTEM).read_text(encoding="utf-8")
    # an unwritten draft is reported, and only the draft
    checked = run_cli("validate", "--format", "json", cwd=repo)
    assert checked.returncode == 1
    assert {f["path"] for f in json.loads(checked.stdout)["findings"] if f["level"] == "error"} == {
        POSTMORTEM
    }

    # written where postmortems live, the draft is linked from its incident
    assert f"postmortem: {POSTMORTEM}" in (repo / INCIDENT).read_text(encoding="utf-8")
    assert f"{IDENT}: postmortem {POSTMORTEM}" in drafted.stdout
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"{IDENT}: postmortem draft")
    git(repo, "push", "-q", "origin", "main")
    life.refused(
        "2026-11-23T13:00:00Z", "close", IDENT, expect="its postmortem is 'draft'", validates=False
    )

    path = repo / POSTMORTEM
    path.write_text(_fill_postmortem(path.read_text(encoding="utf-8")), encoding="utf-8")
    git(repo, "commit", "-q", "-am", f"{IDENT}: postmortem final")
    git(repo, "push", "-q", "origin", "main")
    _validates(repo)

    _, data = life.ok("2026-11-23T13:00:00Z", "close", IDENT)
    assert (data["status"], data["closed_at"]) == ("closed", "2026-11-23T13:00:00Z")
    assert _origin_log(repo)[0] == f"{IDENT}: status closed"

    life.refused("2026-11-23T13:05:00Z", "status", IDENT, "identified", expect="closed")
    life.refused("2026-11-23T13:05:00Z", "cancel", IDENT, "--reason", "x", expect="closed")


COMMENTED = """\
# yaml-language-server: $schema=../../schemas/incident.schema.json
# Hand-kept notes: do not lose these.
id: INC-2026-0008
title: Autocomplete returns no suggestions for the pt-BR locale  # the customer's words
severity: SEV4
status: investigating   # updated by the CLI
services: [search]

# when it began
started_at: "2026-11-23T02:15:00Z"
declared_at: "2026-11-23T11:25:00Z"
roles:
  commander: tom  # on call
timeline:
  # first event
  - {at: "2026-11-23T11:25:00Z", kind: declared, actor: tom, text: "Declared SEV4."}
  - at: '2026-11-23T11:40:00Z'   # single-quoted on purpose
    kind: action
    text: 'Rebuilt the suggester'
# trailing remark
"""


def test_comments_survive_a_status_change(sample: Path) -> None:
    path = sample / "incidents/2026/INC-2026-0008.yaml"
    path.write_text(COMMENTED, encoding="utf-8")
    result = run_cli("status", "INC-2026-0008", "identified", "--note", "bad rebuild", cwd=sample)
    assert result.returncode == 0, result.stderr
    after = path.read_text(encoding="utf-8")
    removed = [
        line[1:]
        for line in difflib.ndiff(COMMENTED.splitlines(), after.splitlines())
        if line.startswith("- ")
    ]
    assert [line.strip() for line in removed] == ["status: investigating   # updated by the CLI"]
    assert re.search(r"^status: identified +# updated by the CLI$", after, re.MULTILINE)
    for line in COMMENTED.splitlines():
        if "#" in line and "status:" not in line:
            assert line in after
    assert after.index("# trailing remark") > after.index("Status: identified — bad rebuild")
    assert run_cli("validate", "incidents", cwd=sample).returncode == 0


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "incidents").rglob("*.yaml"))}


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (("status", "INC-2026-0999", "identified"), "no incident INC-2026-0999"),
        (("status", "INC-26-1", "identified"), "is not an incident ID"),
        (("role", "INC-2026-0008", "scribe", "nobody"), "unknown person 'nobody'"),
        (("role", "INC-2026-0008", "juggler", "mei"), "unknown role 'juggler'"),
        (
            ("declare", "--title", "X", "--severity", "SEV3", "--service", "nope"),
            "unknown service 'nope'",
        ),
        (("declare", "--title", "X", "--service", "search"), "give --severity"),
        (("status", "INC-2026-0001", "identified"), "cannot go from closed to identified"),
        (
            (
                "timeline",
                "INC-2026-0008",
                "--kind",
                "note",
                "--text",
                "x",
                "--at",
                "2026-11-22T00:00:00Z",
            ),
            "is before the incident started",
        ),
        (("status", "INC-2026-0008", "identified", "--at", "2026-11-23T01:00:00Z"), "before"),
        (("severity", "INC-2026-0008", "SEV9", "--reason", "r"), "unknown severity 'SEV9'"),
        (("update", "INC-2026-0008", "--audience", "internal", "--message", "  "), "is empty"),
        (("timeline", "INC-2026-0008", "--kind", "gossip", "--text", "x"), "unknown timeline kind"),
        (("status", "INC-2026-0008", "sleeping"), "unknown status 'sleeping'"),
        (("status", "INC-2026-0008", "identified", "--at", "whenever"), ""),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    sample: Path, args: tuple[str, ...], expect: str
) -> None:
    before = _files(sample)
    result = run_cli(*args, cwd=sample)
    _one_line_error(result, expect)
    assert _files(sample) == before


def test_an_update_message_is_text_not_a_template_or_a_ping(sample: Path) -> None:
    message = "Load is {{ 7*7 }}x normal; @alice is checking #123."
    for audience in ("internal", "customer", "executive"):
        result = run_cli(
            "update", "INC-2026-0008", "--audience", audience, "--message", message, cwd=sample
        )
        assert result.returncode == 0, result.stderr
        assert "{{ 7*7 }}" in result.stdout
        assert "49" not in result.stdout
        assert "@alice" not in result.stdout and f"@{ZWSP}alice" in result.stdout
        assert "#123" not in result.stdout and f"#{ZWSP}123" in result.stdout
    data = _load(sample, "incidents/2026/INC-2026-0008.yaml")
    assert [u["text"] for u in data["updates"][-3:]] == [message] * 3


def test_list_show_and_metrics(sample: Path) -> None:
    listed = run_cli("list", "--open", "--format", "json", cwd=sample)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["id"] for r in rows] == ["INC-2026-0008", "INC-2026-0009", "INC-2026-0007"]
    for row in rows:
        assert set(row) == {"id", "severity", "status", "declared_at", "services", "title"}
        assert row["status"] in ("investigating", "identified", "mitigated")
        assert isinstance(row["services"], list)
    declared = [r["declared_at"] for r in rows]
    assert declared == sorted(declared, reverse=True)

    shown = run_cli("show", "inc-2026-0007", cwd=sample)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "INC-2026-0007  3-D Secure challenges failing for EU cards"
    assert lines[1] == "  SEV2 identified, services payments-gateway, checkout-api"
    assert "open for 2 h 12 min" in lines[2]
    assert "  timeline:" in lines
    assert "runbook  runbooks/payments-gateway/provider-timeouts.md" in shown.stdout

    measured = run_cli("metrics", "--by", "severity", "--format", "json", cwd=sample)
    assert measured.returncode == 0, measured.stderr
    report = json.loads(measured.stdout)
    assert report["today"] == "2026-11-23"
    overall = report["overall"]
    assert overall["count"] == 10
    assert sum(overall["status"].values()) == 10
    for measure in ("mttd", "mtta", "mttr"):
        assert set(overall[measure]) == {"n", "mean", "median", "p90"}


def test_a_backdated_event_lands_in_time_order(sample: Path) -> None:
    relative = "incidents/2026/INC-2026-0009.yaml"
    result = run_cli(
        "timeline",
        "INC-2026-0009",
        "--kind",
        "finding",
        "--text",
        "Provider throttling confirmed",
        "--at",
        "2026-11-23T10:25:00Z",
        cwd=sample,
    )
    assert result.returncode == 0, result.stderr
    timeline = _load(sample, relative)["timeline"]
    moments = [event["at"] for event in timeline]
    assert moments == sorted(moments)
    assert timeline[moments.index("2026-11-23T10:25:00Z")]["text"] == (
        "Provider throttling confirmed"
    )
    assert run_cli("validate", relative, cwd=sample).returncode == 0
