"""Acknowledgement: ``incidentops ack`` through the installed console script and ``/ack`` through
``incidentops github command`` (and the command workflow itself) against the fake GitHub API.
Once only, open incidents only, a person from people.yaml, an ``acknowledged`` event in the
outbox naming who acknowledged, and MTTA measured to it."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import copy_sample, git, run_cli
from github_world import World
from incidentops.base.config import Config
from incidentops.github.commands import Command, CommandError, decide, handle_of
from incidentops.loader import load_yaml
from incidentops.oncall.repo import from_directory
from incidentops.validate.index import load_config
from workflow_harness import run_job

IDENT = "INC-2026-0010"
INCIDENT = f"incidents/2026/{IDENT}.yaml"
DELIVERIES = f"deliveries/2026/{IDENT}.yaml"
HOOK_SECRET = "whsec_dGVzdC1ob29rLXNlY3JldC1mb3ItYWNr"
NOWHERE = "http://127.0.0.1:9/"  # the discard port: nothing listens, the send is refused


# ---------------------------------------------------------------------------- helpers


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


def cli(
    root: Path, *args: str, now: str = "2026-11-23T12:00:00Z"
) -> subprocess.CompletedProcess[str]:
    env = {"INCIDENTOPS_NOW": now, "HOOK_SECRET": HOOK_SECRET}
    result = run_cli(*args, cwd=root, env=env)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert HOOK_SECRET not in result.stdout + result.stderr
    return result


def declare(root: Path, severity: str = "SEV2") -> None:
    result = cli(
        root,
        "declare",
        "--title",
        "Checkout returns errors",
        "--severity",
        severity,
        "--service",
        "checkout-api",
        "--actor",
        "tom",
        "--push",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def origin_log(root: Path) -> list[str]:
    return git(root.parent / "origin.git", "log", "--format=%s", "main").splitlines()


def load(root: Path, path: str = INCIDENT) -> dict[str, Any]:
    value = load_yaml((root / path).read_text(encoding="utf-8")).value
    assert isinstance(value, dict)
    return value


def one_line_error(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def add_webhook(root: Path, **extra: Any) -> None:
    """A webhook target that cannot be reached, in incidentops.yaml, committed and pushed."""
    target = {"name": "hook", "type": "webhook", "url": NOWHERE, "secret_env": "HOOK_SECRET"}
    with (root / "incidentops.yaml").open("a", encoding="utf-8") as config:
        config.write(yaml.safe_dump({"notify": {"targets": [{**target, **extra}]}}))
    git(root, "commit", "-qam", "notify: a webhook")
    git(root, "push", "-q")


def validates(root: Path) -> None:
    result = run_cli("validate", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------------------- command line


def test_ack_sets_who_and_when_with_a_timeline_event_in_one_commit(repo: Path) -> None:
    declare(repo)
    before = origin_log(repo)
    result = cli(
        repo, "ack", IDENT, "--by", "grace", "--actor", "tom", "--push", now="2026-11-23T12:05:00Z"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith(f"{IDENT}: acknowledged by grace (")
    assert origin_log(repo) == [f"{IDENT}: acknowledged by grace", *before]
    assert git(repo, "log", "-1", "--format=%an") == "Tom Whitaker"
    data = load(repo)
    assert data["acknowledged_at"] == "2026-11-23T12:05:00Z"
    assert data["acknowledged_by"] == "grace"
    assert data["timeline"][-1] == {
        "at": "2026-11-23T12:05:00Z",
        "kind": "acknowledged",
        "actor": "tom",
        "text": "Acknowledged by grace",
    }
    text = (repo / INCIDENT).read_text(encoding="utf-8")
    # placed where the schema lists them: next to their kin, not at the end of the file
    assert text.index("acknowledged_at:") < text.index("declared_by:")
    assert text.index("acknowledged_by:") < text.index("roles:")
    assert git(repo, "status", "--porcelain") == ""
    validates(repo)


def test_ack_defaults_to_the_actor_and_takes_at(repo: Path) -> None:
    declare(repo)
    result = cli(
        repo,
        "ack",
        IDENT,
        "--actor",
        "tom",
        "--at",
        "2m ago",
        "--commit",
        now="2026-11-23T12:07:00Z",
    )
    assert result.returncode == 0, result.stderr
    data = load(repo)
    assert (data["acknowledged_by"], data["acknowledged_at"]) == ("tom", "2026-11-23T12:05:00Z")
    assert git(repo, "log", "-1", "--format=%s") == f"{IDENT}: acknowledged by tom"
    # @handle is the handle, as for role
    other = cli(repo, "ack", "INC-2026-0008", "--by", "@tom")
    one_line_error(other, "INC-2026-0008 is already acknowledged at 2026-11-23T11:27:00Z")


def test_a_second_ack_is_refused_and_changes_nothing(repo: Path) -> None:
    declare(repo)
    assert cli(repo, "ack", IDENT, "--actor", "tom", "--push").returncode == 0
    before, log = (repo / INCIDENT).read_bytes(), origin_log(repo)
    for who in ("tom", "grace"):
        again = cli(
            repo, "ack", IDENT, "--by", who, "--actor", "tom", "--push", now="2026-11-23T12:09:00Z"
        )
        one_line_error(again, f"{IDENT} is already acknowledged by tom at 2026-11-23T12:00:00Z")
        assert (repo / INCIDENT).read_bytes() == before
        assert origin_log(repo) == log


@pytest.mark.parametrize(
    ("steps", "state"),
    [
        ([("resolve", IDENT, "--summary", "rolled back")], "resolved"),
        ([("resolve", IDENT, "--summary", "rolled back"), ("close", IDENT)], "closed"),
        ([("cancel", IDENT, "--reason", "false alarm")], "cancelled"),
    ],
    ids=["resolved", "closed", "cancelled"],
)
def test_ack_is_refused_once_the_incident_is_over(
    repo: Path, steps: list[tuple[str, ...]], state: str
) -> None:
    declare(repo, severity="SEV4")  # no postmortem required: it can close
    for step in steps:
        assert cli(repo, *step, "--actor", "tom", "--push").returncode == 0
    before, log = (repo / INCIDENT).read_bytes(), origin_log(repo)
    result = cli(repo, "ack", IDENT, "--actor", "tom", "--push")
    one_line_error(result, f"{IDENT} is {state}: only an open incident can be acknowledged")
    assert (repo / INCIDENT).read_bytes() == before and origin_log(repo) == log


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--by", "nobody", "--actor", "tom"), "acknowledged_by: unknown person 'nobody'"),
        (("--by", "x" * 300, "--actor", "tom"), "acknowledged_by: unknown person 'xxx"),
        (("--actor", "nobody"), "--actor: 'nobody' is not a handle in oncall/people.yaml"),
        ((), "--by: give the handle of who acknowledges"),
        (("--actor", "tom", "--at", "2026-11-23T11:00:00Z"), "is before the incident started"),
        (("--actor", "tom", "--at", "tomorrow-ish"), "--at:"),
    ],
)
def test_bad_acks_are_one_line_and_write_nothing(
    repo: Path, args: tuple[str, ...], expected: str
) -> None:
    declare(repo)
    before, log = (repo / INCIDENT).read_bytes(), origin_log(repo)
    result = cli(repo, "ack", IDENT, *args, "--push")
    line = one_line_error(result, expected)
    assert len(line) < 200
    assert (repo / INCIDENT).read_bytes() == before and origin_log(repo) == log


def test_ack_falls_between_detection_and_mitigation(repo: Path) -> None:
    """INC-2026-0009 is mitigated; without its acknowledgement it can be acknowledged only
    at a time before it was mitigated (the order validate checks)."""
    path = repo / "incidents/2026/INC-2026-0009.yaml"
    data = load(repo, "incidents/2026/INC-2026-0009.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(f'acknowledged_at: "{data["acknowledged_at"]}"\n', ""), encoding="utf-8"
    )
    git(repo, "commit", "-qam", "forget the acknowledgement")
    late = cli(repo, "ack", "INC-2026-0009", "--by", "priya")
    one_line_error(late, f"would be after mitigated_at ({data['mitigated_at']})")
    early = cli(repo, "ack", "INC-2026-0009", "--by", "priya", "--at", data["started_at"])
    one_line_error(early, f"would be before detected_at ({data['detected_at']})")
    ok = cli(repo, "ack", "INC-2026-0009", "--by", "priya", "--at", data["mitigated_at"])
    assert ok.returncode == 0, ok.stderr
    assert (
        load(repo, "incidents/2026/INC-2026-0009.yaml")["acknowledged_at"] == data["mitigated_at"]
    )
    validates(repo)


def test_mtta_is_measured_to_the_acknowledgement(repo: Path) -> None:
    path = repo / "incidents/2026/INC-2026-0008.yaml"  # detected 11:10, declared 11:25
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('acknowledged_at: "2026-11-23T11:27:00Z"\n', ""), encoding="utf-8")

    def mtta() -> dict[str, Any]:
        result = cli(repo, "metrics", "--since", "2026-11-23T11:00:00Z", "--format", "json")
        assert result.returncode == 0, result.stderr
        value: dict[str, Any] = json.loads(result.stdout)["overall"]["mtta"]
        return value

    assert mtta()["n"] == 0
    result = cli(repo, "ack", "INC-2026-0008", "--by", "tom", "--at", "2026-11-23T11:40:00Z")
    assert result.returncode == 0, result.stderr
    assert mtta() == {"n": 1, "mean": 1800.0, "median": 1800.0, "p90": 1800.0}  # 11:10 -> 11:40


def test_validate_reports_an_unknown_or_lone_acknowledged_by(repo: Path) -> None:
    path = repo / "incidents/2026/INC-2026-0008.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(
        original.replace("declared_by: tom\n", "declared_by: tom\nacknowledged_by: tomm\n"),
        encoding="utf-8",
    )
    [finding] = errors(repo)
    assert finding["rule"] == "unknown-reference"
    assert finding["path"] == "incidents/2026/INC-2026-0008.yaml" and finding["line"] == 15
    assert finding["message"] == (
        "unknown person 'tomm' (not in oncall/people.yaml); did you mean 'tom'?"
    )
    # a handle without the time it acknowledged at is not an acknowledgement
    lone = original.replace('acknowledged_at: "2026-11-23T11:27:00Z"\n', "").replace(
        "declared_by: tom\n", "declared_by: tom\nacknowledged_by: tom\n"
    )
    path.write_text(lone, encoding="utf-8")
    [finding] = errors(repo)
    assert finding["rule"] == "schema" and "acknowledged_at" in finding["message"]


def errors(root: Path) -> list[dict[str, Any]]:
    result = run_cli("validate", "--format", "json", cwd=root)
    assert result.returncode == 1, result.stdout + result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return [f for f in found if f["level"] == "error"]


# ---------------------------------------------------------------------------- the outbox


def test_ack_puts_an_acknowledged_event_naming_the_person_in_the_outbox(repo: Path) -> None:
    add_webhook(repo)
    declare(repo)
    result = cli(
        repo, "ack", IDENT, "--by", "grace", "--actor", "tom", "--push", now="2026-11-23T12:05:00Z"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # the acknowledgement landed, with its events, in one commit on origin
    assert f"{IDENT}: acknowledged by grace" in origin_log(repo)
    commit = git(repo, "log", "--format=%H", f"--grep={IDENT}: acknowledged by grace", "main")
    files = git(repo, "show", "--name-only", "--format=", commit).splitlines()
    assert sorted(files) == sorted([INCIDENT, DELIVERIES])
    assert load(repo)["acknowledged_by"] == "grace"
    events = load(repo, DELIVERIES)["events"]
    assert events[-1] == {
        "id": 2,
        "kind": "acknowledged",
        "at": "2026-11-23T12:05:00Z",
        "by": "grace",
    }
    # the send failed (nothing listens): one line, the change itself stays landed
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("notify: hook: ") and "failed" in line and "cannot reach" in line
    assert NOWHERE not in line  # a failed send names the target and the cause, never a URL
    assert git(repo, "status", "--porcelain") == ""


def test_the_failed_acknowledged_send_is_recorded_and_retried(repo: Path) -> None:
    add_webhook(repo, events=["acknowledged"])  # this target hears only acknowledgements
    declare(repo)
    result = cli(repo, "ack", IDENT, "--actor", "tom", "--push", now="2026-11-23T12:05:00Z")
    assert result.returncode == 0, result.stdout + result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"notify: hook: {IDENT} event 2 (acknowledged) failed: ")
    record = load(repo, DELIVERIES)
    assert record["events"][-1]["by"] == "tom"
    assert record["targets"]["hook"]["error"]["event"] == 2
    flushed = cli(repo, "notify", "flush", IDENT, now="2026-11-23T12:20:00Z")
    assert flushed.returncode == 1  # still nothing listening: pending, said in one line each
    assert "acknowledged" in flushed.stdout + flushed.stderr


# ---------------------------------------------------------------------------- slash-command


@pytest.fixture
def declared(world: World) -> int:
    number = world.open_form()
    result = world.declare(number)
    assert result.returncode == 0, result.stderr
    return number


def incident(world: World) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(world.origin_file(INCIDENT))
    return data


def reply(world: World, number: int) -> str:
    return world.bot_comments(number)[-1].replace("\u2060", "")  # the mention-breaking joiner


def test_slash_ack_is_one_commit_by_the_commenter_and_a_reply(world: World, declared: int) -> None:
    before = world.origin_log()
    result = world.command(declared, "/ack")
    assert result.returncode == 0, result.stderr + result.stdout
    assert world.origin_log() == [f"{IDENT}: acknowledged by tom", *before]
    assert (
        world.git_origin("log", "-1", "--format=%an|%cn", "main")
        == "Tom Whitaker|github-actions[bot]"
    )
    data = incident(world)
    assert (data["acknowledged_by"], data["acknowledged_at"]) == ("tom", "2026-11-23T12:00:00Z")
    assert data["timeline"][-1]["kind"] == "acknowledged"
    assert data["timeline"][-1]["actor"] == "tom"
    assert len(data["links"]["comments"]) == 1
    assert f"**{IDENT}: acknowledged by tom**" in reply(world, declared)
    assert world.issue(declared).labels  # the labels are untouched by an ack
    assert "status:investigating" in world.issue(declared).labels


def test_a_second_ack_changes_nothing_and_says_so(world: World, declared: int) -> None:
    first = world.comment_event(declared, "/ack")
    assert world.run("command", first, "issue_comment").returncode == 0
    state = (world.origin_log(), incident(world))
    # the same delivery again: already applied, not one write
    writes = len(world.writes())
    again = world.run("command", first, "issue_comment")
    assert again.returncode == 0 and "already applied" in again.stdout
    assert len(world.writes()) == writes
    # a new /ack, by someone else too: refused, saying by whom and when
    for user in ("twhitaker", "hschmidt"):
        result = world.command(declared, "/ack", user=user)
        assert result.returncode == 0, result.stderr
        assert (world.origin_log(), incident(world)) == state
        text = reply(world, declared)
        assert "**Not applied:**" in text
        assert f"{IDENT} is already acknowledged by tom at 2026-11-23T12:00:00Z" in text
        assert "Usage: `/ack [@login]" in text
    assert world.git_status() == ""


def test_ack_for_someone_else_by_login_or_handle(world: World, declared: int) -> None:
    result = world.command(declared, "/ack @mbell-dev\nhe is on the bridge; I am relaying")
    assert result.returncode == 0, result.stderr
    data = incident(world)
    assert data["acknowledged_by"] == "marcus"
    assert data["timeline"][-1]["actor"] == "tom"
    assert data["timeline"][-1]["text"] == "Acknowledged by marcus"
    assert world.origin_log()[0] == f"{IDENT}: acknowledged by marcus"


@pytest.mark.parametrize(
    ("body", "user", "expected"),
    [
        (
            "/ack @nobody-here",
            "twhitaker",
            "acknowledged_by: '@nobody-here' is not in oncall/people.yaml",
        ),
        ("/ack on it now", "twhitaker", "/ack names one person at most"),
        ("/ack", "priya", "acknowledged_by: your GitHub login is not in oncall/people.yaml"),
    ],
    ids=["unknown-person", "free-text", "commenter-not-a-person"],
)
def test_a_bad_ack_gets_the_error_and_usage_and_changes_nothing(
    world: World, declared: int, body: str, user: str, expected: str
) -> None:
    world.fake.set_permission("priya", "write", "acme/incidents")  # not Priya: her login is praman
    before = (world.origin_log(), incident(world))
    result = world.command(declared, body, user=user)
    assert result.returncode == 0, result.stderr
    assert (world.origin_log(), incident(world)) == before
    text = reply(world, declared)
    assert "**Not applied:**" in text and expected in text
    assert "Usage: `/ack [@login]" in text


def test_ack_after_resolve_is_refused(world: World, declared: int) -> None:
    assert world.command(declared, "/resolve rolled back").returncode == 0
    before = (world.origin_log(), incident(world))
    assert world.command(declared, "/ack").returncode == 0
    assert (world.origin_log(), incident(world)) == before
    assert f"{IDENT} is resolved: only an open incident can be acknowledged" in reply(
        world, declared
    )


def test_ack_needs_write_permission_and_help_lists_it(world: World, declared: int) -> None:
    before = world.origin_log()
    world.command(declared, "/ack", user="drive-by")
    assert "only people with write permission" in reply(world, declared)
    assert world.origin_log() == before and "acknowledged_at" not in incident(world)
    world.command(declared, "/help")
    assert "| `/ack [@login]" in reply(world, declared)
    assert "/ack" in world.bot_comments(declared)[0]  # the declaration's cheat sheet


def test_slash_ack_reaches_the_outbox_with_the_commenter(
    world: World, declared: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_SECRET", HOOK_SECRET)
    add_webhook(world.root)
    result = world.command(declared, "/ack @hschmidt")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    events = yaml.safe_load(world.origin_file(DELIVERIES))["events"]
    assert [e["kind"] for e in events] == ["acknowledged"]  # the declaration predates the target
    assert events[0]["by"] == "hannah"
    assert incident(world)["acknowledged_by"] == "hannah"


def test_the_command_workflow_runs_ack(world: World, declared: int) -> None:
    workdir = world.clone("runner")
    event = world.comment_event(declared, "/ack")
    knobs = {
        "GITHUB_API_URL": world.fake.url,
        "INCIDENTOPS_GITHUB_BACKOFF": "0.01",
        "INCIDENTOPS_GITHUB_WRITE_INTERVAL": "0",
    }
    run = run_job(
        "command.yml", "command", "issue_comment", event, workdir, world.tmp / "job", knobs
    )
    assert run.ran and run.ok, run.output()
    assert world.origin_log()[0] == f"{IDENT}: acknowledged by tom"
    assert f"{IDENT}: acknowledged by tom" in reply(world, declared)


# ---------------------------------------------------------------------------- property


@pytest.fixture(scope="module")
def sample_setup() -> tuple[Config, dict[str, Any]]:
    root = Path(__file__).resolve().parents[1]
    config, _ = load_config(root)
    return config, from_directory(root, config).people


OPEN_INCIDENT = {
    "id": IDENT,
    "status": "investigating",
    "severity": "SEV2",
    "declared_at": "2026-11-23T12:00:00Z",
    "timeline": [{"at": "2026-11-23T12:00:00Z", "kind": "declared", "text": "Declared"}],
}
words = st.sampled_from(["@twhitaker", "tom", "@mbell-dev", "grace", "@nobody", "on", "it"])


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(words, max_size=3).map(" ".join)))
def test_ack_text_names_one_known_person_or_is_refused(
    sample_setup: tuple[Config, dict[str, Any]], text: str
) -> None:
    """Whatever follows /ack, the command either records exactly one person from people.yaml
    (the one named, else the commenter) or is refused in one line; it never stores the text."""
    config, people = sample_setup
    at = datetime(2026, 11, 23, 12, 5, tzinfo=UTC)
    try:
        change = decide(Command("ack", text.strip()), OPEN_INCIDENT, at, "tom", config, people)
    except CommandError as refused:
        assert refused.command == "ack"
        assert "\n" not in str(refused)
        return
    values = {op.path: op.value for op in change.patch.ops if op.action == "set"}
    assert set(values) == {("acknowledged_at",), ("acknowledged_by",)}
    assert values[("acknowledged_at",)] == "2026-11-23T12:05:00Z"
    named = text.strip().split("\n", 1)[0].split()
    assert len(named) <= 1
    assert values[("acknowledged_by",)] == (handle_of(named[0], people) if named else "tom")
    [event] = [op.value for op in change.patch.ops if op.action == "append"]
    assert event["text"] == f"Acknowledged by {values[('acknowledged_by',)]}"
