#!/usr/bin/env python3
# ruff: noqa: E501, PLR0915
# (one long main() that reads top to bottom, like bench/validate.py)
"""Benchmark the one-incident commands (and ``metrics``) on a 10,000-incident repository.

The requirement: in a repository of 10,000 incidents, ``declare``, ``status`` and ``update`` each
take under 300 ms (whole process, median of several runs); they touch one file and must not load
the whole repository. ``metrics`` over all 10,000 takes under 3 seconds.

What it does:

1. Reuses the repository ``bench/validate.py`` generates in ``bench/.work/repo`` when it is
   complete (the expected number of incidents, runbooks and postmortems, the on-call files),
   else generates it with that script's ``generate()`` (``--regenerate`` forces this).
2. Copies it to ``bench/.work/incident-repo`` (without any cache) and makes it a git repository
   with one commit, so the ``--commit`` variants can be timed too.
3. Times, each as a separate process (median of ``--repeat`` runs, after one untimed warm-up
   run), with ``INCIDENTOPS_NOW=2026-11-23T12:00:00Z`` and ``INCIDENTOPS_ACTOR`` set to a
   generated person: ``--version`` (baseline), ``declare``, ``status`` (each run moves a
   different open incident one step forward: a transition cannot repeat), ``update``,
   ``timeline``, ``show``, the ``--commit`` variants, and ``metrics`` cold (cache removed before
   each run), warm (after a ``validate`` filled ``.incidentops-cache``) and warm with one
   incident changed since (an ``update`` before each run).
4. Checks, once per one-incident command, which repository files the process opens and which
   folders it lists (a Python audit hook in a wrapper process), to show that it does not load
   the whole repository.
5. Prints a table (command, median, min-max, target, verdict, files read); with ``--profile``,
   or for any row over its target, runs that command once more under cProfile and prints the
   top functions by cumulative time (full listing in ``bench/.work/incident-profile-*.txt``).

Run from the repository root with the project's virtualenv::

    .venv/bin/python bench/incident.py                # full size
    .venv/bin/python bench/incident.py --quick        # 2,000 incidents, for development
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import validate as generator
import yaml

ROOT = generator.ROOT
WORK = generator.WORK
SOURCE = generator.REPO  # bench/.work/repo, shared with bench/validate.py
REPO = WORK / "incident-repo"
EXE = generator.VENV_BIN / "incidentops"
PYTHON = generator.VENV_BIN / "python"
NOW_TEXT = generator.NOW_TEXT
CACHE = ".incidentops-cache"

COMMAND_TARGET_S = 0.300
METRICS_TARGET_S = 3.0
OPEN_STATUS = re.compile(r"^status: (investigating|identified|mitigated)\s*$", re.M)
NEXT_STATE = {"investigating": "identified", "identified": "mitigated"}

# Runs the CLI in-process with an audit hook that records which files under the repository are
# opened and which folders are listed; the summary goes to the file named by $BENCH_AUDIT_OUT.
AUDIT_WRAPPER = r"""
import atexit, json, os, sys
root = os.path.realpath(os.getcwd())
opened, listed = set(), set()

def rel(path):
    if isinstance(path, int):
        return None
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    full = os.path.realpath(os.path.join(root, os.fspath(path)))
    if full == root or full.startswith(root + os.sep):
        return os.path.relpath(full, root)
    return None

def hook(event, args):
    if event == "open" and args:
        found = rel(args[0])
        if found is not None:
            opened.add(found)
    elif event in ("os.listdir", "os.scandir") and args:
        found = rel(args[0] if args[0] is not None else ".")
        if found is not None:
            listed.add(found)

@atexit.register
def report():
    with open(os.environ["BENCH_AUDIT_OUT"], "w") as out:
        json.dump({"opened": sorted(opened), "listed": sorted(listed)}, out)

sys.addaudithook(hook)
sys.argv = ["incidentops", *sys.argv[1:]]
from incidentops.cli import main
main()
"""


@dataclass
class Row:
    name: str  # shown in the table
    target: float | None  # seconds; None: for information only
    args: Callable[[], list[str]]  # the command line of the next run (may consume state)
    before: Callable[[], None] = lambda: None  # untimed preparation before each run
    warmup: bool = True
    audit: bool = False  # check which files one run touches
    runs: list[float] = field(default_factory=list)
    failure: str = ""
    touched: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None

    @property
    def verdict(self) -> str:
        if self.failure:
            return "FAILED"
        if self.target is None or self.median is None:
            return "-"
        return "ok" if self.median < self.target else "MISSED"


def complete(repo: Path, n_incidents: int, n_runbooks: int, n_postmortems: int) -> str:
    """Empty when ``repo`` holds a whole generated repository of this size, else why not."""
    for needed in ("incidentops.yaml", "schemas", "oncall/people.yaml", "oncall/services.yaml"):
        if not (repo / needed).exists():
            return f"no {needed}"
    counts = {
        "incidents": (len(list(repo.glob("incidents/*/*.yaml"))), n_incidents),
        "runbooks": (len(list(repo.glob("runbooks/**/*.md"))), n_runbooks),
        "postmortems": (len(list(repo.glob("postmortems/*/*.md"))), n_postmortems),
    }
    for kind, (found, wanted) in counts.items():
        if found != wanted:
            return f"{found:,} {kind}, not {wanted:,}"
    return ""


def git(*args: str) -> None:
    subprocess.run(["git", "-C", str(REPO), *args], check=True, capture_output=True)


def prepare(args: argparse.Namespace, n_inc: int, n_rb: int, n_pm: int) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    why = "--regenerate" if args.regenerate else complete(SOURCE, n_inc, n_rb, n_pm)
    started = time.perf_counter()
    if why:
        print(f"generating {SOURCE.relative_to(ROOT)} ({why}) ...", flush=True)
        counts = generator.generate(SOURCE, n_inc, n_rb, n_pm, args.seed)
        print(
            f"  generated in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
    else:
        print(f"reusing {SOURCE.relative_to(ROOT)} ({n_inc:,} incidents, complete)")
    started = time.perf_counter()
    if REPO.exists():
        shutil.rmtree(REPO)
    shutil.copytree(SOURCE, REPO, ignore=shutil.ignore_patterns(CACHE, ".git"))
    git("init", "-q", "-b", "main")
    git("config", "user.name", "Bench Mark")
    git("config", "user.email", "bench@example.com")
    git("config", "commit.gpgsign", "false")
    git("add", "-A")
    git("commit", "-q", "-m", "generated repository")
    print(
        f"copied to {REPO.relative_to(ROOT)} and committed in {time.perf_counter() - started:.1f} s"
    )


def call(argv: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc


def audit(cmd: list[str], env: dict[str, str]) -> str:
    out = WORK / "incident-audit.json"
    out.unlink(missing_ok=True)
    _, proc = call([str(PYTHON), "-c", AUDIT_WRAPPER, *cmd], {**env, "BENCH_AUDIT_OUT": str(out)})
    if proc.returncode != 0 or not out.exists():
        return f"(audit run failed: exit {proc.returncode})"
    seen = json.loads(out.read_text())
    by_top: dict[str, int] = {}
    for path in seen["opened"]:
        if path.startswith((".git", CACHE)):
            continue
        top = path.split(os.sep, 1)[0] if os.sep in path else path
        by_top[top] = by_top.get(top, 0) + 1
    parts = [f"{k} {v}" for k, v in sorted(by_top.items())]
    listed = [p for p in seen["listed"] if not p.startswith(".git")]
    if listed:
        parts.append("ls " + ",".join(listed[:3]) + ("..." if len(listed) > 3 else ""))
    return "; ".join(parts) or "none"


def profile(row: Row, env: dict[str, str], top: int) -> str:
    """Run the row's command once under cProfile; the top functions by cumulative time."""
    slug = re.sub(r"[^a-z0-9]+", "-", row.name.lower()).strip("-")
    prof = WORK / f"incident-profile-{slug}.prof"
    text_path = WORK / f"incident-profile-{slug}.txt"
    row.before()
    cmd = row.args()
    elapsed, proc = call(
        [str(PYTHON), "-m", "cProfile", "-o", str(prof), "-m", "incidentops", *cmd], env
    )
    if proc.returncode != 0:
        return f"profiling {row.name} failed (exit {proc.returncode}): {proc.stderr.strip()[-500:]}"
    with text_path.open("w") as handle:
        handle.write(f"incidentops {' '.join(cmd)}  ({elapsed * 1000:.0f} ms under cProfile)\n\n")
        for key in ("cumulative", "tottime"):
            stats = pstats.Stats(str(prof), stream=handle)
            stats.sort_stats(key).print_stats(60)
    import io

    buffer = io.StringIO()
    stats = pstats.Stats(str(prof), stream=buffer)
    stats.sort_stats("cumulative").print_stats(top)
    lines = buffer.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    header = f"--- {row.name}: incidentops {' '.join(cmd)} ({elapsed * 1000:.0f} ms under cProfile; full: {text_path.relative_to(ROOT)})"
    return "\n".join(
        [header, *(line.replace(str(ROOT) + "/", "") for line in lines[start:] if line.strip())]
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="2,000 incidents / 200 / 200")
    parser.add_argument("--regenerate", action="store_true", help="regenerate bench/.work/repo")
    parser.add_argument("--seed", type=int, default=generator.SEED)
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per command (default 7)")
    parser.add_argument("--no-commit", action="store_true", help="skip the --commit variants")
    parser.add_argument("--no-metrics", action="store_true", help="skip the metrics rows")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep the inherited PYTHONDONTWRITEBYTECODE (default: cache bytecode in bench/.work/pycache)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile every command (default: only misses)"
    )
    parser.add_argument("--top", type=int, default=25, help="profile lines to print (default 25)")
    args = parser.parse_args()
    n_inc, n_rb, n_pm = (2000, 200, 200) if args.quick else (10_000, 1000, 1000)

    if not EXE.exists():
        print(f"{EXE} not found: create the virtualenv first (make install)", file=sys.stderr)
        return 2
    prepare(args, n_inc, n_rb, n_pm)

    people = yaml.load((REPO / "oncall/people.yaml").read_text(), Loader=yaml.CSafeLoader)
    services = yaml.load((REPO / "oncall/services.yaml").read_text(), Loader=yaml.CSafeLoader)
    actor = people["people"][0]["handle"]
    service_names = [s["name"] for s in services["services"]]
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    env.update({"INCIDENTOPS_NOW": NOW_TEXT, "INCIDENTOPS_ACTOR": actor, "NO_COLOR": "1"})
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    if args.no_bytecode:
        bytecode = (
            f"PYTHONDONTWRITEBYTECODE={env.get('PYTHONDONTWRITEBYTECODE', '')!r} (as inherited)"
        )
    else:
        # an installed tool runs from compiled bytecode; an environment with
        # PYTHONDONTWRITEBYTECODE=1 and no .pyc files recompiles every module in every process.
        # Keep the bytecode under bench/.work (the package and the virtualenv are not touched);
        # each command's untimed warm-up run writes it.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(WORK / "pycache")
        bytecode = f"bytecode cached in {(WORK / 'pycache').relative_to(ROOT)}"

    # open incidents from the generator: a few in each open state, declared hours before "now"
    opened: dict[str, list[str]] = {"investigating": [], "identified": [], "mitigated": []}
    for path in sorted(REPO.glob("incidents/*/*.yaml")):
        found = OPEN_STATUS.search(path.read_text(encoding="utf-8"))
        if found:
            opened[found.group(1)].append(path.stem)
    print(
        f"actor {actor}; open incidents: " + ", ".join(f"{len(v)} {k}" for k, v in opened.items())
    )
    shared = (opened["mitigated"] or opened["identified"] or opened["investigating"])[-1]
    for ids in opened.values():
        if shared in ids:
            ids.remove(shared)
    # status pool: (id, next state); each is moved once
    movable = [(i, NEXT_STATE[s]) for s in ("investigating", "identified") for i in opened[s]]
    needed = (
        2 * (args.repeat + 2) + 2
    )  # timed + warm-up + audit + profile, with and without --commit
    counter = {"declare": 0, "update": 0, "timeline": 0}

    def declare_args(extra: tuple[str, ...] = ()) -> list[str]:
        counter["declare"] += 1
        n = counter["declare"]
        return [
            "declare",
            "--title",
            f"benchmark incident {n}: elevated error rate",
            "--severity",
            "SEV3",
            "--service",
            service_names[n % len(service_names)],
            *extra,
        ]

    while len(movable) < needed:  # top up with fresh declarations (untimed)
        _, proc = call([str(EXE), *declare_args()], env)
        ident = re.search(r"INC-\d{4}-\d{4,}", proc.stdout + proc.stderr)
        if proc.returncode != 0 or ident is None:
            print(f"declare failed: {proc.stdout}{proc.stderr}", file=sys.stderr)
            return 1
        movable.append((ident.group(0), "identified"))
    print(f"status pool: {len(movable)} incidents; update/timeline/show on {shared}")

    def status_args(extra: tuple[str, ...] = ()) -> list[str]:
        ident, state = movable.pop(0)
        return ["status", ident, state, *extra]

    def update_args(extra: tuple[str, ...] = ()) -> list[str]:
        counter["update"] += 1
        message = f"Benchmark update {counter['update']}: error rate back under 1%, watching."
        return ["update", shared, "--audience", "internal", "--message", message, *extra]

    def timeline_args(extra: tuple[str, ...] = ()) -> list[str]:
        counter["timeline"] += 1
        text = f"Benchmark note {counter['timeline']}: rolled back the canary."
        return ["timeline", shared, "--kind", "note", "--text", text, *extra]

    def drop_cache() -> None:
        shutil.rmtree(REPO / CACHE, ignore_errors=True)

    def fill_cache() -> None:
        if not (REPO / CACHE).exists():
            run_validate()

    def run_validate() -> None:
        elapsed, proc = call([str(EXE), "validate", "--format", "text"], env)
        last = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"  (validate to fill the cache: {elapsed:.1f} s, exit {proc.returncode}: {last})")

    def touch_one() -> None:
        fill_cache()
        call([str(EXE), *update_args()], env)

    commit = ("--commit",)
    rows = [
        Row("--version (baseline)", None, lambda: ["--version"]),
        Row("declare", COMMAND_TARGET_S, declare_args, audit=True),
        Row("status", COMMAND_TARGET_S, status_args, audit=True),
        Row("update", COMMAND_TARGET_S, update_args, audit=True),
        Row("timeline", None, timeline_args, audit=True),
        Row("show", None, lambda: ["show", shared], audit=True),
    ]
    if not args.no_commit:
        rows += [
            Row("declare --commit", None, lambda: declare_args(commit)),
            Row("status --commit", None, lambda: status_args(commit)),
            Row("update --commit", None, lambda: update_args(commit)),
            Row("timeline --commit", None, lambda: timeline_args(commit)),
        ]
    if not args.no_metrics:
        rows += [
            Row("metrics (cold)", METRICS_TARGET_S, lambda: ["metrics"], before=drop_cache),
            Row("metrics (warm)", METRICS_TARGET_S, lambda: ["metrics"], before=fill_cache),
            Row(
                "metrics (warm, 1 changed)", METRICS_TARGET_S, lambda: ["metrics"], before=touch_one
            ),
        ]

    print(f"timing {len(rows)} commands, median of {args.repeat} (+1 warm-up) ...", flush=True)
    for row in rows:
        if row.name.startswith("metrics (warm"):
            drop_cache()
            run_validate()
        for n in range(args.repeat + int(row.warmup)):
            row.before()
            cmd = row.args()
            elapsed, proc = call([str(EXE), *cmd], env)
            if proc.returncode != 0:
                row.failure = f"exit {proc.returncode}: incidentops {' '.join(cmd)}\n{proc.stdout[-800:]}{proc.stderr[-1500:]}"
                break
            if n >= int(row.warmup):
                row.runs.append(elapsed)
        if row.audit and not row.failure:
            row.touched = audit(row.args(), env)
        median = row.median
        shown = f"{median * 1000:.0f} ms" if median is not None else "failed"
        print(
            f"  {row.name}: {shown}  [{', '.join(f'{r * 1000:.0f}' for r in row.runs)}]", flush=True
        )

    print()
    print(
        f"{REPO.relative_to(ROOT)}: {n_inc:,} incidents; whole process, median of {args.repeat}; "
        f"INCIDENTOPS_NOW={NOW_TEXT}; {os.cpu_count()} cores; {bytecode}"
    )
    header = f"{'command':<27} {'median':>9} {'min-max':>15} {'target':>9}  {'verdict':<7}  files read (audit)"
    print(header)
    print("-" * len(header))
    for row in rows:
        if row.runs:
            low, high = min(row.runs), max(row.runs)
            spread = f"{low * 1000:.0f}-{high * 1000:.0f} ms"
            median_text = f"{row.median * 1000:.0f} ms"
        else:
            spread, median_text = "", "-"
        target = f"< {row.target * 1000:.0f} ms" if row.target is not None else "-"
        print(
            f"{row.name:<27} {median_text:>9} {spread:>15} {target:>9}  {row.verdict:<7}  {row.touched}"
        )
    failures = [row for row in rows if row.failure]
    for row in failures:
        print(f"\n{row.name} FAILED: {row.failure}", file=sys.stderr)

    to_profile = [
        row for row in rows if not row.failure and (args.profile or row.verdict == "MISSED")
    ]
    for row in to_profile:
        if row.name.startswith("metrics (warm"):
            fill_cache()
        print()
        print(profile(row, env, args.top))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
