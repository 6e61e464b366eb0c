#!/usr/bin/env python3
"""What notifying costs an on-call engineer, and what the scheduled flush costs a big repository.

1. An internal update (`incidentops update ... --push`, the real console script, a bare
   `origin`) with no target, with each of three targets alone (Slack through slack_sdk, a
   signed webhook, a Teams Workflows card), and with all three, every fake answering after an
   injected latency (``--latency``, default 300 ms: a slow day for a chat API). Sends run
   concurrently, so three targets should cost about one target's time, not the sum; the
   sequential sum is what a tool that sends one after another costs, measured in the same run.
2. `incidentops notify flush` every 15 minutes on a repository of 5,000 incidents, each with
   its deliveries file, nothing pending: the cost of a quiet scheduled run, against parsing
   every deliveries file (what a flush that reads everything would do), measured in the
   same run.

    .venv/bin/python bench/notify.py            # 5,000 incidents in part 2
    .venv/bin/python bench/notify.py --quick    # 1,000
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).parent))
import validate as generator

from fakehttp import Answer, FakeHTTP, Request, route
from fakeslack import FakeSlack

ROOT = generator.ROOT
WORK = generator.WORK / "notify"
SCRIPT = Path(sys.executable).parent / "incidentops"
TOKEN = "xoxb-bench-0000-0000"
SECRET = "whsec_YmVuY2gtc2VjcmV0LWJlbmNoLXNlY3JldA=="
NOW = "2026-11-23T12:00:00Z"


class Receiver(FakeHTTP):
    """A webhook or Teams Workflows endpoint: accepts every post."""

    @route("POST", r"/hook")
    def hook(self, request: Request) -> Answer:
        return 202, None


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def environment(now: str = NOW) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode
    env.update(
        {
            "INCIDENTOPS_NOW": now,
            "SLACK_BOT_TOKEN": TOKEN,
            "WEBHOOK_SECRET": SECRET,
            "GIT_AUTHOR_NAME": "bench",
            "GIT_AUTHOR_EMAIL": "bench@example.com",
            "GIT_COMMITTER_NAME": "bench",
            "GIT_COMMITTER_EMAIL": "bench@example.com",
        }
    )
    return env


def cli(repo: Path, *args: str, now: str = NOW) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        [str(SCRIPT), *args],
        cwd=repo,
        env=environment(now),
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"incidentops {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout + done.stderr


def sample_repo(where: Path, targets: list[dict[str, Any]]) -> Path:
    if where.exists():
        shutil.rmtree(where)
    repo = where / "repo"
    repo.mkdir(parents=True)
    for part in ("incidentops.yaml", "incidents", "postmortems", "runbooks", "oncall", "schemas"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, repo / part)
    if targets:
        with (repo / "incidentops.yaml").open("a", encoding="utf-8") as config:
            config.write(yaml.safe_dump({"notify": {"targets": targets}}, sort_keys=False))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=b", "-c", "user.email=b@e", "commit", "-q", "-m", "sample")
    git(where, "init", "-q", "--bare", "-b", "main", "origin.git")
    git(repo, "remote", "add", "origin", str(where / "origin.git"))
    git(repo, "push", "-q", "-u", "origin", "main")
    return repo


def one_update(name: str, targets: list[dict[str, Any]], rounds: int) -> float:
    """Median seconds of an internal update with ``targets`` (each run on a fresh incident)."""
    times = []
    for number in range(rounds):
        repo = sample_repo(WORK / f"{name}-{number}", targets)
        cli(
            repo, "declare", "--title", "Checkout errors", "--severity", "SEV2",
            "--service", "checkout-api", "--actor", "tom", "--push",
        )  # fmt: skip
        seconds, output = cli(
            repo, "update", "INC-2026-0010", "--audience", "internal",
            "--message", "Rolling back v412.", "--actor", "tom", "--push",
            now="2026-11-23T12:05:00Z",
        )  # fmt: skip
        if targets and "failed" in output:
            raise SystemExit(f"a send failed in the benchmark:\n{output}")
        times.append(seconds)
    return sorted(times)[len(times) // 2]


def latency_part(latency: float, rounds: int) -> None:
    with FakeSlack(TOKEN) as slack, Receiver() as hooks, Receiver() as teams:
        slack.add_channel("incidents")
        for fake in (slack, hooks, teams):
            fake.delay = latency
        os.environ["TEAMS_WEBHOOK_URL"] = teams.url + "/hook"
        target = {
            "slack": {
                "name": "slack",
                "type": "slack",
                "token_env": "SLACK_BOT_TOKEN",
                "api_url": slack.api_url,
                "announce_channel": "incidents",
            },
            "webhook": {
                "name": "hook",
                "type": "webhook",
                "url": hooks.url + "/hook",
                "secret_env": "WEBHOOK_SECRET",
            },
            "teams": {"name": "teams", "type": "teams", "url_env": "TEAMS_WEBHOOK_URL"},
        }
        base = one_update("none", [], rounds)
        alone = {name: one_update(name, [t], rounds) - base for name, t in target.items()}
        together = one_update("all", list(target.values()), rounds) - base
    sequential = sum(alone.values())
    print(f"\n1. `incidentops update --push`, each service answering after {latency * 1000:.0f} ms")
    print(f"   no target                      {base:6.2f} s")
    for name, extra in alone.items():
        print(f"   + {name:<8} alone               {extra:+6.2f} s")
    print(f"   + all three, concurrently      {together:+6.2f} s")
    print(f"   + all three, one after another {sequential:+6.2f} s (sum of the three alone)")
    print(f"   concurrent / sequential: {together / sequential:.2f}x")


def flush_part(incidents: int) -> None:
    with Receiver() as hooks:
        _flush_part(incidents, hooks.url + "/hook")


def _flush_part(incidents: int, url: str) -> None:
    where = WORK / "big"
    if where.exists():
        shutil.rmtree(where)
    repo = where / "repo"
    print(f"\n2. generating {incidents:,} incidents, each with a deliveries file ...", flush=True)
    generator.generate(repo, incidents, 100, incidents // 10, seed=7)
    config = repo / "incidentops.yaml"
    with config.open("a", encoding="utf-8") as out:
        out.write(
            yaml.safe_dump(
                {
                    "notify": {
                        "targets": [
                            {
                                "name": "hook",
                                "type": "webhook",
                                "url": url,
                                "secret_env": "WEBHOOK_SECRET",
                            }
                        ]
                    }
                }
            )
        )
    files = _deliveries(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=b", "-c", "user.email=b@e", "commit", "-q", "-m", "bench")
    cli(repo, "validate")  # warm the facts cache, as a scheduled run's checkout would not
    # the first run sends what the open incidents are due (overdue updates); the next, a
    # minute later, is the quiet run every 15 minutes mostly is
    first, sent = cli(repo, "notify", "flush", "--commit", now="2026-11-23T12:00:00Z")
    warm, output = cli(repo, "notify", "flush", "--commit", now="2026-11-23T12:01:00Z")
    start = time.perf_counter()
    for path in files:
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    parse_all = time.perf_counter() - start
    print(f"   `notify flush`, nothing pending ({len(files):,} deliveries files): {warm:.2f} s")
    print(
        f"   (the run before it: {first:.2f} s, {sent.strip().splitlines()[-1]}; "
        f"this one: {output.strip().splitlines()[-1]})"
    )
    print(f"   parsing every deliveries file alone, in process: {parse_all:.2f} s")
    print(f"   flush / parse-everything: {warm / parse_all:.2f}x")


def _deliveries(repo: Path) -> list[Path]:
    """A deliveries file per incident, everything sent (events dated at declaration)."""
    written = []
    for path in sorted((repo / "incidents").glob("*/*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        ident, at = data["id"], str(data.get("declared_at"))
        events = [
            {"id": 1, "kind": "declared", "at": at, "by": "bench"},
            {"id": 2, "kind": "update", "at": at, "audience": "internal", "update": 0},
        ]
        body = {"incident": ident, "events": events, "targets": {"hook": {"sent": [1, 2]}}}
        target = repo / "deliveries" / ident[4:8] / f"{ident}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
        written.append(target)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--latency", type=float, default=0.3)
    args = parser.parse_args()
    latency_part(args.latency, 1 if args.quick else 3)
    flush_part(1000 if args.quick else 5000)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
