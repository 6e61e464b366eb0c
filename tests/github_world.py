"""A world for the GitHub commands: the sample repository committed in a clone whose
``origin`` is a bare repository, the fake GitHub API on 127.0.0.1, and events shaped from the
real webhook payloads in ``../shared/fixtures/github-webhooks/``.

``World.run("command", event)`` writes the event file and runs the real console script with
the environment Actions gives a step."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXED_NOW, REPO, clock_env, copy_sample, git, run_cli
from fakegithub import FakeGitHub, fake_github

# Copies of GitHub's documented example payloads (issues, issue_comment, push,
# workflow_dispatch); tests change only the fields a command reads.
FIXTURES = REPO / "tests" / "fixtures" / "github-webhooks"
REPOSITORY = "acme/incidents"
FORM_LABEL = "declare-incident"


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


FORM_BODY = """### Service

{service}

### Severity

{severity}

### Impact indicators

{impact}

### Affected users (%)

{users}

### Performance degradation (%)

_No response_

### When it started

{started}

### Summary

{summary}

### Commander

{commander}
"""
INDICATOR_LABELS = (
    "Complete outage",
    "Data loss",
    "Security breach",
    "Revenue impact",
    "Partial outage",
    "Critical feature down",
    "Minor feature issue",
)


def form_body(
    service: str = "checkout-api",
    severity: str = "Decide from impact",
    ticked: tuple[str, ...] = ("Partial outage",),
    users: str = "30",
    started: str = "20m ago",
    summary: str = "Checkout returns 500 for about a third of requests since the 11:30 deploy.",
    commander: str = "_No response_",
) -> str:
    impact = "\n".join(f"- [{'X' if x in ticked else ' '}] {x}" for x in INDICATOR_LABELS)
    return FORM_BODY.format(
        service=service,
        severity=severity,
        impact=impact,
        users=users or "_No response_",
        started=started or "_No response_",
        summary=summary,
        commander=commander,
    )


class World:
    def __init__(self, tmp: Path, fake: FakeGitHub) -> None:
        self.tmp, self.fake = tmp, fake
        self.root = copy_sample(tmp / "repo")
        shutil.copytree(REPO / ".github", self.root / ".github")
        git(self.root, "init", "-q", "-b", "main")
        git(self.root, "add", ".")
        git(self.root, "commit", "-q", "-m", "sample")
        self.origin = tmp / "origin.git"
        git(tmp, "init", "-q", "--bare", "-b", "main", str(self.origin))
        git(self.root, "remote", "add", "origin", str(self.origin))
        git(self.root, "push", "-q", "-u", "origin", "main")
        fake.add_repo(REPOSITORY)
        for login, role in (
            ("twhitaker", "write"),
            ("hschmidt", "maintain"),
            ("praman", "admin"),
            ("drive-by", "read"),
        ):
            fake.set_permission(login, role, REPOSITORY)
        self.events = 0

    # ------------------------------------------------------------------ events
    def issue_event(self, number: int, action: str = "opened") -> dict[str, Any]:
        """An ``issues`` event for fake issue ``number`` as it is now."""
        event = payload("issues.opened")
        event["action"] = action
        issue = self.fake.issue_json(
            self.fake.repo(REPOSITORY), self.fake.repo(REPOSITORY).issues[number]
        )
        event["issue"] = issue
        event["repository"]["full_name"] = REPOSITORY
        event["sender"] = issue["user"]
        return event

    def open_form(
        self,
        title: str = "[Incident]: Checkout API returning 500s",
        body: str | None = None,
        user: str = "twhitaker",
    ) -> int:
        issue = self.fake.add_issue(
            REPOSITORY,
            title,
            body if body is not None else form_body(),
            user=user,
            labels=[FORM_LABEL],
        )
        return issue.number

    def comment_event(self, number: int, body: str, user: str = "twhitaker") -> dict[str, Any]:
        """Post ``body`` on the fake issue as ``user`` and return the ``issue_comment`` event."""
        comment = self.fake.add_comment(REPOSITORY, number, body, user=user)
        repo = self.fake.repo(REPOSITORY)
        event = payload("issue_comment.created")
        event["issue"] = self.fake.issue_json(repo, repo.issues[number])
        event["comment"] = self.fake.comment_json(repo, comment)
        event["repository"]["full_name"] = REPOSITORY
        event["sender"] = event["comment"]["user"]
        return event

    # ------------------------------------------------------------------ running
    def env(self, event_name: str, event_path: Path) -> dict[str, str]:
        return {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_API_URL": self.fake.url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REF": "refs/heads/main",
            "GITHUB_RUN_ID": "4242",
            "GITHUB_TOKEN": "ghs_test",
            "GITHUB_STEP_SUMMARY": str(self.tmp / "summary.md"),
            "INCIDENTOPS_GITHUB_BACKOFF": "0.01",
            "INCIDENTOPS_GITHUB_WRITE_INTERVAL": "0",
            "GIT_COMMITTER_NAME": "github-actions[bot]",
            "GIT_COMMITTER_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
        }

    def run(
        self,
        command: str,
        event: dict[str, Any],
        event_name: str,
        *args: str,
        cwd: Path | None = None,
        now: str = FIXED_NOW,
    ) -> subprocess.CompletedProcess[str]:
        """The console script as an Actions step, its clock at ``now`` (the fake API's clock is
        the test's to move: ``scheduled`` moves both)."""
        self.events += 1
        path = self.tmp / f"event-{self.events}.json"
        path.write_text(json.dumps(event), encoding="utf-8")
        env = {**self.env(event_name, path), **clock_env(now)}
        return run_cli("github", command, *args, cwd=cwd or self.root, env=env)

    def scheduled(self, command: str, now: str, *args: str) -> subprocess.CompletedProcess[str]:
        """A scheduled job: a fresh checkout of origin, the clock at ``now``."""
        self.fake.set_time(now)
        event = {"schedule": "*/15 * * * *", "repository": {"full_name": REPOSITORY}}
        runner = self.clone(f"scheduled-{self.events + 1}")
        return self.run(command, event, "schedule", *args, cwd=runner, now=now)

    def add_sample_issues(self) -> None:
        """The issues the sample's files name (incident links, action items' tracking
        issues), open, so commands that read them find them."""
        numbers = set()
        for path in [*self.root.glob("incidents/*/*.yaml"), *self.root.glob("postmortems/*/*.md")]:
            numbers |= {
                int(n)
                for n in re.findall(r"^\s+issue: (\d+)", path.read_text(encoding="utf-8"), re.M)
            }
        repo = self.fake.repo(REPOSITORY)
        for number in sorted(numbers - set(repo.issues)):
            self.fake.add_issue(REPOSITORY, f"sample issue {number}", "", number=number)

    def edit_on_main(self, path: str, old: str, new: str, message: str) -> None:
        """Someone changes a file on main (through a merged pull request)."""
        editor = self.clone(f"editor-{self.events}-{len(message)}")
        target = editor / path
        text = target.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {path}"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
        git(editor, "commit", "-qam", message)
        git(editor, "push", "-q", "origin", "main")

    def declare(
        self, number: int, *args: str, action: str = "opened"
    ) -> subprocess.CompletedProcess[str]:
        return self.run("declare", self.issue_event(number, action), "issues", *args)

    def command(
        self, number: int, body: str, *args: str, user: str = "twhitaker"
    ) -> subprocess.CompletedProcess[str]:
        return self.run("command", self.comment_event(number, body, user), "issue_comment", *args)

    # ------------------------------------------------------------------ looking
    def issue(self, number: int) -> Any:
        return self.fake.repo(REPOSITORY).issues[number]

    def comments(self, number: int) -> list[str]:
        repo = self.fake.repo(REPOSITORY)
        return [repo.comments[c].body for c in repo.issues[number].comments]

    def bot_comments(self, number: int) -> list[str]:
        repo = self.fake.repo(REPOSITORY)
        return [
            repo.comments[c].body
            for c in repo.issues[number].comments
            if repo.comments[c].user.endswith("[bot]")
        ]

    def origin_log(self) -> list[str]:
        return git(self.origin, "log", "--format=%s", "main").splitlines()

    def git_status(self) -> str:
        return git(self.root, "status", "--porcelain")

    def commit_and_push(self, message: str) -> None:
        git(self.root, "commit", "-qam", message)
        git(self.root, "push", "-q", "origin", "main")

    def clone(self, name: str) -> Path:
        """Another checkout of origin, as a second workflow run would have."""
        target = self.tmp / name
        git(self.tmp, "clone", "-q", str(self.origin), str(target))
        return target

    def last_event(self) -> dict[str, Any]:
        path = self.tmp / f"event-{self.events}.json"
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def git_origin(self, *args: str) -> str:
        return git(self.origin, *args)

    def origin_file(self, path: str) -> str:
        return git(self.origin, "show", f"main:{path}")

    def writes(self) -> list[tuple[str, str, Any]]:
        return [c for c in self.fake.calls if c[0] != "GET"]


@pytest.fixture
def world(tmp_path: Path, git_env: None) -> Iterator[World]:
    with fake_github() as fake:
        yield World(tmp_path, fake)


__all__ = ["World", "copy", "form_body", "world"]
