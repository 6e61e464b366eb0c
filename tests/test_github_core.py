"""The pure parts of the GitHub edge: markers, neutralised text, command parsing, labels,
events; and the retry policy against the fake API."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fakegithub import FakeGitHub
from incidentops.base.config import Config
from incidentops.github import commands, labels, text
from incidentops.github.api import Api, GitHubError, Settings
from incidentops.github.event import EventError, load, parse

AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_markers_round_trip_and_reject_odd_values() -> None:
    tag = text.marker("reply", comment=123)
    assert tag == "<!-- incidentops:reply comment=123 -->"
    assert text.markers(f"hello\n{tag}") == [("reply", {"comment": "123"})]
    assert text.has_marker(tag, "reply", comment=123)
    assert not text.has_marker(tag, "reply", comment=12)
    with pytest.raises(ValueError):
        text.marker("reply", comment="1 --> <script>")


@pytest.mark.parametrize(
    ("raw", "bad"),
    [
        ("ping @alice", "@alice"),
        ("@org/team look", "@org"),
        ("see #12", "#12"),
        ("see GH-12", "GH-12"),
        ("<!-- incidentops:reply comment=1 -->", "<!--"),
        ("<img src=x onerror=alert(1)>", "<img"),
    ],
)
def test_neutral_text_cannot_mention_link_or_open_a_comment(raw: str, bad: str) -> None:
    out = text.neutral(raw)
    assert bad not in out
    assert out.replace("\u2060", "").replace("&lt;", "<") == raw  # nothing else changes


def test_neutral_leaves_emails_and_code_alone() -> None:
    assert text.neutral("mail a@b.com, run `x`") == "mail a@b.com, run `x`"


def test_mentions_only_for_valid_logins() -> None:
    assert text.mention("mbell-dev") == "@mbell-dev"
    with pytest.raises(ValueError):
        text.mention("evil/team")


@pytest.mark.parametrize(
    ("body", "name", "args"),
    [
        ("/status identified", "status", "identified"),
        ("/STATUS  mitigated  looks better", "status", "mitigated  looks better"),
        ("/timeline action: x\nmore detail", "timeline", "action: x\nmore detail"),
        ("/resolve\nsummary on the next line", "resolve", "summary on the next line"),
        ("  /help  ", "help", ""),
    ],
)
def test_commands_parse(body: str, name: str, args: str) -> None:
    command = commands.parse(body)
    assert (command.name, command.text) == (name, args)


@pytest.mark.parametrize("body", ["hello /status", "/ status", "//status", "/1", ""])
def test_what_is_not_a_command(body: str) -> None:
    assert not commands.is_command(body)


def test_timeline_kind_prefix_is_only_a_known_kind() -> None:
    data = {"id": "INC-2026-0001", "status": "investigating", "timeline": []}
    change = commands.decide(
        commands.Command("timeline", "Note: the DB: slow"), data, AT, "tom", Config(), {}
    )
    event = change.patch.ops[0].value
    assert (event["kind"], event["text"]) == ("note", "the DB: slow")
    plain = commands.decide(
        commands.Command("timeline", "cache at 90%: evicting"), data, AT, None, Config(), {}
    )
    assert plain.patch.ops[0].value["text"] == "cache at 90%: evicting"


def test_labels_keep_peoples_own_and_replace_ours() -> None:
    current = ["customer-facing", "severity:SEV3", "status:investigating", "declare-incident"]
    data = {"severity": "SEV1", "status": "mitigated"}
    assert labels.wanted(current, data, Config()) == [
        "customer-facing",
        "declare-incident",
        "incident",
        "severity:SEV1",
        "status:mitigated",
    ]
    assert labels.title("INC-2026-0001", "[INC-2026-0001] x") == "[INC-2026-0001] x"


def test_events_from_the_real_payloads() -> None:
    from github_world import payload

    comment = parse(payload("issue_comment.created"), "issue_comment")
    assert comment.repository == "Codertocat/Hello-World"
    assert comment.comment is not None and comment.comment.author.login == "Codertocat"
    assert comment.issue is not None and comment.issue.labels == ("bug",)
    opened = parse(payload("issues.opened"), "issues")
    assert opened.action == "opened" and opened.comment is None


def test_unreadable_events_are_clear_errors(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(EventError, match="is not JSON"):
        load(path, "issues")
    with pytest.raises(EventError, match="cannot read"):
        load(tmp_path / "missing.json", "issues")
    path.write_text(json.dumps({"action": "opened"}), encoding="utf-8")
    with pytest.raises(EventError, match="names no repository"):
        load(path, "issues")


# ---------------------------------------------------------------------- the retry policy


def _api(fake: FakeGitHub, **settings: Any) -> tuple[Api, list[float]]:
    fake.add_repo("o/r")
    waits: list[float] = []
    api = Api(
        "o/r",
        Settings(url=fake.url, token="t", backoff=0.5, write_interval=0, **settings),
        say=lambda _: None,
        sleep=waits.append,
    )
    return api, waits


def test_reads_are_retried_with_exponential_backoff(github_fake: FakeGitHub) -> None:
    api, waits = _api(github_fake)
    github_fake.add_issue("o/r", "x")
    github_fake.fail_next("GET", r"/issues/1$", 502, times=2)
    assert api.issue(1).title == "x"
    assert waits == [0.5, 1.0] and api.requests == 3


def test_a_secondary_rate_limit_waits_as_told(github_fake: FakeGitHub) -> None:
    api, waits = _api(github_fake)
    github_fake.add_issue("o/r", "x")
    github_fake.rate_limit_next("GET", r"/issues/1$", retry_after=7)
    api.issue(1)
    assert waits == [7.0]


def test_a_wait_longer_than_allowed_gives_up_at_once(github_fake: FakeGitHub) -> None:
    api, waits = _api(github_fake, max_wait=30)
    github_fake.add_issue("o/r", "x")
    github_fake.rate_limit_next("GET", r"/issues/1$", retry_after=600)
    with pytest.raises(GitHubError, match="asked to wait 600 s, giving up"):
        api.issue(1)
    assert waits == []


def test_client_errors_are_not_retried(github_fake: FakeGitHub) -> None:
    api, waits = _api(github_fake)
    with pytest.raises(GitHubError, match="GET issue #9: HTTP 404"):
        api.issue(9)
    assert waits == [] and api.requests == 1


def test_a_lost_create_is_found_by_its_marker_not_sent_again(github_fake: FakeGitHub) -> None:
    api, _ = _api(github_fake)
    github_fake.add_issue("o/r", "x")
    github_fake.fail_next("POST", r"/issues/1/comments$", 502, applied=True)
    tag = text.marker("reply", comment=5)
    comment = api.create_comment(1, f"{tag}\nhello", tag)
    assert comment.body == f"{tag}\nhello"
    assert len(github_fake.repo("o/r").issues[1].comments) == 1
    posts = [c for c in github_fake.calls if c[0] == "POST"]
    assert len(posts) == 1  # the retry looked (GET) instead of posting again


def test_a_marker_in_a_persons_comment_is_not_trusted(github_fake: FakeGitHub) -> None:
    api, _ = _api(github_fake)
    github_fake.add_issue("o/r", "x")
    tag = text.marker("reply", comment=5)
    github_fake.add_comment("o/r", 1, f"{tag} planted", user="mallory")
    assert api.find_comment(1, lambda body: tag in body) is None


def test_dry_run_sends_no_write(github_fake: FakeGitHub) -> None:
    api, _ = _api(github_fake)
    said: list[str] = []
    api.dry_run, api.say = True, said.append
    api.set_labels(1, ["incident"])
    api.react(5, "eyes")
    assert github_fake.calls == []
    assert said == ["would PUT labels of #1: incident", "would POST reaction eyes on comment 5"]


def test_latency_is_injected(github_fake: FakeGitHub) -> None:
    import time

    api, _ = _api(github_fake)
    github_fake.add_issue("o/r", "x")
    github_fake.latency = 0.2
    start = time.perf_counter()
    api.issue(1)
    assert time.perf_counter() - start >= 0.2
