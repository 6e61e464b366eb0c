"""Following through on GitHub over simulated time: the rollup issue across a week, update
reminders once per missed interval, tracking issues for action items, the weekly post; and
the API failing mid-run (the next run completes the work, nothing duplicated)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from github_world import REPOSITORY, World, git

OVERDUE = [
    ("postmortems/2026/INC-2026-0001.md", "AI-3"),
    ("postmortems/2026/INC-2026-0003.md", "AI-3"),
    ("postmortems/2026/INC-2026-0003.md", "AI-6"),
    ("postmortems/2026/INC-2026-0005.md", "AI-4"),
]


def _set_item(world: World, path: str, item: str, key: str, value: str) -> None:
    """Change one field of one action item in a postmortem's front matter, on main."""
    editor = world.clone(f"edit-{item}-{key}-{len(world.origin_log())}")
    target = editor / path
    text = target.read_text(encoding="utf-8")
    block = re.search(rf"  - id: {item}\n(?:    .*\n)+", text)
    assert block, f"{item} not in {path}"
    old = block.group(0)
    if re.search(rf"^    {key}: .*$", old, re.MULTILINE):
        new = re.sub(rf"^    {key}: .*$", f"    {key}: {value}", old, flags=re.MULTILINE)
    else:
        new = old + f"    {key}: {value}\n"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    git(editor, "commit", "-qam", f"{item}: {key} {value}")
    git(editor, "push", "-q", "origin", "main")


def _rollups(world: World) -> list[Any]:
    return [
        i
        for i in world.fake.repo(REPOSITORY).issues.values()
        if "action-items" in i.labels and "incidentops:rollup" in (i.body or "")
    ]


def _writes_since(world: World, mark: int) -> list[tuple[str, str]]:
    return [(c[0], c[1]) for c in world.fake.calls[mark:] if c[0] != "GET"]


def test_the_rollup_issue_across_a_week(world: World) -> None:
    # Monday: four items overdue -> one issue opens
    mark = len(world.fake.calls)
    first = world.scheduled("rollup", "2026-11-23T07:00:00Z")
    assert first.returncode == 0, first.stderr + first.stdout
    [issue] = _rollups(world)
    assert issue.state == "open" and issue.title == "Overdue action items"
    assert (
        "**4 overdue**" in issue.body
        and "Oldest overdue: 146 days (INC-2026-0001/AI-3)" in issue.body
    )
    assert "### Grace" in issue.body or "Grace" in issue.body
    assert "@" not in issue.body.replace("@\u2060", "")  # owners named, not mentioned
    assert "postmortems/2026/INC-2026-0003.md#L24" in issue.body
    assert len(world.fake.calls) - mark == 2  # one list, one create
    # the same day again: nothing changed, nothing written
    mark = len(world.fake.calls)
    assert world.scheduled("rollup", "2026-11-23T19:00:00Z").returncode == 0
    assert _writes_since(world, mark) == []
    # Tuesday: the ages moved on -> the same issue edited in place
    mark = len(world.fake.calls)
    assert world.scheduled("rollup", "2026-11-24T07:00:00Z").returncode == 0
    assert _writes_since(world, mark) == [("PATCH", f"/repos/{REPOSITORY}/issues/{issue.number}")]
    assert "Oldest overdue: 147 days" in issue.body
    # Wednesday: two are done -> edited, two left
    _set_item(world, *OVERDUE[0], "status", "done")
    _set_item(world, *OVERDUE[1], "status", "wont-do")
    assert world.scheduled("rollup", "2026-11-25T07:00:00Z").returncode == 0
    assert "**2 overdue**" in issue.body
    # Thursday: the rest are done -> closed
    _set_item(world, *OVERDUE[2], "status", "done")
    _set_item(world, *OVERDUE[3], "status", "done")
    assert world.scheduled("rollup", "2026-11-26T07:00:00Z").returncode == 0
    assert issue.state == "closed" and "Nothing overdue" in issue.body
    # Friday: still nothing overdue: no write
    mark = len(world.fake.calls)
    assert world.scheduled("rollup", "2026-11-27T07:00:00Z").returncode == 0
    assert _writes_since(world, mark) == []
    # the next Saturday week: an item falls due -> the same issue reopens
    result = world.scheduled("rollup", "2026-12-05T07:00:00Z")
    assert result.returncode == 0
    assert "reopened" in result.stdout
    assert [i.number for i in _rollups(world)] == [issue.number]
    assert issue.state == "open" and "INC-2026-0005/AI-1" in issue.body


def test_rollup_mentions_owners_only_when_configured(world: World) -> None:
    world.edit_on_main(
        "incidentops.yaml", "  rollup_mentions: false", "  rollup_mentions: true", "mentions"
    )
    assert world.scheduled("rollup", "2026-11-23T07:00:00Z").returncode == 0
    [issue] = _rollups(world)
    assert "@praman (Priya Raman)" in issue.body


def test_a_rollup_cut_off_after_creating_is_not_duplicated(world: World) -> None:
    world.fake.fail_next("POST", rf"/repos/{REPOSITORY}/issues$", 502, applied=True)
    result = world.scheduled("rollup", "2026-11-23T07:00:00Z")
    assert result.returncode == 0, result.stderr
    assert len(_rollups(world)) == 1
    assert world.scheduled("rollup", "2026-11-23T08:00:00Z").returncode == 0
    assert len(_rollups(world)) == 1


# ---------------------------------------------------------------------- reminders


@pytest.fixture
def incident(world: World) -> int:
    """A SEV2 (updates every 30 min) declared at 12:00 on issue #1, first update at 12:05."""
    number = world.open_form()
    world.fake.set_time("2026-11-23T12:00:00Z")
    assert (
        world.run(
            "declare", world.issue_event(number), "issues", now="2026-11-23T12:00:00Z"
        ).returncode
        == 0
    )
    event = world.comment_event(number, "/update internal Looking at the DB pool.")
    event["comment"]["created_at"] = "2026-11-23T12:05:00Z"
    assert world.run("command", event, "issue_comment", now="2026-11-23T12:05:00Z").returncode == 0
    for sample in (548, 549, 551):  # the sample's open incidents have their issues too
        world.fake.add_issue(REPOSITORY, f"sample incident issue {sample}", "", number=sample)
    return number


def _reminders(world: World, number: int, kind: str = "update") -> list[str]:
    return [c for c in world.bot_comments(number) if f"kind={kind}" in c]


def test_one_reminder_per_missed_update_interval(world: World, incident: int) -> None:
    for now, expected in [
        ("2026-11-23T12:20:00Z", 0),  # next update due 12:35
        ("2026-11-23T12:36:00Z", 1),  # missed the 12:35 one
        ("2026-11-23T12:50:00Z", 1),  # same interval: no repeat
        ("2026-11-23T12:51:00Z", 1),
        ("2026-11-23T13:06:00Z", 2),  # missed 13:05 too
    ]:
        result = world.scheduled("remind", now)
        assert result.returncode == 0, result.stderr + result.stdout
        assert len(_reminders(world, incident)) == expected, now
    first, second = _reminders(world, incident)
    assert "key=2026-11-23T12:35:00Z" in first and "key=2026-11-23T13:05:00Z" in second
    assert "was due at 2026-11-23 12:35 UTC" in first and "@twhitaker" in first
    # an update resets the clock
    event = world.comment_event(incident, "/update internal Pool resized.")
    event["comment"]["created_at"] = "2026-11-23T13:10:00Z"
    assert world.run("command", event, "issue_comment", now="2026-11-23T13:10:00Z").returncode == 0
    world.scheduled("remind", "2026-11-23T13:30:00Z")
    assert len(_reminders(world, incident)) == 2
    world.scheduled("remind", "2026-11-23T13:41:00Z")
    assert len(_reminders(world, incident)) == 3


def test_a_remind_run_costs_little(world: World, incident: int) -> None:
    world.scheduled("remind", "2026-11-23T12:20:00Z")  # the sample's quiet incidents, once
    mark = len(world.fake.calls)
    world.scheduled("remind", "2026-11-23T12:21:00Z")
    assert [c[0] for c in world.fake.calls[mark:]] == ["GET"]  # recent comments, once
    mark = len(world.fake.calls)
    result = world.scheduled("remind", "2026-11-23T12:36:00Z")
    kinds = [c[0] for c in world.fake.calls[mark:]]
    posted = int(result.stdout.split(" reminder(s) posted")[0].split()[-1])
    assert kinds == ["GET"] + ["POST"] * posted and posted >= 1  # one read, one write each


def test_a_quiet_incident_gets_one_still_going_note(world: World, incident: int) -> None:
    world.scheduled("remind", "2026-11-24T12:04:00Z")
    assert _reminders(world, incident, "stale") == []
    world.scheduled("remind", "2026-11-24T12:06:00Z")
    world.scheduled("remind", "2026-11-24T14:00:00Z")
    [note] = _reminders(world, incident, "stale")
    assert "Still going?" in note and "for 24 h 1 min (since 2026-11-23 12:05 UTC)" in note
    # the sample's long-quiet incidents got theirs too, once each
    for sample in (548, 549, 551):
        assert len(_reminders(world, sample, "stale")) == 1


def test_reminders_survive_an_api_failure(world: World, incident: int) -> None:
    world.fake.fail_next("POST", r"/issues/1/comments$", 502, times=4)  # every attempt
    failed = world.scheduled("remind", "2026-11-23T12:36:00Z")
    assert failed.returncode == 2
    assert _reminders(world, incident) == []
    world.scheduled("remind", "2026-11-23T12:40:00Z")
    world.scheduled("remind", "2026-11-23T12:45:00Z")
    assert len(_reminders(world, incident)) == 1


# ---------------------------------------------------------------------- tracking issues


def test_actions_sync_opens_tracking_issues_and_closes_items(world: World) -> None:
    world.add_sample_issues()
    # AI-2 is tracked nowhere yet and asks for an issue
    world.edit_on_main(
        "postmortems/2026/INC-2026-0005.md", "    issue: 516\n", "    track: true\n", "track AI-2"
    )
    result = world.scheduled("actions-sync", "2026-11-23T07:00:00Z")
    assert result.returncode == 0, result.stderr + result.stdout
    tracking = [i for i in world.fake.repo(REPOSITORY).issues.values() if "action-item" in i.labels]
    [issue] = tracking
    assert issue.title.startswith("[INC-2026-0005 AI-2] Check catalogue schema changes")
    text = world.origin_file("postmortems/2026/INC-2026-0005.md")
    assert f"    issue: {issue.number}\n" in text
    assert world.origin_log()[0].startswith("Action items: sync")
    again = world.scheduled("actions-sync", "2026-11-23T08:00:00Z")
    assert "in step" in again.stdout
    assert (
        len([i for i in world.fake.repo(REPOSITORY).issues.values() if "action-item" in i.labels])
        == 1
    )
    # closing the tracking issue marks the item done on the next sync
    issue.state, issue.state_reason = "closed", "completed"
    issue.updated_at = "2026-11-23T20:00:00Z"
    world.scheduled("actions-sync", "2026-11-24T07:00:00Z")
    text = world.origin_file("postmortems/2026/INC-2026-0005.md")
    block = re.search(r"  - id: AI-2\n(?:    .*\n)+", text)
    assert block and "    status: done\n" in block.group(0)


def test_weekly_report_posted_once_a_week(world: World) -> None:
    world.edit_on_main(
        "incidentops.yaml",
        "  stale_hours: 24\n",
        "  stale_hours: 24\n  weekly_issue: 1\n",
        "weekly",
    )
    world.fake.add_issue(REPOSITORY, "Weekly incident reports", "")
    world.scheduled("weekly", "2026-11-23T08:00:00Z")
    world.scheduled("weekly", "2026-11-25T08:00:00Z")
    [post] = world.bot_comments(1)
    assert "week=2026-W48" in post and "## Incidents, week to 2026-11-23" in post
    world.scheduled("weekly", "2026-11-30T08:00:00Z")
    assert len(world.bot_comments(1)) == 2


def test_a_late_postmortem_pull_request_gets_one_reminder(world: World) -> None:
    number = world.open_form()
    world.fake.set_time("2026-11-23T12:00:00Z")
    assert world.declare(number).returncode == 0
    assert world.command(number, "/resolve rolled back").returncode == 0  # SEV2: due in 5 days
    [pull] = world.fake.repo(REPOSITORY).pulls.values()
    for now in ("2026-11-28T09:00:00Z", "2026-11-29T09:00:00Z", "2026-11-30T09:00:00Z"):
        result = world.scheduled("remind", now, "--postmortems")
        assert result.returncode == 0, result.stderr + result.stdout
    late = [c for c in world.bot_comments(pull.number) if "kind=postmortem" in c]
    assert len(late) == 1 and "was due 2026-11-28" in late[0]
    # the 15-minute run does not look at pull requests at all
    mark = len(world.fake.calls)
    world.scheduled("remind", "2026-11-30T09:15:00Z")
    assert not any("/pulls" in c[1] for c in world.fake.calls[mark:])


def test_scheduled_runs_cost_the_same_with_a_long_history(world: World) -> None:
    """A thousand more closed incidents and their postmortems change nothing in what remind
    and rollup ask of the API."""

    def cost() -> tuple[int, int]:
        counts = []
        for command in ("remind", "rollup"):
            world.scheduled(command, "2026-11-23T07:00:00Z")  # first: posts what is due
            mark = len(world.fake.calls)
            world.scheduled(command, "2026-11-23T07:05:00Z")
            counts.append(len(world.fake.calls) - mark)
        return counts[0], counts[1]

    world.add_sample_issues()
    before = cost()
    editor = world.clone("history")
    source = (editor / "incidents/2025/INC-2025-0031.yaml").read_text(encoding="utf-8")
    for n in range(100, 1100):
        ident = f"INC-2025-{n:04d}"
        (editor / f"incidents/2025/{ident}.yaml").write_text(
            source.replace("INC-2025-0031", ident).replace("postmortem:", "# postmortem:"),
            encoding="utf-8",
        )
    git(editor, "add", ".")
    git(editor, "commit", "-qm", "a long history")
    git(editor, "push", "-q", "origin", "main")
    assert cost() == before
    assert before[0] <= 1 and before[1] <= 1


def test_actions_sync_proposes_a_pull_request_where_main_is_protected(world: World) -> None:
    world.add_sample_issues()
    world.edit_on_main(
        "incidentops.yaml", "  actions_sync: commit", "  actions_sync: pull-request", "protected"
    )
    world.edit_on_main(
        "postmortems/2026/INC-2026-0005.md", "    issue: 516\n", "    track: true\n", "track AI-2"
    )
    main_before = git(world.origin, "rev-parse", "main")
    for now in ("2026-11-23T07:00:00Z", "2026-11-23T08:00:00Z", "2026-11-24T07:00:00Z"):
        result = world.scheduled("actions-sync", now)
        assert result.returncode == 0, result.stderr + result.stdout
    assert git(world.origin, "rev-parse", "main") == main_before  # main untouched
    [pull] = world.fake.repo(REPOSITORY).pulls.values()  # one, kept up to date
    assert pull.head == "incidentops/actions-sync"
    assert len(git(world.origin, "log", "--format=%h", f"main..{pull.head}").split()) == 1
    text = git(world.origin, "show", f"{pull.head}:postmortems/2026/INC-2026-0005.md")
    tracking = [i for i in world.fake.repo(REPOSITORY).issues.values() if "action-item" in i.labels]
    assert len(tracking) == 1 and f"    issue: {tracking[0].number}\n" in text


def test_the_rollup_finds_its_issue_behind_newer_ones(world: World) -> None:
    assert world.scheduled("rollup", "2026-11-23T07:00:00Z").returncode == 0
    [ours] = _rollups(world)
    for n in range(120):  # people file many issues under the same label
        world.fake.add_issue(
            REPOSITORY, f"item {n}", "mine", user="twhitaker", labels=["action-items"]
        )
    assert world.scheduled("rollup", "2026-11-24T07:00:00Z").returncode == 0
    assert [i.number for i in _rollups(world)] == [ours.number]


def test_the_weekly_post_is_inert(world: World) -> None:
    world.edit_on_main(
        "incidentops.yaml",
        "  stale_hours: 24\n",
        "  stale_hours: 24\n  weekly_issue: 1\n",
        "weekly",
    )
    world.edit_on_main(
        "incidents/2026/INC-2026-0009.yaml",
        "title: ",
        "title: '@acme/everyone see #1 <!-- incidentops:weekly week=2026-W49 --> '",
        "hostile title",
    )
    world.fake.add_issue(REPOSITORY, "Weekly incident reports", "")
    world.scheduled("weekly", "2026-11-23T08:00:00Z")
    [post] = world.bot_comments(1)
    visible = post.split("\n", 1)[1]
    assert "@acme/everyone" not in visible and "#1 " not in visible and "<!--" not in visible
    world.scheduled("weekly", "2026-11-30T08:00:00Z")
    assert len(world.bot_comments(1)) == 2  # the planted marker did not stop next week's


def test_actions_sync_addresses_the_right_item(world: World) -> None:
    world.add_sample_issues()
    world.edit_on_main(
        "postmortems/2026/INC-2026-0005.md", "    issue: 516\n", "    track: true\n", "track AI-2"
    )
    assert world.scheduled("actions-sync", "2026-11-23T07:00:00Z").returncode == 0
    text = world.origin_file("postmortems/2026/INC-2026-0005.md")
    first = re.search(r"  - id: AI-1\n(?:    .*\n)+", text)
    second = re.search(r"  - id: AI-2\n(?:    .*\n)+", text)
    assert first and "issue: 515" in first.group(0)
    assert second and "issue: 5" in second.group(0) and "track: true" in second.group(0)
