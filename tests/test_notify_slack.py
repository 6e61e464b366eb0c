"""Slack through the real console script and slack_sdk, against the stateful fake Slack API:
the incident channel, the announcement edited in place, posts never made twice, failures
recorded and completed by the next flush."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import copy_sample, git, run_cli
from fakeslack import BOT, FakeSlack
from incidentops.notify.slack_rules import channel_name

TOKEN = "xoxb-1111-fake-slack-secret-2222"
IDENT = "INC-2026-0010"
DELIVERIES = f"deliveries/2026/{IDENT}.yaml"


def add_targets(root: Path, *targets: dict[str, Any]) -> None:
    """``notify.targets`` appended to the sample's incidentops.yaml, committed and pushed."""
    with (root / "incidentops.yaml").open("a", encoding="utf-8") as config:
        config.write(yaml.safe_dump({"notify": {"targets": list(targets)}}, sort_keys=False))
    git(root, "commit", "-qam", "notify targets")
    git(root, "push", "-q")


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Path:
    root = copy_sample(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "sample")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(tmp_path / "origin.git"))
    git(root, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(root, "push", "-q", "-u", "origin", "main")
    return root


@pytest.fixture
def slack(repo: Path) -> Any:
    with FakeSlack(TOKEN) as fake:
        fake.add_channel("incidents")
        fake.add_user("UTOM00001", "tom.whitaker@example.com")
        fake.add_user("UPRIYA001", "priya.raman@example.com")
        fake.add_user("UHANNAH01", "hannah.schmidt@example.com")
        add_targets(
            repo,
            {
                "name": "slack",
                "type": "slack",
                "token_env": "SLACK_BOT_TOKEN",
                "api_url": fake.api_url,
                "announce_channel": "incidents",
                "incident_channel": "inc-{id}-{slug}",
                "archive_after_days": 7,
            },
        )
        yield fake


def cli(
    root: Path, *args: str, now: str = "2026-11-23T12:00:00Z"
) -> subprocess.CompletedProcess[str]:
    env = {"INCIDENTOPS_NOW": now, "SLACK_BOT_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme/incidents"}
    result = run_cli(*args, cwd=root, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    assert TOKEN not in result.stdout + result.stderr
    return result


def declare(root: Path, title: str = "Checkout returns errors", severity: str = "SEV2") -> None:
    result = cli(
        root,
        "declare",
        "--title",
        title,
        "--severity",
        severity,
        "--service",
        "checkout-api",
        "--actor",
        "tom",
        "--push",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def deliveries(root: Path) -> dict[str, Any]:
    value = yaml.safe_load((root / DELIVERIES).read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def test_channel_names_obey_slacks_rules() -> None:
    incident = {"id": "INC-2026-0043", "title": "Checkout: 50% ERRORS — in EU/ünïcode!!"}
    assert (
        channel_name("inc-{id}-{slug}", incident)
        == "inc-inc-2026-0043-checkout-50-errors-in-eu-n-code"
    )
    assert channel_name("{id}", incident, 2) == "inc-2026-0043-2"
    long = channel_name("inc-{number}-{slug}", {"id": "INC-2026-0043", "title": "x" * 200})
    assert len(long) == 80 and re.fullmatch(r"[a-z0-9_-]+", long)
    assert len(channel_name("{slug}", {"id": "INC-1", "title": "y" * 200}, 5)) == 80


def test_declare_opens_the_channel_and_announces_once(repo: Path, slack: FakeSlack) -> None:
    declare(repo)
    channel = next(c for c in slack.channels.values() if c.name.startswith("inc-inc-2026-0010"))
    assert channel.name == "inc-inc-2026-0010-checkout-returns-errors"
    assert IDENT in channel.purpose
    assert channel.topic.startswith("SEV2 · Investigating · commander: tom")
    assert "https://github.com/acme/incidents/issues/" not in channel.topic  # no issue yet
    invited = channel.members - {BOT}
    assert "UTOM00001" in invited  # found by e-mail: the sample's handles are not user IDs
    [summary] = channel.messages
    assert "INC-2026-0010 declared SEV2 by tom: Checkout returns errors" in summary["text"]
    assert summary["metadata"]["event_payload"] == {"incident": IDENT, "event": 1}
    [announcement] = slack.posts("incidents")
    assert announcement["text"].startswith(
        f"{IDENT} [SEV2] Checkout returns errors — Investigating"
    )
    record = deliveries(repo)["targets"]["slack"]
    assert record["sent"] == [1]
    assert record["remote"]["channel"] == channel.id
    assert record["remote"]["announcement"] == announcement["ts"]
    # the record is committed and pushed: the working tree is clean and origin has it
    assert git(repo, "status", "--porcelain") == ""
    assert "notify: deliveries of INC-2026-0010 (slack)" in git(repo, "log", "-1", "--format=%s")
    # a second flush sends nothing and changes nothing
    calls = len(slack.calls)
    again = cli(repo, "notify", "flush", "--push")
    assert again.returncode == 0, again.stderr
    assert "0 sent, 0 failed" in again.stdout
    assert [c.path for c in slack.calls[calls:]] == []
    assert git(repo, "status", "--porcelain") == ""


def test_changes_edit_the_announcement_and_post_to_the_channel(
    repo: Path, slack: FakeSlack
) -> None:
    declare(repo)
    steps = [
        ("severity", IDENT, "SEV1", "--reason", "all regions"),
        ("update", IDENT, "--audience", "internal", "--message", "Rolling back <!channel> v412"),
        ("update", IDENT, "--audience", "customer", "--message", "We are investigating."),
        ("status", IDENT, "mitigated"),
        ("resolve", IDENT, "--summary", "Rolled back v412."),
    ]
    for minute, step in enumerate(steps, start=1):
        result = cli(repo, *step, "--actor", "tom", "--push", now=f"2026-11-23T12:{minute:02d}:00Z")
        assert result.returncode == 0, result.stdout + result.stderr
    channel = slack.named("inc-inc-2026-0010-checkout-returns-errors")
    texts = [m["text"] for m in channel.messages]
    assert len(texts) == 5  # declared, severity, internal update, status, resolved
    assert "severity SEV2 → SEV1 by tom" in texts[1]
    assert "Rolling back &lt;!channel&gt; v412" in texts[2]  # people's text cannot ping
    assert not any("We are investigating" in t for t in texts)  # customer text is not for here
    assert "status investigating → mitigated" in texts[3]
    assert "resolved" in texts[4]
    [announcement] = slack.posts("incidents")  # edited in place, never reposted
    assert announcement["text"].startswith(f"{IDENT} [SEV1] Checkout returns errors — Resolved")
    assert announcement.get("edited")
    assert channel.topic.startswith("SEV1 · Resolved")
    assert len(slack.calls_of("chat.postMessage")) == 6  # 5 posts + 1 announcement
    record = deliveries(repo)["targets"]["slack"]
    assert record["sent"] == [1, 2, 3, 5, 6]  # 4 (the customer update) is not Slack's


def test_slack_down_at_declare_delays_the_channel_and_flush_completes(
    repo: Path, slack: FakeSlack
) -> None:
    slack.fail_next("POST", "/api/conversations.create", 503, {"ok": False})
    result = cli(
        repo,
        "declare",
        "--title",
        "DB down",
        "--severity",
        "SEV1",
        "--service",
        "checkout-api",
        "--actor",
        "tom",
        "--push",
    )
    assert result.returncode == 0, result.stderr  # the incident is declared regardless
    assert f"Declared {IDENT}" in result.stdout
    [failure] = [line for line in result.stderr.splitlines() if "failed" in line]
    assert failure.startswith("notify: slack: INC-2026-0010 event 1 (declared) failed: ")
    assert git(repo, "status", "--porcelain") == ""
    assert deliveries(repo)["targets"]["slack"]["error"]["event"] == 1
    assert not [c for c in slack.channels.values() if c.name.startswith("inc-")]

    flushed = cli(repo, "notify", "flush", "--push", now="2026-11-23T12:15:00Z")
    assert flushed.returncode == 0, flushed.stdout + flushed.stderr
    assert "slack: INC-2026-0010 event 1 (declared) sent" in flushed.stdout
    assert "0 failed" in flushed.stdout
    assert slack.named("inc-inc-2026-0010-db-down").messages
    record = deliveries(repo)["targets"]["slack"]
    assert record["sent"][0] == 1 and "error" not in record
    origin = git(repo.parent / "origin.git", "show", f"main:{DELIVERIES}")
    assert "error:" not in origin


def test_an_api_error_fails_the_flush_with_one_line_and_keeps_order(
    repo: Path, slack: FakeSlack
) -> None:
    declare(repo)
    slack.fail_method("chat.postMessage", "not_in_channel", times=3)
    result = cli(repo, "update", IDENT, "--audience", "internal", "--message", "one", "--push")
    assert result.returncode == 0
    assert "Slack said not_in_channel" in result.stderr
    cli(
        repo,
        "update",
        IDENT,
        "--audience",
        "internal",
        "--message",
        "two",
        "--push",
        now="2026-11-23T12:01:00Z",
    )
    flushed = cli(repo, "notify", "flush", "--push", now="2026-11-23T12:02:00Z")
    assert flushed.returncode == 1
    [line] = [x for x in flushed.stdout.splitlines() if "failed:" in x]
    assert line == (
        "slack: INC-2026-0010 event 2 (update) failed: Slack said not_in_channel (HTTP 200)"
    )
    status = cli(repo, "notify", "status", IDENT)
    assert "not_in_channel" in status.stdout
    finished = cli(repo, "notify", "flush", "--push", now="2026-11-23T12:03:00Z")
    assert finished.returncode == 0, finished.stdout
    texts = [m["text"] for m in slack.named("inc-inc-2026-0010-checkout-returns-errors").messages]
    assert [t.splitlines()[-1] for t in texts[1:]] == ["one", "two"]  # in order, once each


def test_a_lost_record_does_not_post_twice(repo: Path, slack: FakeSlack) -> None:
    """A run that posted and then lost its record (killed before the commit): the next run
    finds the channel by purpose, the posts by metadata and the announcement, and reposts
    nothing."""
    declare(repo)
    cli(repo, "update", IDENT, "--audience", "internal", "--message", "rolling back", "--push")
    doc = deliveries(repo)
    doc["targets"] = {}
    (repo / DELIVERIES).write_text(yaml.safe_dump(doc), encoding="utf-8")
    before = {c.name: len(c.messages) for c in slack.channels.values()}
    result = cli(repo, "notify", "flush", now="2026-11-23T12:05:00Z")
    assert result.returncode == 0, result.stdout
    assert {c.name: len(c.messages) for c in slack.channels.values()} == before
    assert not [c for c in slack.channels.values() if c.name.endswith("-1")]
    assert deliveries(repo)["targets"]["slack"]["sent"] == [1, 2]


def test_name_taken_by_another_channel_gets_a_suffix(repo: Path, slack: FakeSlack) -> None:
    slack.add_channel("inc-inc-2026-0010-checkout-returns-errors", member=False, purpose="old")
    declare(repo)
    assert slack.named("inc-inc-2026-0010-checkout-returns-errors-1").messages


def test_rate_limited_calls_are_retried_within_bounds(repo: Path, slack: FakeSlack) -> None:
    slack.rate_limit_next("chat.postMessage", retry_after=1)
    declare(repo)
    assert deliveries(repo)["targets"]["slack"]["sent"] == [1]
    # a Retry-After longer than a run should wait fails the send; the next run completes it
    slack.rate_limit_next("chat.postMessage", retry_after=600)
    result = cli(repo, "update", IDENT, "--audience", "internal", "--message", "x", "--push")
    assert "ratelimited" in result.stderr or "HTTP 429" in result.stderr
    assert cli(repo, "notify", "flush", "--push").returncode == 0


def test_the_channel_is_archived_after_the_configured_days(repo: Path, slack: FakeSlack) -> None:
    declare(repo)
    cli(repo, "resolve", IDENT, "--summary", "Rolled back.", "--push", now="2026-11-23T13:00:00Z")
    cli(repo, "notify", "flush", "--push", now="2026-11-29T13:00:00Z")
    channel = slack.named("inc-inc-2026-0010-checkout-returns-errors")
    assert not channel.is_archived
    result = cli(repo, "notify", "flush", "--push", now="2026-11-30T13:00:01Z")
    assert "channel archived" in result.stdout
    assert channel.is_archived
    assert deliveries(repo)["targets"]["slack"]["remote"]["archived"] == "yes"
    calls = len(slack.calls)
    cli(repo, "notify", "flush", "--push", now="2026-12-01T13:00:00Z")
    assert len(slack.calls) == calls


def test_dry_run_sends_nothing_and_masks(repo: Path, slack: FakeSlack) -> None:
    declare(repo)
    # sent without the token: it fails, and stays pending
    pending = run_cli(
        "update", IDENT, "--audience", "internal", "--message", "rolling back", cwd=repo
    )
    assert "SLACK_BOT_TOKEN" in pending.stderr
    before = (repo / DELIVERIES).read_bytes()
    calls = len(slack.calls)
    result = cli(repo, "notify", "flush", "--dry-run")
    assert result.returncode == 0
    assert "would send" in result.stdout
    assert len(slack.calls) == calls
    assert (repo / DELIVERIES).read_bytes() == before


def test_notify_test_and_bad_token(repo: Path, slack: FakeSlack) -> None:
    result = cli(repo, "notify", "test", "slack")
    assert result.returncode == 0, result.stderr
    assert "test message posted in incidents" in result.stdout
    assert "incidentops test message" in slack.posts("incidents")[-1]["text"]
    slack.token = "xoxb-other"
    bad = cli(repo, "notify", "test", "slack")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "Error: slack: Slack said invalid_auth"
    missing = run_cli("notify", "test", "slack", cwd=repo)
    assert "SLACK_BOT_TOKEN" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1


def test_escalation_and_overdue_reach_slack(repo: Path, slack: FakeSlack) -> None:
    declare(repo)
    result = cli(repo, "notify", "flush", "--push", now="2026-11-23T13:30:00Z")
    assert result.returncode == 0, result.stdout + result.stderr
    kinds = [e["kind"] for e in deliveries(repo)["events"]]
    assert "overdue" in kinds
    texts = [m["text"] for m in slack.named("inc-inc-2026-0010-checkout-returns-errors").messages]
    assert any("the next status update was due" in t for t in texts)
    again = cli(repo, "notify", "flush", "--push", now="2026-11-23T13:31:00Z")
    assert "0 sent" in again.stdout
    assert json.dumps(deliveries(repo)).count('"overdue"') == kinds.count("overdue")
