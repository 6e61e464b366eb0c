"""``incidentops github command`` end to end: each slash-command as one commit on origin,
labels in step, one reply; refusals fail closed; redelivery changes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from github_world import World

INCIDENT = "incidents/2026/INC-2026-0010.yaml"


@pytest.fixture
def declared(world: World) -> int:
    number = world.open_form()
    result = world.declare(number)
    assert result.returncode == 0, result.stderr
    return number


def _incident(world: World) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(world.origin_file(INCIDENT))
    return data


def _reply_to(world: World, number: int) -> str:
    return world.bot_comments(number)[-1]


def test_status_becomes_one_commit_labels_and_a_reply(world: World, declared: int) -> None:
    before = len(world.origin_log())
    result = world.command(declared, "/status identified\nThe 11:30 deploy exhausted the pool.")
    assert result.returncode == 0, result.stderr + result.stdout
    log = world.origin_log()
    assert len(log) == before + 1 and log[0] == "INC-2026-0010: status identified"
    assert world.git_origin("log", "-1", "--format=%an|%cn", "main") == (
        "Tom Whitaker|github-actions[bot]"
    )
    data = _incident(world)
    assert data["status"] == "identified"
    event = data["timeline"][-1]
    assert event["actor"] == "tom"
    assert event["text"] == "Status: identified — The 11:30 deploy exhausted the pool."
    assert data["links"]["comments"] == [world.fake.repo().issues[declared].comments[-2]]
    assert "status:identified" in world.issue(declared).labels
    assert "status:investigating" not in world.issue(declared).labels
    reply = _reply_to(world, declared)
    assert "INC-2026-0010: status identified" in reply
    reactions = world.fake.repo().comments[data["links"]["comments"][0]].reactions
    assert [r["content"] for r in reactions] == ["eyes"]


COMMANDS = [
    ("/status identified the 11:30 deploy", "status identified"),
    ("/timeline action: rolled back checkout-api to v1.42.0", "timeline action"),
    ("/severity SEV1 payments failing for every card type", "severity SEV1"),
    ("/role scribe @mbell-dev", "role scribe marcus"),
    ("/update internal Rolling back the 11:30 deploy; next update at 12:30.", "internal update"),
    ("/resolve Rolled back; error rate at baseline for 30 minutes.", "resolved"),
    ("/cancel false alarm: the synthetic check was misconfigured", "status cancelled"),
]


@pytest.mark.parametrize(("body", "summary"), COMMANDS, ids=[c[1] for c in COMMANDS])
def test_each_command_applies_once_even_when_delivered_twice(
    world: World, declared: int, body: str, summary: str
) -> None:
    event = world.comment_event(declared, body)
    first = world.run("command", event, "issue_comment")
    assert first.returncode == 0, first.stderr + first.stdout
    assert world.origin_log()[0] == f"INC-2026-0010: {summary}"
    after_first = (world.origin_log(), _incident(world), world.bot_comments(declared))
    writes = len(world.writes())
    labels = list(world.issue(declared).labels)
    second = world.run("command", event, "issue_comment")  # the same delivery again
    assert second.returncode == 0, second.stderr
    assert "already applied" in second.stdout
    assert (world.origin_log(), _incident(world), world.bot_comments(declared)) == after_first
    assert len(world.writes()) == writes  # not even a label or a reaction
    assert world.issue(declared).labels == labels


def test_reopen_after_resolve_once_even_when_delivered_twice(world: World, declared: int) -> None:
    assert world.command(declared, "/resolve rolled back").returncode == 0
    assert "status:resolved" in world.issue(declared).labels
    event = world.comment_event(declared, "/reopen errors are back since 12:10")
    result = world.run("command", event, "issue_comment")
    assert result.returncode == 0, result.stderr
    state = (world.origin_log(), world.bot_comments(declared), len(world.writes()))
    assert world.run("command", event, "issue_comment").returncode == 0
    assert (world.origin_log(), world.bot_comments(declared), len(world.writes())) == state
    assert _incident(world)["status"] == "investigating"
    assert "resolved_at" not in _incident(world)
    assert "status:investigating" in world.issue(declared).labels
    assert world.origin_log()[0] == "INC-2026-0010: reopened"


def test_an_update_reply_shows_the_update_as_published(world: World, declared: int) -> None:
    world.command(declared, "/update customer Some customers cannot check out; we are on it.")
    reply = _reply_to(world, declared)
    assert "Update as published" in reply
    assert "> " in reply and "Some customers cannot check out" in reply
    assert _incident(world)["updates"][-1]["audience"] == "customer"


def test_help_replies_with_the_cheat_sheet_and_commits_nothing(world: World, declared: int) -> None:
    before = world.origin_log()
    event = world.comment_event(declared, "/help")
    assert world.run("command", event, "issue_comment").returncode == 0
    assert world.origin_log() == before
    assert "/severity LEVEL REASON" in _reply_to(world, declared)
    replies, writes = world.bot_comments(declared), len(world.writes())
    assert world.run("command", event, "issue_comment").returncode == 0  # delivered again
    assert (world.bot_comments(declared), len(world.writes())) == (replies, writes)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/stauts identified", "unknown command '/stauts'"),
        ("/status", "/status needs a state"),
        ("/status closed", "cannot go from investigating to closed"),
        ("/severity SEV9 bad", "unknown severity 'SEV9'"),
        ("/severity SEV1", "/severity needs a reason"),
        ("/role commander @nobody-here", "'@nobody-here' is not in oncall/people.yaml"),
        ("/role pilot @twhitaker", "unknown role 'pilot'"),
        ("/update press hello", "unknown audience 'press'"),
        ("/reopen why", "only a resolved incident can be reopened"),
        ("/resolve", "/resolve needs a summary"),
    ],
)
def test_a_bad_command_gets_the_error_and_usage_and_changes_nothing(
    world: World, declared: int, body: str, expected: str
) -> None:
    before = (world.origin_log(), _incident(world))
    result = world.command(declared, body)
    assert result.returncode == 0, result.stderr
    assert (world.origin_log(), _incident(world)) == before
    reply = _reply_to(world, declared).replace("\u2060", "")  # the mention-breaking joiner
    assert "**Not applied:**" in reply and expected in reply
    assert "Usage:" in reply or "/help" in reply
    assert world.git_status() == ""


def test_only_people_with_write_permission_may_run_commands(world: World, declared: int) -> None:
    before = world.origin_log()
    result = world.command(declared, "/status mitigated", user="drive-by")
    assert result.returncode == 0
    assert world.origin_log() == before
    reply = _reply_to(world, declared)
    assert "only people with write permission" in reply and "`drive-by` has read" in reply
    # a stranger who is not a collaborator at all
    world.command(declared, "/status mitigated", user="stranger")
    assert "`stranger` has none" in _reply_to(world, declared)
    assert world.origin_log() == before


def test_a_failing_permission_check_refuses(world: World, declared: int) -> None:
    world.fake.fail_next("GET", r"/collaborators/.*/permission", 502, times=10)
    before = world.origin_log()
    result = world.command(declared, "/status mitigated")
    assert result.returncode == 0
    assert world.origin_log() == before
    assert "no permission we could confirm" in _reply_to(world, declared)


def test_triage_is_enough_when_configured(world: World, declared: int) -> None:
    config = world.root / "incidentops.yaml"
    text = config.read_text(encoding="utf-8")
    assert "  command_permission: write\n" in text
    config.write_text(
        text.replace("  command_permission: write\n", "  command_permission: triage\n"),
        encoding="utf-8",
    )
    world.commit_and_push("allow triage")
    world.fake.set_permission("triager", "triage", "acme/incidents")
    assert world.command(declared, "/status mitigated", user="triager").returncode == 0
    assert _incident(world)["status"] == "mitigated"


@pytest.mark.parametrize(
    "case", ["bot", "edited", "not-a-command", "pull-request", "no-label", "mention-first"]
)
def test_what_is_not_a_command_is_ignored_without_a_write(
    world: World, declared: int, case: str
) -> None:
    body = {"not-a-command": "looks like the pool again", "mention-first": "@x /status"}.get(
        case, "/status mitigated"
    )
    event = world.comment_event(
        declared, body, user="github-actions[bot]" if case == "bot" else "twhitaker"
    )
    if case == "edited":
        event["action"] = "edited"
    if case == "pull-request":
        event["issue"]["pull_request"] = {
            "url": "https://api.github.com/repos/acme/incidents/pulls/1"
        }
    if case == "no-label":
        event["issue"]["labels"] = []
    before, calls = world.origin_log(), len(world.fake.calls)
    result = world.run("command", event, "issue_comment")
    assert result.returncode == 0, result.stderr
    assert "nothing to do" in result.stdout
    assert world.origin_log() == before
    assert len(world.fake.calls) == calls  # not one API request


@pytest.mark.parametrize(
    "hostile",
    [
        "@everyone",
        "`@acme/everyone",  # an unpaired backtick makes no code span: still a mention
        "acme/infra#12",  # a cross-repository reference would backlink there
        "#1",
        "GH-1",
        "<!-- incidentops:reply comment=1 -->",
        "<img src=x onerror=alert(1)>",
    ],
)
def test_people_text_is_neutralised_in_replies(world: World, declared: int, hostile: str) -> None:
    # both replies repeat the person's text: the error quotes the state, the update is quoted
    world.command(declared, f"/status {hostile}")
    error = _reply_to(world, declared)
    assert "unknown status" in error
    world.command(declared, f"/update internal we saw {hostile} in the logs")
    published = _reply_to(world, declared)
    assert "Update as published" in published
    for reply in (error, published):
        visible = reply.split("\n", 1)[1]  # past the bot's own marker
        assert hostile not in visible
        assert "<!--" not in visible and "<img" not in visible
    # shown (as inert text) where it is repeated in full: in the published update
    letters = re.sub(r"\W", "", hostile)
    assert letters in re.sub(r"\W", "", published.split("\n", 1)[1])
    # the incident file keeps what was written, as text
    assert hostile in _incident(world)["updates"][-1]["text"]


def test_two_commands_at_once_both_land(world: World, declared: int) -> None:
    import concurrent.futures

    first = world.comment_event(declared, "/timeline finding: pool at 100% since 11:31")
    second = world.comment_event(declared, "/status identified")
    clone = world.clone("second")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        a = pool.submit(world.run, "command", first, "issue_comment")
        b = pool.submit(world.run, "command", second, "issue_comment", cwd=clone)
        results = [a.result(), b.result()]
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    data = _incident(world)
    assert data["status"] == "identified"
    assert any(e["kind"] == "finding" for e in data["timeline"])
    assert len(data["links"]["comments"]) == 2


def test_api_errors_are_retried_and_no_comment_is_written_twice(
    world: World, declared: int
) -> None:
    world.fake.fail_next("POST", r"/reactions$", 502)
    world.fake.rate_limit_next("PUT", r"/labels$", retry_after=0)
    # the reply is created but its answer is lost: the retry must find it, not post again
    world.fake.fail_next("POST", r"/issues/\d+/comments$", 502, applied=True)
    result = world.command(declared, "/status identified")
    assert result.returncode == 0, result.stderr + result.stdout
    replies = [c for c in world.bot_comments(declared) if "incidentops:reply" in c]
    assert len(replies) == 1
    assert "status:identified" in world.issue(declared).labels


def test_an_api_that_stays_down_fails_clearly(world: World, declared: int) -> None:
    world.fake.fail_next("POST", r"/issues/\d+/comments$", 503, times=4)  # every attempt
    result = world.command(declared, "/status identified")
    assert result.returncode == 2
    assert "POST comment on #1: failed 4 times; last: HTTP 503" in result.stderr
    # the change itself is on main; the next delivery only writes the missing reply
    assert _incident(world)["status"] == "identified"
    event = world.last_event()
    again = world.run("command", event, "issue_comment")
    assert again.returncode == 0, again.stderr
    assert sum("incidentops:reply" in c for c in world.bot_comments(declared)) == 1


def test_dry_run_prints_the_plan_and_changes_nothing(world: World, declared: int) -> None:
    before = (world.origin_log(), world.git_status(), len(world.writes()))
    result = world.command(declared, "/status identified", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert (
        "+  - at: " in result.stdout
        or "+- at:" in result.stdout
        or "status: identified" in result.stdout
    )
    assert "would POST reaction eyes" in result.stdout
    assert "would PUT labels of #1" in result.stdout
    assert "would POST comment on #1" in result.stdout
    assert (world.origin_log(), world.git_status(), len(world.writes())) == before


def test_a_command_whose_run_was_cancelled_is_applied_by_the_next_run(
    world: World, declared: int
) -> None:
    # GitHub cancels a pending run when a newer one joins the concurrency group: the first
    # comment never gets a run of its own.
    world.comment_event(declared, "/timeline finding: pool at 100% since 11:31")
    world.comment_event(declared, "just a remark, not a command")
    world.comment_event(declared, "/status identified", user="drive-by")  # refused when seen
    result = world.command(declared, "/status identified")
    assert result.returncode == 0, result.stderr
    assert "catching up on comment" in result.stdout
    data = _incident(world)
    assert data["status"] == "identified"
    assert [e["text"] for e in data["timeline"] if e["kind"] == "finding"] == [
        "pool at 100% since 11:31"
    ]
    assert len(data["links"]["comments"]) == 2
    replies = [c for c in world.bot_comments(declared) if "incidentops:reply" in c]
    assert len(replies) == 3  # the status, the caught-up finding, the refusal
    # a later run has nothing left to catch up on
    again = world.command(declared, "/help")
    assert "catching up" not in again.stdout


def test_a_command_costs_a_handful_of_requests(world: World, declared: int) -> None:
    before = len(world.fake.calls)
    world.command(declared, "/status identified")
    calls = world.fake.calls[before:]
    writes = [c for c in calls if c[0] != "GET"]
    print([(c[0], c[1]) for c in calls])
    # permission, the comments (listed once), then reaction, labels, reply
    assert len(calls) == 5 and len(writes) == 3


def test_catch_up_applies_earlier_commands_first(world: World, declared: int) -> None:
    world.comment_event(declared, "/severity SEV1 payments failing everywhere")  # run dropped
    result = world.command(declared, "/severity SEV3 only one region after all")
    assert result.returncode == 0, result.stderr
    assert _incident(world)["severity"] == "SEV3"  # the later command wins
    log = world.origin_log()
    assert log[:2] == ["INC-2026-0010: severity SEV3", "INC-2026-0010: severity SEV1"]


def test_catch_up_skips_edited_and_indented_comments(world: World, declared: int) -> None:
    edited = world.comment_event(declared, "looking into it")
    comment = world.fake.repo().comments[edited["comment"]["id"]]
    comment.body, comment.updated_at = "/resolve all good", "2999-01-01T00:00:00Z"
    world.comment_event(declared, "  /cancel not a command: it does not start with the slash")
    assert world.command(declared, "/timeline note: still digging").returncode == 0
    assert _incident(world)["status"] == "investigating"


def test_a_commenter_is_known_by_github_login_only(world: World, declared: int) -> None:
    # `priya` is Priya's handle, not her GitHub login (praman): this is someone else
    world.fake.set_permission("priya", "write", "acme/incidents")
    assert world.command(declared, "/timeline note: hello", user="priya").returncode == 0
    author = world.git_origin("log", "-1", "--format=%an <%ae>", "main")
    assert author == "priya <priya@users.noreply.github.com>"
    assert "actor" not in _incident(world)["timeline"][-1]


def test_a_broken_incident_file_is_reported_not_worked_around(world: World, declared: int) -> None:
    world.edit_on_main(INCIDENT, "status: investigating", "status: [unclosed", "break it")
    runner = world.clone("after-break")
    event = world.comment_event(declared, "/status identified")
    result = world.run("command", event, "issue_comment", cwd=runner)
    assert result.returncode == 2
    reply = _reply_to(world, declared)
    assert "INC-2026-0010.yaml" in reply and "fix the file, then try again" in reply
    again = world.run("declare", world.issue_event(declared, "edited"), "issues", cwd=runner)
    assert again.returncode == 2 and "names issue #1" in again.stderr
    assert not any("INC-2026-0011" in line for line in world.origin_log())


def test_malformed_event_fields_are_clear_errors(world: World, declared: int) -> None:
    event = world.comment_event(declared, "/status identified")
    event["issue"]["labels"] = 5
    result = world.run("command", event, "issue_comment")
    assert result.returncode == 2 and "issue.labels is not a list" in result.stderr
    assert "Traceback" not in result.stderr
