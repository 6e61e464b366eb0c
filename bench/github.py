#!/usr/bin/env python3
# ruff: noqa: E501
"""API budget of the scheduled GitHub jobs on a large repository.

A repository token gets about 1,000 API requests an hour. ``remind`` runs every 15 minutes
and ``rollup`` daily, so what they cost must grow with what changed (open incidents, items
to report), not with the size of the history. This benchmark generates the repository the
issue names — 5,000 incidents (50 open, each with its issue) and about 2,000 action items —
runs each command as a separate process against the fake GitHub API (tests/fakegithub.py,
PyGithub over HTTP on 127.0.0.1), and counts the requests, first when everything is due and
then when nothing changed. It prints them next to what a straightforward implementation costs
(one comment listing per open incident for reminders; a listing of every tracking issue plus
one read per item for the rollup), measured as counts in the same run.

    .venv/bin/python bench/github.py            # 5,000 incidents
    .venv/bin/python bench/github.py --quick    # 1,000 incidents, 20 open
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import validate as generator

from fakegithub import fake_github

ROOT = generator.ROOT
WORK = generator.WORK / "github"
SCRIPT = Path(sys.executable).parent / "incidentops"
REPOSITORY = "acme/incidents"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def run(command: str, repo: Path, fake_url: str, now: str) -> tuple[float, str]:
    event = WORK / "event.json"
    event.write_text(
        json.dumps({"schedule": "*/15 * * * *", "repository": {"full_name": REPOSITORY}})
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(
        {
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_EVENT_NAME": "schedule",
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_API_URL": fake_url,
            "GITHUB_TOKEN": "bench",
            "INCIDENTOPS_NOW": now,
            "INCIDENTOPS_GITHUB_WRITE_INTERVAL": "0",
            "GIT_AUTHOR_NAME": "bench",
            "GIT_AUTHOR_EMAIL": "bench@example.com",
            "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "bench@example.com",
        }
    )
    start = time.perf_counter()
    done = subprocess.run(
        [str(SCRIPT), "github", command],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 2):
        raise SystemExit(f"{command} failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout + done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    incidents, opened, postmortems = (1000, 20, 100) if args.quick else (5000, 50, 500)
    generator.OPEN_INCIDENTS = opened
    repo = WORK / "repo"
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    print(
        f"generating {incidents:,} incidents ({opened} open), {postmortems} postmortems ...",
        flush=True,
    )
    generator.generate(repo, incidents, 100, postmortems, seed=11)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(
        repo,
        "-c",
        "user.name=bench",
        "-c",
        "user.email=b@example.com",
        "commit",
        "-q",
        "-m",
        "bench",
    )
    sys.path.insert(0, str(ROOT / "tools"))
    from incidentops.followup import actions
    from incidentops.validate.index import collect

    _, results, _ = collect(repo, kinds=("incident",))
    infos = [r.facts.info for r in results.values() if r.kind == "incident" and r.facts]
    open_ones = [
        i for i in infos if i.get("status") in ("investigating", "identified", "mitigated")
    ]
    items = actions.from_repository(repo)
    tracked = [i for i in items if i.issue]
    linked = [i for i in open_ones if isinstance(i.get("issue"), int)]
    print(
        f"{len(infos):,} incidents, {len(open_ones)} open ({len(linked)} with an issue); "
        f"{len(items):,} action items ({len(tracked):,} with a tracking issue)"
    )
    shutil.rmtree(repo / ".incidentops-cache", ignore_errors=True)  # a fresh checkout has none

    rows = []
    with fake_github() as fake:
        fake.add_repo(REPOSITORY)
        for info in open_ones:
            if isinstance(info.get("issue"), int):
                fake.add_issue(REPOSITORY, f"incident {info['id']}", "", number=int(info["issue"]))
        for command, now, label in (
            ("remind", "2026-11-23T18:00:00Z", "remind, 6 h after the last updates"),
            ("remind", "2026-11-23T18:00:00Z", "remind again, nothing new due"),
            ("rollup", "2026-11-23T07:00:00Z", "rollup, first run (opens the issue)"),
            ("rollup", "2026-11-23T08:00:00Z", "rollup again, nothing changed"),
            ("rollup", "2026-11-24T07:00:00Z", "rollup next day (ages changed: one edit)"),
        ):
            fake.set_time(now)
            before = len(fake.calls)
            seconds, output = run(command, repo, fake.url, now)
            calls = fake.calls[before:]
            writes = sum(1 for c in calls if c[0] != "GET")
            rows.append(
                (
                    label,
                    len(calls),
                    writes,
                    seconds,
                    output.strip().splitlines()[-2] if output.strip() else "",
                )
            )
    naive_remind = len(open_ones) + 1
    naive_rollup = len(tracked) // 100 + 1 + len([i for i in items if i.open])
    print()
    print(f"{'run':<44} {'requests':>8} {'writes':>7} {'seconds':>8}")
    for label, calls, writes, seconds, _ in rows:
        print(f"{label:<44} {calls:>8} {writes:>7} {seconds:>8.2f}")
    remind_quiet = rows[1][1]
    print()
    print(
        f"remind with nothing new: {remind_quiet} request(s) vs {naive_remind} for one comment listing per open incident "
        f"({remind_quiet / naive_remind:.3f}x); {remind_quiet * 4}/h of the ~1,000/h budget"
    )
    print(
        f"rollup with nothing changed: {rows[3][1]} request(s) vs {naive_rollup} for listing tracking issues and reading each open item's "
        f"({rows[3][1] / naive_rollup:.4f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
