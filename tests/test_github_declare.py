"""``incidentops github declare`` end to end: the console script, a real git repository with
a bare origin, PyGithub over HTTP to the fake API."""

from __future__ import annotations

import pytest
import yaml

from github_world import FORM_LABEL, World, form_body

INCIDENT = "incidents/2026/INC-2026-0010.yaml"


def test_a_form_becomes_an_incident_on_main(world: World) -> None:
    number = world.open_form()
    result = world.declare(number)
    assert result.returncode == 0, result.stderr + result.stdout
    data = yaml.safe_load(world.origin_file(INCIDENT))
    assert data["id"] == "INC-2026-0010"
    assert data["severity"] == "SEV2"  # partial outage, 30% of users
    assert data["links"] == {"issue": number}
    assert data["declared_by"] == "tom"
    assert data["services"] == ["checkout-api"]
    assert data["title"] == "Checkout API returning 500s"
    assert data["started_at"] == "2026-11-23T11:40:00Z"
    assert world.origin_log()[0] == "INC-2026-0010: declared SEV2"
    author = world.git_origin("log", "-1", "--format=%an <%ae>|%cn", "main")
    assert author == "Tom Whitaker <tom.whitaker@example.com>|github-actions[bot]"
    issue = world.issue(number)
    assert issue.title == "[INC-2026-0010] Checkout API returning 500s"
    assert set(issue.labels) == {FORM_LABEL, "incident", "severity:SEV2", "status:investigating"}
    [comment] = world.bot_comments(number)
    assert "<!-- incidentops:declared id=INC-2026-0010 -->" in comment
    assert "/status STATE" in comment
    print(comment)


def test_the_same_event_twice_declares_once(world: World) -> None:
    number = world.open_form()
    event = world.issue_event(number)
    assert world.run("declare", event, "issues").returncode == 0
    state = (world.origin_log(), world.bot_comments(number), world.issue(number).title)
    writes = len(world.writes())
    again = world.run("declare", event, "issues")  # stale payload: the old title and labels
    assert again.returncode == 0, again.stderr
    assert "already INC-2026-0010" in again.stdout
    assert (world.origin_log(), world.bot_comments(number), world.issue(number).title) == state
    assert len(world.writes()) == writes


def test_a_run_cut_off_after_the_push_is_finished_by_the_next(world: World) -> None:
    number = world.open_form()
    world.fake.fail_next("PATCH", r"/issues/\d+$", 500, times=4)  # every retry fails
    first = world.declare(number)
    assert first.returncode == 2 and "PATCH issue #1" in first.stderr
    assert world.origin_log()[0] == "INC-2026-0010: declared SEV2"
    second = world.declare(number)
    assert second.returncode == 0, second.stderr
    assert world.origin_log()[0] == "INC-2026-0010: declared SEV2"  # no second incident
    assert world.issue(number).title.startswith("[INC-2026-0010]")
    assert len(world.bot_comments(number)) == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (form_body(service="billing"), "Service", "'billing' is not one of"),
        (form_body(users="lots"), "Affected users (%)", "'lots' is not a number from 0 to 100"),
        (form_body(users="250"), "Affected users (%)", "is not a number from 0 to 100"),
        (form_body(started="yesterday-ish"), "When it started", "is not a time"),
        (form_body(started="+2h"), "When it started", "is in the future"),
        (form_body(summary="_No response_"), "Summary", "is required"),
        (form_body(commander="@not-a-person"), "Commander", "is not a GitHub login in people.yaml"),
        (form_body(severity="SEV0"), "Severity", "'SEV0' is not one of"),
    ],
)
def test_a_form_that_cannot_be_read_gets_a_comment_and_no_incident(
    world: World, body: str, field: str, message: str
) -> None:
    number = world.open_form(body=body)
    before = world.origin_log()
    result = world.declare(number)
    assert result.returncode == 0, result.stderr
    assert world.origin_log() == before
    [comment] = world.bot_comments(number)
    text = comment.replace("\u2060", "")
    assert f"**{field}**" in text and message in text
    assert "Edit this issue" in text


def test_editing_a_broken_form_declares_and_updates_the_error_comment(world: World) -> None:
    number = world.open_form(body=form_body(service="billing"))
    world.declare(number)
    world.declare(number, action="edited")  # still broken: the same comment, not a new one
    assert len(world.bot_comments(number)) == 1
    world.issue(number).body = form_body(service="search")
    result = world.declare(number, action="edited")
    assert result.returncode == 0, result.stderr
    assert world.origin_log()[0] == "INC-2026-0010: declared SEV2"
    comments = world.bot_comments(number)
    assert len(comments) == 2
    assert "problems are fixed: declared as INC-2026-0010" in comments[0]


def test_severity_chosen_on_the_form_wins_and_commander_is_taken(world: World) -> None:
    number = world.open_form(body=form_body(severity="SEV1", ticked=(), commander="@praman"))
    assert world.declare(number).returncode == 0
    data = yaml.safe_load(world.origin_file(INCIDENT))
    assert data["severity"] == "SEV1"
    assert data["roles"]["commander"] == "priya"
    assert "severity:SEV1" in world.issue(number).labels


def test_people_without_write_permission_cannot_declare(world: World) -> None:
    number = world.open_form(user="drive-by")
    before = world.origin_log()
    assert world.declare(number).returncode == 0
    assert world.origin_log() == before
    [comment] = world.bot_comments(number)
    assert "only people with write permission" in comment and "declarations" in comment


def test_issues_without_the_form_label_are_left_alone(world: World) -> None:
    issue = world.fake.add_issue("acme/incidents", "Question about the runbooks", "hi")
    calls = len(world.fake.calls)
    result = world.declare(issue.number)
    assert result.returncode == 0 and "not a declaration" in result.stdout
    assert len(world.fake.calls) == calls


def test_a_hostile_title_and_summary_are_stored_as_text_and_quoted_inert(world: World) -> None:
    title = "[Incident]: $(curl evil) @everyone #1 <!-- incidentops:declared id=INC-2026-0001 -->"
    body = form_body(summary="'; rm -rf / # {{ 7*7 }} ${{ secrets.GITHUB_TOKEN }} @org/team")
    number = world.open_form(title=title, body=body)
    assert world.declare(number).returncode == 0
    data = yaml.safe_load(world.origin_file(INCIDENT))
    assert data["title"] == title.removeprefix("[Incident]: ")
    assert data["summary"].startswith("'; rm -rf /")
    [comment] = world.bot_comments(number)
    assert "@everyone" not in comment and comment.count("<!--") == 1
    assert world.issue(number).title == "[INC-2026-0010] " + data["title"]


def test_dry_run_shows_the_file_and_calls_and_changes_nothing(world: World) -> None:
    number = world.open_form()
    before = (world.origin_log(), world.git_status())
    result = world.declare(number, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "would write incidents/2026/INC-2026-0010.yaml" in result.stdout
    assert "+id: INC-2026-0010" in result.stdout
    assert "would PATCH issue #1" in result.stdout and "would POST comment on #1" in result.stdout
    assert (world.origin_log(), world.git_status()) == before
    assert world.writes() == []


def test_workflow_dispatch_opens_a_tracking_issue_once(world: World) -> None:
    from github_world import payload

    event = payload("workflow_dispatch")
    event["repository"]["full_name"] = "acme/incidents"
    event["sender"]["login"] = "hschmidt"
    event["inputs"] = {
        "title": "Search results empty",
        "service": "search",
        "severity": "Decide from impact",
        "impact": "critical_feature_down",
        "summary": "Search returns nothing for every query.",
    }
    first = world.run("declare", event, "workflow_dispatch")
    assert first.returncode == 0, first.stderr + first.stdout
    again = world.run("declare", event, "workflow_dispatch")  # the job re-run
    assert again.returncode == 0, again.stderr
    issues = world.fake.repo().issues
    assert len(issues) == 1
    issue = issues[1]
    assert issue.title == "[INC-2026-0010] Search results empty"
    data = yaml.safe_load(world.origin_file(INCIDENT))
    assert data["severity"] == "SEV2" and data["declared_by"] == "hannah"
    assert data["links"]["issue"] == 1
    assert world.origin_log().count("INC-2026-0010: declared SEV2") == 1


def test_a_planted_dispatch_marker_is_not_trusted(world: World) -> None:
    from github_world import payload

    # a read-only user opens a form issue carrying the marker the dispatch run will look for
    planted = form_body(service="auth", severity="SEV1", summary="attacker's words")
    world.fake.add_issue(
        "acme/incidents",
        "[Incident]: planted",
        "<!-- incidentops:dispatch run=4242 -->\n\n" + planted,
        user="drive-by",
        labels=[FORM_LABEL],
    )
    event = payload("workflow_dispatch")
    event["repository"]["full_name"] = "acme/incidents"
    event["sender"]["login"] = "hschmidt"
    event["inputs"] = {
        "title": "Search results empty",
        "service": "search",
        "severity": "SEV3",
        "summary": "Search returns nothing.",
    }
    result = world.run("declare", event, "workflow_dispatch")
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(world.origin_file(INCIDENT))
    assert data["services"] == ["search"] and data["summary"] == "Search returns nothing."
    assert data["links"]["issue"] == 2  # the bot's own new issue, not the planted #1


def test_a_title_too_long_for_the_incident_is_a_form_problem(world: World) -> None:
    number = world.open_form(title="[Incident]: " + "x" * 300)
    assert world.declare(number).returncode == 0
    [comment] = world.bot_comments(number)
    assert "**Title**: the issue title is 300 characters; at most 200" in comment
    longest = world.open_form(title="[Incident]: " + "y" * 200)
    assert world.declare(longest).returncode == 0
    assert world.issue(longest).title == "[INC-2026-0010] " + "y" * 200


def test_issue_titles_stay_within_githubs_limit() -> None:
    from incidentops.github.labels import title

    made = title("INC-2026-0010", "z" * 300)
    assert len(made) == 256 and made.endswith("…")
