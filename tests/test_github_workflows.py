"""The workflow files themselves, end to end: their triggers, job conditions, env and run
steps executed by the harness against the fake GitHub API, each job in a fresh clone of the
bare origin (as a fresh runner would check out)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from conftest import run_cli
from github_world import REPOSITORY, World, form_body, git
from workflow_harness import JobRun, evaluate, run_job

INCIDENT = "incidents/2026/INC-2026-0010.yaml"


class Runner:
    def __init__(self, world: World) -> None:
        self.world = world
        self.runs = 0

    def job(self, workflow: str, job: str, event_name: str, event: dict[str, Any]) -> JobRun:
        self.runs += 1
        workdir = self.world.clone(f"runner-{self.runs}")
        knobs = {
            "GITHUB_API_URL": self.world.fake.url,
            "INCIDENTOPS_GITHUB_BACKOFF": "0.01",
            "INCIDENTOPS_GITHUB_WRITE_INTERVAL": "0",
        }
        return run_job(
            workflow, job, event_name, event, workdir, self.world.tmp / f"job-{self.runs}", knobs
        )

    def comment(self, number: int, body: str, user: str = "twhitaker") -> JobRun:
        event = self.world.comment_event(number, body, user)
        run = self.job("command.yml", "command", "issue_comment", event)
        assert run.ok, run.output()
        return run


def test_the_whole_story_from_form_to_resolved(world: World) -> None:
    runner = Runner(world)
    number = world.open_form(body=form_body(commander="@twhitaker"))
    declared = runner.job("declare.yml", "declare", "issues", world.issue_event(number))
    assert declared.ran and declared.ok, declared.output()
    assert declared.concurrency == f"incident-declare-{number}"
    assert [s.skipped is None for s in declared.steps] == [False, False, False, True]
    commands = [
        ("/update internal Investigating 500s on checkout; next update 12:30.", "twhitaker"),
        ("/status identified\nThe 11:30 deploy exhausted the DB pool.", "twhitaker"),
        ("/timeline action: rolled back checkout-api to v1.42.0", "hschmidt"),
        ("/severity SEV1 card payments failing for everyone", "twhitaker"),
        ("/role scribe @mbell-dev", "praman"),
        ("/resolve Rolled back; error rate at baseline for 30 minutes.", "twhitaker"),
    ]
    for body, user in commands:
        run = runner.comment(number, body, user)
        assert run.concurrency == f"incident-command-{number}"
    data = yaml.safe_load(world.origin_file(INCIDENT))
    assert data["status"] == "resolved" and data["severity"] == "SEV1"
    assert data["roles"]["scribe"] == "marcus"
    assert [e["kind"] for e in data["timeline"]] == [
        "declared",
        "communication",
        "status",
        "action",
        "severity",
        "role",
        "status",
    ]
    assert len(data["links"]["comments"]) == len(commands)
    log = git(world.origin, "log", "--format=%s|%an|%cn", "main").splitlines()
    assert log[: len(commands) + 1] == [
        "INC-2026-0010: resolved|Tom Whitaker|github-actions[bot]",
        "INC-2026-0010: role scribe marcus|Priya Raman|github-actions[bot]",
        "INC-2026-0010: severity SEV1|Tom Whitaker|github-actions[bot]",
        "INC-2026-0010: timeline action|Hannah Schmidt|github-actions[bot]",
        "INC-2026-0010: status identified|Tom Whitaker|github-actions[bot]",
        "INC-2026-0010: internal update|Tom Whitaker|github-actions[bot]",
        "INC-2026-0010: declared SEV2|Tom Whitaker|github-actions[bot]",
    ]
    issue = world.issue(number)
    assert issue.title == "[INC-2026-0010] Checkout API returning 500s"
    assert set(issue.labels) == {
        "declare-incident",
        "incident",
        "severity:SEV1",
        "status:resolved",
    }
    bot = world.bot_comments(number)
    assert len(bot) == 1 + len(commands) + 1  # the declaration, a reply each, the postmortem link
    assert "INC-2026-0010 declared: SEV2" in bot[0]
    assert "incidentops:postmortem-pr id=INC-2026-0010" in bot[-2]
    assert "INC-2026-0010: resolved" in bot[-1] and "postmortem is required" in bot[-1]
    # the resolve opened the postmortem pull request in the same job
    [pull] = world.fake.repo(REPOSITORY).pulls.values()
    assert pull.head == "postmortem/INC-2026-0010"
    # every command comment got the eyes reaction, once
    repo = world.fake.repo()
    for cid in data["links"]["comments"]:
        assert [r["content"] for r in repo.comments[cid].reactions] == ["eyes"]
    # the repository is still valid after all of it
    checkout = world.clone("final")
    check = run_cli("validate", cwd=checkout)  # at the suite's clock, as every job ran
    assert check.returncode == 0, check.stdout


def test_the_command_job_does_not_start_for_what_is_not_a_command(world: World) -> None:
    runner = Runner(world)
    number = world.open_form()
    assert runner.job("declare.yml", "declare", "issues", world.issue_event(number)).ok
    calls = len(world.fake.calls)
    remark = world.comment_event(number, "looks like the pool again")
    skipped = runner.job("command.yml", "command", "issue_comment", remark)
    # a plain comment takes no place in the command queue (it would displace a pending run)
    assert not skipped.ran and skipped.concurrency is None
    bot = world.comment_event(number, "/status mitigated", user="github-actions[bot]")
    assert not runner.job("command.yml", "command", "issue_comment", bot).ran
    on_pr = world.comment_event(number, "/status mitigated")
    on_pr["issue"]["pull_request"] = {"url": "x"}
    assert not runner.job("command.yml", "command", "issue_comment", on_pr).ran
    edited = world.comment_event(number, "/status mitigated")
    edited["action"] = "edited"
    assert not runner.job("command.yml", "command", "issue_comment", edited).ran
    assert len(world.fake.calls) == calls


def test_the_declare_job_starts_only_for_form_issues(world: World) -> None:
    runner = Runner(world)
    plain = world.fake.add_issue(REPOSITORY, "A question", "hello")
    run = runner.job("declare.yml", "declare", "issues", world.issue_event(plain.number))
    assert not run.ran and "job if: is false" in run.why
    closed = world.issue_event(world.open_form(), action="closed")
    assert not runner.job("declare.yml", "declare", "issues", closed).ran


def test_an_oncall_change_is_previewed_in_one_comment(world: World) -> None:
    runner = Runner(world)
    base = git(world.root, "rev-parse", "HEAD")
    branch = world.clone("author")
    git(branch, "switch", "-q", "-c", "swap-shift")
    path = branch / "oncall" / "schedules" / "platform-primary.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("members: [priya, tom, arjun]", "members: [tom, priya, arjun]", 1),
        encoding="utf-8",
    )
    assert path.read_text(encoding="utf-8") != text, (
        "the sample's member list moved; update the test"
    )
    git(branch, "commit", "-qam", "Swap tom and hannah")
    git(branch, "push", "-q", "origin", "swap-shift")
    head = git(branch, "rev-parse", "HEAD")
    pr = world.fake.add_issue(REPOSITORY, "Swap tom and hannah", "", user="hschmidt")
    event = {
        "action": "synchronize",
        "number": pr.number,
        "pull_request": {
            "number": pr.number,
            "base": {"sha": base, "ref": "main", "repo": {"full_name": REPOSITORY}},
            "head": {"sha": head, "ref": "swap-shift", "repo": {"full_name": REPOSITORY}},
        },
        "repository": {"full_name": REPOSITORY},
        "sender": {"login": "hschmidt", "type": "User"},
    }
    for _ in range(2):  # the second push edits nothing: the same preview
        run = runner.job("oncall-preview.yml", "preview", "pull_request", event)
        assert run.ok, run.output()
    [comment] = world.bot_comments(pr.number)
    assert "On-call preview" in comment and "priya" in comment
    summary = (world.tmp / f"job-{runner.runs}" / "summary.md").read_text(encoding="utf-8")
    assert "On-call preview" in summary
    assert [c[0] for c in world.fake.calls].count("PATCH") == 0
    fork = dict(
        event,
        pull_request=dict(
            event["pull_request"],
            head={**event["pull_request"]["head"], "repo": {"full_name": "someone/fork"}},
        ),
    )
    before = len(world.writes())
    assert runner.job("oncall-preview.yml", "preview", "pull_request", fork).ok
    assert len(world.writes()) == before


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("contains(github.event.issue.labels.*.name, 'incident')", True),
        ("contains(github.event.issue.labels.*.name, 'INCIDENT')", True),
        ("contains(github.event.issue.labels.*.name, 'other')", False),
        ("!github.event.issue.pull_request && startsWith(github.event.comment.body, '/')", True),
        ("github.event.comment.user.type != 'Bot'", True),
        ("github.event.issue.number || github.run_id", 7),
        ("github.event.missing.deeper || 'x'", "x"),
        ("format('incident-{0}', github.event.issue.number)", "incident-7"),
    ],
)
def test_the_harness_evaluates_expressions_like_actions(expression: str, expected: Any) -> None:
    context = {
        "github": {
            "run_id": "1",
            "event": {
                "issue": {"number": 7, "labels": [{"name": "incident"}, {"name": "sev"}]},
                "comment": {"body": "/status", "user": {"type": "User"}},
            },
        }
    }
    assert evaluate(expression, context) == expected


def test_the_scheduled_workflows_run_their_steps(world: World) -> None:
    runner = Runner(world)
    world.add_sample_issues()
    schedule = {"schedule": "*/15 * * * *", "repository": {"full_name": REPOSITORY}}
    rollup = runner.job("rollup.yml", "rollup", "schedule", schedule)
    assert rollup.ok, rollup.output()
    assert [s.name for s in rollup.steps if s.result is not None] == [
        "Tracking issues for action items",
        "Rollup issue of overdue action items",
        "Remind on late postmortem pull requests",
        "Weekly report (Mondays)",
    ]
    [issue] = [i for i in world.fake.repo(REPOSITORY).issues.values() if "action-items" in i.labels]
    assert "overdue" in issue.body
    remind = runner.job("remind.yml", "remind", "schedule", schedule)
    assert remind.ok, remind.output()
    assert "no reminder due" in remind.output()  # the sample is up to date at its own clock
    reconcile = runner.job("postmortem.yml", "postmortem", "schedule", schedule)
    assert reconcile.ok, reconcile.output()


def test_a_push_that_resolves_an_incident_runs_the_postmortem_workflow(world: World) -> None:
    runner = Runner(world)
    number = world.open_form()
    assert runner.job("declare.yml", "declare", "issues", world.issue_event(number)).ok
    before = git(world.origin, "rev-parse", "main")
    world.edit_on_main(
        INCIDENT,
        "status: investigating",
        "status: resolved\nresolved_at: 2026-11-23T11:59:00Z",
        "Resolve INC-2026-0010 by hand",
    )
    push = {
        "ref": "refs/heads/main",
        "before": before,
        "after": git(world.origin, "rev-parse", "main"),
        "repository": {"full_name": REPOSITORY},
        "sender": {"login": "twhitaker", "type": "User"},
        "commits": [],
    }
    run = runner.job("postmortem.yml", "postmortem", "push", push)
    assert run.ok, run.output()
    [pull] = world.fake.repo(REPOSITORY).pulls.values()
    assert pull.head == "postmortem/INC-2026-0010"
    assert git(world.origin, "log", "-1", "--format=%an|%cn", pull.head) == (
        "github-actions[bot]|github-actions[bot]"
    )
