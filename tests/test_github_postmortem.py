"""Postmortem pull requests: from /resolve in the same job, from a push that resolves an
incident, from the daily reconcile — exactly one pull request, however they race or repeat."""

from __future__ import annotations

import concurrent.futures
from datetime import date, timedelta
from typing import Any

import pytest
import yaml

from conftest import FIXED_NOW
from github_world import REPOSITORY, World, git

INCIDENT = "incidents/2026/INC-2026-0010.yaml"
POSTMORTEM = "postmortems/2026/INC-2026-0010.md"
BRANCH = "postmortem/INC-2026-0010"


@pytest.fixture
def declared(world: World) -> int:
    number = world.open_form()
    assert world.declare(number).returncode == 0
    return number


def _pulls(world: World) -> list[Any]:
    return list(world.fake.repo(REPOSITORY).pulls.values())


def _branch_file(world: World, path: str) -> str:
    return git(world.origin, "show", f"{BRANCH}:{path}")


def test_resolve_opens_the_postmortem_pull_request_in_the_same_job(
    world: World, declared: int
) -> None:
    result = world.command(declared, "/resolve rolled back the 11:30 deploy")
    assert result.returncode == 0, result.stderr + result.stdout
    [pull] = _pulls(world)
    assert pull.head == BRANCH and pull.base == "main"
    issue = world.issue(pull.number)
    assert issue.title == "Postmortem: INC-2026-0010 Checkout API returning 500s"
    # resolved when the comment was made (the fake stamps it at FIXED_NOW), plus a SEV2's five
    # days: 2026-11-28, whatever day the suite runs on
    due = date.fromisoformat(FIXED_NOW[:10]) + timedelta(days=5)
    assert (
        f"Due {due.isoformat()}" in issue.body
        and "<!-- incidentops:postmortem id=INC-2026-0010 -->" in issue.body
    )
    assert set(issue.labels) == {"postmortem", "severity:SEV2"}
    assert sorted(pull.requested_reviewers) == ["hschmidt", "praman", "twhitaker"]
    draft = _branch_file(world, POSTMORTEM)
    assert "incident: INC-2026-0010" in draft and "TODO" in draft
    linked = yaml.safe_load(_branch_file(world, INCIDENT))
    assert linked["postmortem"] == POSTMORTEM and linked["status"] == "resolved"
    assert "postmortem" not in yaml.safe_load(world.origin_file(INCIDENT))  # main: not yet
    reply = world.bot_comments(declared)[-1].replace("\u2060", "")
    assert f"postmortem pull request #{pull.number} opened" in reply
    [link] = [c for c in world.bot_comments(declared) if "incidentops:postmortem-pr" in c]
    assert f"#{pull.number}" in link and "@twhitaker" in link


def test_the_three_directions_open_exactly_one(world: World, declared: int) -> None:
    event = world.comment_event(declared, "/resolve rolled back")
    assert world.run("command", event, "issue_comment").returncode == 0
    assert world.run("command", event, "issue_comment").returncode == 0  # redelivered
    reconcile = world.run("postmortem", {"repository": {"full_name": REPOSITORY}}, "schedule")
    assert reconcile.returncode == 0, reconcile.stderr
    explicit = world.run(
        "postmortem",
        {"repository": {"full_name": REPOSITORY}},
        "workflow_dispatch",
        "--incident",
        "INC-2026-0010",
    )
    assert explicit.returncode == 0 and "already open" in explicit.stdout
    assert len(_pulls(world)) == 1
    assert sum("incidentops:postmortem-pr" in c for c in world.bot_comments(declared)) == 1
    assert git(world.origin, "branch", "--list", "postmortem/*").split() == [BRANCH]


def test_a_push_that_resolves_an_incident_opens_it(world: World, declared: int) -> None:
    editor = world.clone("editor")
    before = git(editor, "rev-parse", "HEAD")
    path = editor / INCIDENT
    text = path.read_text(encoding="utf-8")
    text = text.replace("status: investigating", "status: resolved", 1)
    text = text.replace("declared_at: ", "resolved_at: 2026-11-23T11:59:00Z\ndeclared_at: ", 1)
    path.write_text(text, encoding="utf-8")
    git(editor, "commit", "-qam", "Resolve by hand")
    git(editor, "push", "-q", "origin", "main")
    after = git(editor, "rev-parse", "HEAD")
    push = {
        "ref": "refs/heads/main",
        "before": before,
        "after": after,
        "repository": {"full_name": REPOSITORY},
        "sender": {"login": "twhitaker"},
    }
    result = world.run("postmortem", push, "push", cwd=world.clone("runner"))
    assert result.returncode == 0, result.stderr + result.stdout
    assert len(_pulls(world)) == 1
    again = world.run("postmortem", push, "push", cwd=world.clone("runner-2"))
    assert again.returncode == 0 and "already open" in again.stdout
    assert len(_pulls(world)) == 1


def test_racing_runs_open_one_pull_request(world: World, declared: int) -> None:
    assert world.command(declared, "/resolve rolled back").returncode == 0
    # start again from nothing on GitHub's side: as if the first run died before the PR
    world.fake.repo(REPOSITORY).pulls.clear()
    git(world.origin, "branch", "-D", BRANCH)
    runners = [world.clone(f"race-{n}") for n in range(3)]
    event = {"repository": {"full_name": REPOSITORY}}
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        results = list(
            pool.map(lambda cwd: world.run("postmortem", event, "schedule", cwd=cwd), runners)
        )
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    assert len([p for p in _pulls(world)]) == 1


def test_a_postmortem_push_that_loses_the_race_reuses_the_branch(
    world: World, declared: int
) -> None:
    # someone (another run) pushed the branch first, without a pull request yet
    other = world.clone("other")
    git(other, "switch", "-q", "-c", BRANCH)
    (other / "postmortems" / "2026").mkdir(parents=True, exist_ok=True)
    (other / POSTMORTEM).write_text("written by the other run\n", encoding="utf-8")
    git(other, "add", ".")
    git(other, "commit", "-qm", "theirs")
    git(other, "push", "-q", "origin", BRANCH)
    result = world.command(declared, "/resolve rolled back")
    assert result.returncode == 0, result.stderr
    [pull] = _pulls(world)
    assert pull.head == BRANCH
    assert _branch_file(world, POSTMORTEM) == "written by the other run"  # theirs stands
    assert "opened on the existing branch" in world.bot_comments(declared)[-1].replace("\u2060", "")


def test_an_api_failure_mid_run_is_completed_by_the_next(world: World, declared: int) -> None:
    world.fake.fail_next("POST", r"/pulls$", 502, times=4)
    result = world.command(declared, "/resolve rolled back")
    assert result.returncode == 0
    assert "could not be opened" in world.bot_comments(declared)[-1]
    assert _pulls(world) == []
    reconcile = world.run("postmortem", {"repository": {"full_name": REPOSITORY}}, "schedule")
    assert reconcile.returncode == 0, reconcile.stderr
    assert len(_pulls(world)) == 1
    assert "opened on the existing branch" in reconcile.stdout


def test_sev4_needs_none_unless_asked(world: World) -> None:
    from github_world import form_body

    number = world.open_form(body=form_body(severity="SEV4", ticked=()))
    assert world.declare(number).returncode == 0
    assert world.command(number, "/resolve cache warmed").returncode == 0
    assert _pulls(world) == []
    assert world.command(number, "/postmortem").returncode == 0
    assert len(_pulls(world)) == 1


def test_close_needs_the_merged_final_postmortem(world: World, declared: int) -> None:
    assert world.command(declared, "/resolve rolled back").returncode == 0
    assert world.command(declared, "/close").returncode == 0
    assert "requires a final postmortem" in world.bot_comments(declared)[-1]
    # the postmortem is written, made final and merged
    writer = world.clone("writer")
    git(writer, "fetch", "-q", "origin", BRANCH)
    git(writer, "merge", "-q", "--no-edit", f"origin/{BRANCH}")
    path = writer / POSTMORTEM
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: draft", "status: final", 1),
        encoding="utf-8",
    )
    git(writer, "commit", "-qam", "Postmortem final")
    git(writer, "push", "-q", "origin", "main")
    runner = world.clone("close-runner")
    event = world.comment_event(declared, "/close")
    result = world.run("command", event, "issue_comment", cwd=runner)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(world.origin_file(INCIDENT))["status"] == "closed"


def test_a_pull_request_cut_off_before_labels_is_finished_later(
    world: World, declared: int
) -> None:
    world.fake.fail_next("PUT", r"/issues/2/labels$", 502, times=4)  # the pull request
    world.fake.fail_next("POST", r"/requested_reviewers$", 502, times=4)
    assert world.command(declared, "/resolve rolled back").returncode == 0
    [pull] = _pulls(world)
    assert world.issue(pull.number).labels == []
    reconcile = world.run("postmortem", {"repository": {"full_name": REPOSITORY}}, "schedule")
    assert reconcile.returncode == 0, reconcile.stderr
    assert set(world.issue(pull.number).labels) == {"postmortem", "severity:SEV2"}
    assert sorted(pull.requested_reviewers) == ["hschmidt", "praman", "twhitaker"]
    writes = len(world.writes())
    world.run("postmortem", {"repository": {"full_name": REPOSITORY}}, "schedule")
    assert len(world.writes()) == writes  # finished: not asked again


def test_a_pull_request_closed_without_merging_is_left_until_asked(
    world: World, declared: int
) -> None:
    assert world.command(declared, "/resolve rolled back").returncode == 0
    [pull] = _pulls(world)
    world.issue(pull.number).state = "closed"
    reconcile = world.run("postmortem", {"repository": {"full_name": REPOSITORY}}, "schedule")
    assert "closed without merging" in reconcile.stdout
    assert world.issue(pull.number).state == "closed"
    assert world.command(declared, "/postmortem").returncode == 0
    assert world.issue(pull.number).state == "open" and len(_pulls(world)) == 1


def test_resolve_with_a_postmortem_linked_elsewhere_still_replies(
    world: World, declared: int
) -> None:
    world.edit_on_main(
        INCIDENT,
        "status: investigating",
        "status: investigating\npostmortem: postmortems/2026/custom.md",
        "link",
    )
    runner = world.clone("linked")
    event = world.comment_event(declared, "/resolve rolled back")
    result = world.run("command", event, "issue_comment", cwd=runner)
    assert result.returncode == 0, result.stderr
    reply = world.bot_comments(declared)[-1]
    assert "INC-2026-0010: resolved" in reply and "linked to postmortems/2026/custom.md" in reply
    assert _pulls(world) == []


def test_an_optional_postmortem_without_a_due_date_says_so(world: World) -> None:
    from github_world import form_body

    number = world.open_form(body=form_body(severity="SEV4", ticked=()))
    assert world.declare(number).returncode == 0
    assert world.command(number, "/resolve cache warmed").returncode == 0
    assert world.command(number, "/postmortem").returncode == 0
    [pull] = _pulls(world)
    body = world.issue(pull.number).body
    assert "None" not in body and "No due date: SEV4 sets none." in body
    assert "None" not in next(c for c in world.bot_comments(number) if "postmortem-pr" in c)
