"""`make demo`, part 5: an incident run from a GitHub issue, against a fake GitHub API on
127.0.0.1 (the one the tests use; no network). Someone opens the "Declare incident" form,
responders comment slash-commands, and each bot comment is printed as a person on the issue
would read it. Every step runs the real `incidentops github ...` command with the
environment a GitHub Actions step has, in a clone whose `origin` is a bare repository."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "incidentops"
sys.path.insert(0, str(REPO / "tests"))

from fakegithub import FakeGitHub, fake_github  # noqa: E402

REPOSITORY = "acme/incidents"
PARTS = ("incidentops.yaml", "incidents", "postmortems", "runbooks", "oncall", "schemas", ".github")
FORM = """### Service

checkout-api

### Severity

Decide from impact

### Impact indicators

- [ ] Complete outage
- [ ] Data loss
- [ ] Security breach
- [ ] Revenue impact
- [X] Partial outage
- [ ] Critical feature down
- [ ] Minor feature issue

### Affected users (%)

30

### Performance degradation (%)

_No response_

### When it started

20m ago

### Summary

Checkout returns 500 for about a third of order placements since the 11:30 deploy.

### Commander

_No response_
"""
# (clock, GitHub login, comment)
CONVERSATION = [
    ("12:02", "twhitaker", "/ack"),
    (
        "12:04",
        "twhitaker",
        "/update internal Elevated 5xx on order placement; looking at the DB pool.",
    ),
    (
        "12:09",
        "hschmidt",
        "/timeline action: restarted checkout-api pods\nNo change in the error rate.",
    ),
    ("12:12", "drive-by", "/status mitigated"),
    ("12:15", "twhitaker", "/stauts identified"),
    ("12:15", "twhitaker", "/status identified\nA batch job holds most of the pool's connections."),
    ("12:18", "twhitaker", "/severity SEV1 card payments now failing for everyone"),
    ("12:20", "praman", "/role scribe @mbell-dev"),
    (
        "12:50",
        "twhitaker",
        "/resolve Pool resized and the batch job rescheduled; errors at baseline.",
    ),
]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def _show(who: str, body: str) -> None:
    """A comment as the issue page shows it: markers are invisible, details collapsed."""
    body = re.sub(r"<!-- incidentops:[^>]*-->\n?", "", body)
    body = re.sub(r"<details><summary>(.*?)</summary>.*?</details>", r"[\1 ▸]", body, flags=re.S)
    body = body.replace("\u2060", "")
    print(f"\n  {who} commented:")
    print(textwrap.indent(body.strip(), "  │ ", lambda _: True))


def _step(
    fake: FakeGitHub, root: Path, tmp: Path, command: str, event: dict, name: str, clock: str
) -> None:
    path = tmp / "event.json"
    path.write_text(json.dumps(event), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": name,
            "GITHUB_EVENT_PATH": str(path),
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_API_URL": fake.url,
            "GITHUB_TOKEN": "demo-token",
            "GITHUB_REF": "refs/heads/main",
            "INCIDENTOPS_NOW": f"2026-11-23T{clock}:00Z",
            "INCIDENTOPS_GITHUB_WRITE_INTERVAL": "0",
            "GIT_COMMITTER_NAME": "github-actions[bot]",
            "GIT_COMMITTER_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com",
            "NO_COLOR": "1",
        }
    )
    result = subprocess.run(
        [str(SCRIPT), "github", command],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(result.stdout + result.stderr)
        raise SystemExit(f"demo: incidentops github {command} failed")


def _new_bot_comments(fake: FakeGitHub, number: int, seen: set[int]) -> None:
    repo = fake.repo(REPOSITORY)
    for cid in repo.issues[number].comments:
        comment = repo.comments[cid]
        if cid not in seen and comment.user.endswith("[bot]"):
            _show(comment.user, comment.body)
        seen.add(cid)


def _follow_through(fake: FakeGitHub, root: Path, tmp: Path) -> None:
    """The postmortem pull request /resolve opened, then the daily rollup issue."""
    fake_repo = fake.repo(REPOSITORY)
    pull = next(iter(fake_repo.pulls.values()), None)
    if pull is not None:
        request = fake_repo.issues[pull.number]
        print(f"\nThe postmortem pull request /resolve opened: #{pull.number} {request.title!r}")
        print(f"  {pull.head} -> {pull.base} · labels {', '.join(request.labels)}")
        print(f"  reviewers requested: {', '.join(pull.requested_reviewers)}")
        _show("github-actions[bot] (pull request description)", request.body or "")
        files = _git(tmp / "origin.git", "show", "--stat", "--format=%s", pull.head)
        print(textwrap.indent(files, "  "))
    rollup_event = {"schedule": "23 7 * * *", "repository": {"full_name": REPOSITORY}}
    _step(fake, root, tmp, "rollup", rollup_event, "schedule", "13:00")
    rollup = next(i for i in fake_repo.issues.values() if "action-items" in i.labels)
    print(f"\nThe daily rollup keeps one issue: #{rollup.number} {rollup.title!r}")
    _show("github-actions[bot] (issue description)", rollup.body or "")


def story() -> None:
    with (
        tempfile.TemporaryDirectory(prefix="incidentops-demo-github-") as temporary,
        fake_github() as fake,
    ):
        tmp = Path(temporary)
        root = tmp / "repo"
        root.mkdir()
        for part in PARTS:
            source = REPO / part
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, root / part)
        os.environ.update(
            {
                "GIT_AUTHOR_NAME": "Demo",
                "GIT_AUTHOR_EMAIL": "demo@example.com",
                "GIT_COMMITTER_NAME": "Demo",
                "GIT_COMMITTER_EMAIL": "demo@example.com",
            }
        )
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "Sample repository")
        _git(tmp, "init", "-q", "--bare", "-b", "main", "origin.git")
        _git(root, "remote", "add", "origin", str(tmp / "origin.git"))
        _git(root, "push", "-q", "-u", "origin", "main")
        fake.add_repo(REPOSITORY)
        for login, role in (
            ("twhitaker", "write"),
            ("hschmidt", "write"),
            ("praman", "admin"),
            ("drive-by", "read"),
        ):
            fake.set_permission(login, role, REPOSITORY)
        fake_repo = fake.repo(REPOSITORY)
        title = "[Incident]: Checkout API returning 500s"
        issue = fake.add_issue(
            REPOSITORY, title, FORM, user="twhitaker", labels=["declare-incident"]
        )
        print(f'twhitaker opens the "Declare incident" form: #{issue.number} "{title}"')
        print(
            "  service checkout-api · severity: Decide from impact · partial outage · 30% of users"
        )
        event = json.loads((REPO / "tests/fixtures/github-webhooks/issues.opened.json").read_text())
        event["issue"] = fake.issue_json(fake_repo, issue)
        event["repository"]["full_name"] = REPOSITORY
        event["sender"] = event["issue"]["user"]
        seen: set[int] = set()
        _step(fake, root, tmp, "declare", event, "issues", "12:00")
        _new_bot_comments(fake, issue.number, seen)
        base = json.loads(
            (REPO / "tests/fixtures/github-webhooks/issue_comment.created.json").read_text()
        )
        for clock, login, body in CONVERSATION:
            comment = fake.add_comment(REPOSITORY, issue.number, body, user=login)
            seen.add(comment.id)
            print(f"\n  {login} commented:")
            print(textwrap.indent(body, "  │ ", lambda _: True))
            event = dict(base)
            event["issue"] = fake.issue_json(fake_repo, fake_repo.issues[issue.number])
            event["comment"] = fake.comment_json(fake_repo, comment)
            event["comment"]["created_at"] = f"2026-11-23T{clock}:00Z"
            event["repository"] = dict(base["repository"], full_name=REPOSITORY)
            event["sender"] = event["comment"]["user"]
            _step(fake, root, tmp, "command", event, "issue_comment", clock)
            _new_bot_comments(fake, issue.number, seen)
        _follow_through(fake, root, tmp)
        final = fake_repo.issues[issue.number]
        print(f"\nThe issue now: #{final.number} {final.title!r}, labels {', '.join(final.labels)}")
        writes = [c for c in fake.calls if c[0] != "GET"]
        print(f"GitHub API: {len(fake.calls)} requests in all, {len(writes)} of them writes")
        print("$ git log --format='%h %an: %s' origin/main  (committer: github-actions[bot])")
        print(_git(tmp / "origin.git", "log", "--format=%h %an: %s", "-9", "main"))


if __name__ == "__main__":
    story()
