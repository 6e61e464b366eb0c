"""Benchmark `incidentops runbook steps` on a 1,000-line runbook, whole process, and what
alert coverage adds to `validate` with 5,000 alerting rules and 1,000 runbooks.

Generates a runbook of about 1,000 lines (four step sections, 120 steps with prose, expected
output blocks, Runme annotations and SQL blocks shown only) and times, median of 7 runs:

* ``incidentops runbook steps`` (target: under 0.3 s);
* ``incidentops --version``, the floor any command pays for starting Python and click;
* reading the same file with ``grep -c`` (what a person would do to count the fences by
  hand), for scale.

Alert coverage: a repository of 1,000 runbooks (each listing five alerts) and 5,000 alerting
rules in 50 rule files (half with a ``runbook_url``); ``validate`` warm (cache filled, nothing
changed) with ``alerts.rules`` configured and without, median of 5: the difference is what
the five alert rules cost, against the validate budget (warm <= 1 s).

Usage: .venv/bin/python bench/runbook.py
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / ".work" / "runbook"
SCRIPT = Path(sys.executable).parent / "incidentops"


def runbook_text(steps_per_section: int = 30) -> str:
    lines = [
        "---",
        "title: Large drill",
        "services: [checkout-api]",
        "owner: priya",
        "last_reviewed: 2026-11-02",
        "---",
        "",
        "# Large drill",
        "",
        "## Symptoms",
        "",
        "Generated for the benchmark.",
        "",
    ]
    for section in ("Diagnostics", "Remediation", "Verification", "Rollback"):
        lines += [f"## {section}", ""]
        for number in range(1, steps_per_section + 1):
            lines += [f"{number}. Step {number} of {section.lower()}: look at the thing.", ""]
            info = "bash" if number % 3 else f"bash {{ name={section.lower()}-n{number} }}"
            lines += [f"   ```{info}", f"   echo {section}-{number}", "   ```", ""]
            if number % 4 == 0:
                lines += ["   ```text", f"   {section}-{number}", "   ```", ""]
            if number % 5 == 0:
                lines += ["   ```sql", "   SELECT 1;", "   ```", ""]
    lines += ["## Escalation", "", "Page someone.", ""]
    return "\n".join(lines) + "\n"


def median(argv: list[str], cwd: Path, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    (WORK / "runbooks/checkout-api").mkdir(parents=True)
    (WORK / "incidentops.yaml").write_text("{}\n", encoding="utf-8")
    path = WORK / "runbooks/checkout-api/large-drill.md"
    text = runbook_text()
    path.write_text(text, encoding="utf-8")
    listed = subprocess.run(
        [str(SCRIPT), "runbook", "steps", "large-drill", "--format", "json"],
        cwd=WORK,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    steps = listed.count('"runnable": true')
    steps_time = median([str(SCRIPT), "runbook", "steps", "large-drill"], WORK)
    floor = median([str(SCRIPT), "--version"], WORK)
    grep = median(["grep", "-c", "```", str(path)], WORK)
    print(f"runbook of {text.count(chr(10)):,} lines, {steps} runnable steps")
    verdict = "ok" if steps_time < 0.3 else "MISSED"
    print(f"incidentops runbook steps   {steps_time:.3f} s   target < 0.3 s: {verdict}")
    print(
        f"incidentops --version       {floor:.3f} s   (steps = {steps_time / floor:.2f}x the floor)"
    )
    print(f"grep -c '```'               {grep:.3f} s")
    print()
    alerts_bench()


def alert_repo(folder: Path, runbooks: int = 1000, rules: int = 5000) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "runbooks/svc").mkdir(parents=True)
    (folder / "alerts").mkdir()
    for number in range(runbooks):
        names = ", ".join(f"Alert{number * 5 + k:05d}" for k in range(5))
        (folder / f"runbooks/svc/rb-{number:04d}.md").write_text(
            f"---\ntitle: Runbook {number}\nalerts: [{names}]\n---\n\n# Runbook {number}\n",
            encoding="utf-8",
        )
    per_file = rules // 50
    for file_number in range(50):
        lines = ["groups:", f"  - name: group-{file_number}", "    rules:"]
        for k in range(per_file):
            index = file_number * per_file + k
            lines += [f"      - alert: Alert{index:05d}", "        expr: up == 0"]
            lines += ["        labels: {severity: page}"]
            if index % 2:
                url = f"https://runbooks.example.com/svc/rb-{index // 5:04d}"
                lines += ["        annotations:", f"          runbook_url: {url}"]
        (folder / f"alerts/rules-{file_number:02d}.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )


def alerts_bench() -> None:
    folder = WORK.parent / "alerts"
    alert_repo(folder)
    configured = (
        'alerts:\n  rules: ["alerts/*.yaml"]\n'
        '  runbook_url: "https://runbooks.example.com/{path}"\n'
    )
    timings = {}
    for label, config in (("without alerts", "{}\n"), ("with 5,000 alerts", configured)):
        (folder / "incidentops.yaml").write_text(config, encoding="utf-8")
        argv = [str(SCRIPT), "validate"]
        subprocess.run(argv, cwd=folder, check=False, capture_output=True)  # fill the cache
        times = []
        for _ in range(5):
            began = time.perf_counter()
            subprocess.run(argv, cwd=folder, check=False, capture_output=True)
            times.append(time.perf_counter() - began)
        timings[label] = statistics.median(times)
    added = timings["with 5,000 alerts"] - timings["without alerts"]
    print("1,000 runbooks, 5,000 alerting rules in 50 files; validate warm, median of 5")
    for label, seconds in timings.items():
        print(f"  validate {label:<20} {seconds:.3f} s")
    verdict = "ok" if timings["with 5,000 alerts"] <= 1.0 else "MISSED"
    print(f"  alert coverage adds {added:.3f} s (warm validate target <= 1 s: {verdict})")


if __name__ == "__main__":
    main()
