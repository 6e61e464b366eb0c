"""Benchmark error budgets: 50 services, 10,000 incidents over five years.

In one run, in-process:

* ``slo.budget.budgets`` for every service at the end of the five years, each over a rolling
  366-day window (the longest the engine takes, so the most incidents fall inside), with the
  1 h / 6 h / 3 d burn rates (target: under 1 s);
* the same charged downtime by a naive per-minute scan, what one would write by hand: an
  array of minutes per service, each incident marking the minutes it covers with its weight
  (the heaviest kept), then summed; the two must agree to the second, and the ratio is printed.

Usage: .venv/bin/python bench/slo.py [--incidents N] [--services N]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from incidentops.slo.budget import budgets, intervals
from incidentops.slo.model import SLO, Window

START = datetime(2022, 1, 1, tzinfo=UTC)
END = datetime(2026, 12, 31, tzinfo=UTC)
SEVERITIES = (("SEV1", 0.05), ("SEV2", 0.2), ("SEV3", 0.45), ("SEV4", 0.3))


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(count: int, services: list[str], seed: int = 11) -> list[dict[str, object]]:
    rng = random.Random(seed)
    span = int((END - START).total_seconds() // 60)
    found = []
    for number in range(count):
        start = START + timedelta(minutes=rng.randrange(span))
        mitigated = start + timedelta(minutes=int(rng.expovariate(1 / 45)) + 1)
        resolved = mitigated + timedelta(minutes=rng.randint(0, 240))
        severity = rng.choices([s for s, _ in SEVERITIES], [w for _, w in SEVERITIES])[0]
        found.append(
            {
                "id": f"INC-{start.year}-{number:05d}",
                "severity": severity,
                "status": "closed",
                "services": rng.sample(services, rng.choice([1, 1, 1, 2, 3])),
                "started_at": stamp(start),
                "declared_at": stamp(start),
                "mitigated_at": stamp(mitigated),
                "resolved_at": stamp(resolved),
            }
        )
    return found


def naive(slo: SLO, incidents: list[dict[str, object]], at: datetime) -> float:
    """Weighted downtime in seconds by marking every minute (intervals are whole minutes)."""
    start, end, _ = slo.window.bounds(at)
    minutes = [0.0] * int((end - start).total_seconds() // 60)
    for item in intervals(slo, incidents, at):
        first = max(0, int((item.start - start).total_seconds() // 60))
        last = min(len(minutes), int((item.end - start).total_seconds() // 60))
        for minute in range(first, last):
            minutes[minute] = max(minutes[minute], item.weight)
    return sum(minutes) * 60


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=10_000)
    parser.add_argument("--services", type=int, default=50)
    args = parser.parse_args()
    services = [f"service-{n:02d}" for n in range(args.services)]
    incidents = generate(args.incidents, services)
    slos = [SLO(name, 0.999, Window("366d", rolling=True)) for name in services]

    runs = []
    for _ in range(5):
        began = time.perf_counter()
        result = budgets(slos, incidents, END)
        runs.append(time.perf_counter() - began)
    fast = sorted(runs)[len(runs) // 2]

    began = time.perf_counter()
    by_minute = [naive(slo, incidents, END) for slo in slos]
    slow = time.perf_counter() - began

    for item, seconds in zip(result, by_minute, strict=True):
        assert abs(item.spent_minutes * 60 - seconds) < 1e-6, (item.slo.service, seconds)
    spent = sum(b.spent_minutes for b in result)
    print(
        f"{args.services} services, {args.incidents:,} incidents {START:%Y}-{END:%Y}, "
        f"rolling 366-day windows at {stamp(END)}; {spent:,.1f} weighted minutes charged"
    )
    print(f"{'measurement':<46}{'time':>10}")
    verdict = "ok" if fast < 1.0 else "MISSED"
    print(f"{'budgets + burn rates (median of 5)':<46}{fast:>9.3f}s   target < 1 s: {verdict}")
    print(f"{'naive per-minute scan (same charge)':<46}{slow:>9.3f}s")
    print(f"ratio: {fast / slow:.3f}x the per-minute scan ({slow / fast:.0f} times faster)")


if __name__ == "__main__":
    main()
