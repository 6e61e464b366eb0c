"""Benchmark the on-call engine on a large schedule.

A schedule with 3 layers, 50 members, 500 overrides and 20 versions, in Europe/London (so
daylight saving applies). Times, in one run:

* ``who()`` for an instant one week after the anchor and ten years after it (target: the
  second within 2x of the first), in-process, median of many calls;
* ``incidentops oncall at`` for both instants, whole process;
* a 365-day preview (target < 1 s), in-process and as ``incidentops oncall preview``;
* ``incidentops validate`` of a repository holding only this on-call folder, with and without
  the 28-day gap check (target: the check adds < 1 s).

Usage: python bench/oncall.py
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / ".work" / "oncall"
SCRIPT = Path(sys.executable).parent / "incidentops"
ANCHOR = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def schedule_data(seed: int = 7) -> dict[str, object]:
    rng = random.Random(seed)
    people = [f"p{n:02d}" for n in range(50)]
    layers = []
    for number, (kind, restriction) in enumerate(
        [
            (
                "weekly",
                [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:00", "end": "20:00"}],
            ),
            (
                "daily",
                [{"days": ["mon", "tue", "wed", "thu", "fri"], "start": "20:00", "end": "08:00"}],
            ),
            ("weekly", []),
        ]
    ):
        members = people[number * 15 : number * 15 + 20]
        versions = []
        moment = ANCHOR
        for _ in range(7 if number < 2 else 6):  # 20 versions in all
            moment += timedelta(days=rng.randint(60, 200))
            rng.shuffle(members)
            versions.append(
                {
                    "effective_from": moment.isoformat().replace("+00:00", "Z"),
                    "members": list(members),
                }
            )
        layer: dict[str, object] = {
            "id": f"layer{number}",
            "members": list(members),
            "rotation": {"type": kind, "every": 1, "handoff": "2026-01-05T09:00"},
            "versions": versions,
        }
        if restriction:
            layer["restrictions"] = restriction
        layers.append(layer)
    overrides = []
    for _ in range(500):
        start = ANCHOR + timedelta(hours=rng.randint(0, 24 * 3650))
        end = start + timedelta(hours=rng.randint(2, 72))
        person = rng.choice(people)
        overrides.append(
            {
                "start": start.isoformat().replace("+00:00", "Z"),
                "end": end.isoformat().replace("+00:00", "Z"),
                "replace": person,
                "with": rng.choice(people),
            }
        )
    overrides.sort(key=lambda o: o["start"])
    # the same person may be replaced twice at once in random data: keep them apart
    kept, last_end = [], {}
    for item in overrides:
        if item["start"] >= last_end.get(item["replace"], ""):
            kept.append(item)
            last_end[item["replace"]] = item["end"]
    return {
        "id": "big",
        "name": "Big",
        "timezone": "Europe/London",
        "layers": layers,
        "overrides": kept,
    }


def write_repo() -> Path:
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "oncall" / "schedules").mkdir(parents=True)
    (WORK / "oncall" / "escalation").mkdir(parents=True)
    shutil.copytree(REPO / "schemas", WORK / "schemas")
    data = schedule_data()
    people = {m for layer in data["layers"] for m in layer["members"]}  # type: ignore[index]
    people |= {f"p{n:02d}" for n in range(50)}
    (WORK / "oncall" / "people.yaml").write_text(
        "# yaml-language-server: $schema=../schemas/people.schema.json\n"
        + json.dumps(
            {
                "people": [
                    {"handle": p, "name": p.upper(), "timezone": "Europe/London"}
                    for p in sorted(people)
                ]
            }
        ),
        encoding="utf-8",
    )
    (WORK / "oncall" / "schedules" / "big.yaml").write_text(
        "# yaml-language-server: $schema=../../schemas/schedule.schema.json\n"
        + json.dumps(data, indent=1),
        encoding="utf-8",
    )
    (WORK / "oncall" / "services.yaml").write_text(
        "# yaml-language-server: $schema=../schemas/services.schema.json\n"
        + json.dumps(
            {
                "services": [
                    {"name": "api", "team": "t", "tier": 1, "schedule": "big", "escalation": "big"}
                ]
            }
        ),
        encoding="utf-8",
    )
    (WORK / "oncall" / "escalation" / "big.yaml").write_text(
        "# yaml-language-server: $schema=../../schemas/escalation.schema.json\n"
        + json.dumps({"id": "big", "steps": [{"after": "0m", "notify": ["schedule:big"]}]}),
        encoding="utf-8",
    )
    (WORK / "incidentops.yaml").write_text(
        "# yaml-language-server: $schema=schemas/config.schema.json\nversion: 1\n", encoding="utf-8"
    )
    return WORK


def timed(*args: str, env: dict[str, str] | None = None, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [str(SCRIPT), *args],
            cwd=WORK,
            env={**os.environ, **(env or {})},
            check=False,
            capture_output=True,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    sys.path.insert(0, str(REPO / "tools"))
    from incidentops.oncall.engine import segments, who
    from incidentops.oncall.model import schedule_from_data

    write_repo()
    schedule = schedule_from_data(schedule_data())
    print(
        f"schedule: {len(schedule.layers)} layers, "
        f"{sum(len(layer.versions) - 1 for layer in schedule.layers)} versions, "
        f"{len(schedule.overrides)} overrides, 50 members, {schedule.timezone}"
    )
    rows = []
    near, far = ANCHOR + timedelta(weeks=1, hours=3), ANCHOR + timedelta(days=3652, hours=3)
    calls = 2000
    per_call = {}
    for label, instant in (("1 week", near), ("10 years", far)):
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(calls):
                who(schedule, instant)
            samples.append((time.perf_counter() - start) / calls)
        per_call[label] = statistics.median(samples)
    ratio = per_call["10 years"] / per_call["1 week"]
    rows.append(("who() at anchor + 1 week", f"{per_call['1 week'] * 1e6:.1f} us", ""))
    rows.append(
        (
            "who() at anchor + 10 years",
            f"{per_call['10 years'] * 1e6:.1f} us",
            f"{ratio:.2f}x the 1-week time (target <= 2x) {'ok' if ratio <= 2 else 'MISSED'}",
        )
    )
    cli_near = timed("oncall", "at", near.isoformat(), "--schedule", "big")
    cli_far = timed("oncall", "at", far.isoformat(), "--schedule", "big")
    rows.append(("incidentops oncall at +1 week", f"{cli_near:.3f} s", "whole process"))
    rows.append(
        (
            "incidentops oncall at +10 years",
            f"{cli_far:.3f} s",
            f"{cli_far / cli_near:.2f}x (whole process)",
        )
    )
    start = time.perf_counter()
    parts = segments(schedule, near, near + timedelta(days=365))
    preview = time.perf_counter() - start
    rows.append(
        (
            "365-day preview (engine)",
            f"{preview:.3f} s",
            f"{len(parts)} segments (target < 1 s) {'ok' if preview < 1 else 'MISSED'}",
        )
    )
    cli_preview = timed(
        "oncall",
        "preview",
        "--schedule",
        "big",
        "--days",
        "365",
        "--from",
        near.isoformat(),
        runs=3,
    )
    rows.append(("incidentops oncall preview --days 365", f"{cli_preview:.3f} s", "whole process"))
    now = {"INCIDENTOPS_NOW": near.isoformat()}
    with_gaps = timed("validate", "--no-cache", env=now, runs=3)
    (WORK / "incidentops.yaml").write_text(
        "# yaml-language-server: $schema=schemas/config.schema.json\nversion: 1\n"
        "validate: {rules: {coverage-gap: 'off'}}\n",
        encoding="utf-8",
    )
    without = timed("validate", "--no-cache", env=now, runs=3)
    added = with_gaps - without
    rows.append(("validate oncall/ with 28-day gap check", f"{with_gaps:.3f} s", ""))
    rows.append(
        (
            "validate oncall/ without it",
            f"{without:.3f} s",
            f"the gap check adds {added:.3f} s (target < 1 s) {'ok' if added < 1 else 'MISSED'}",
        )
    )
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>10}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
