"""Benchmark `incidentops runbook steps` on a 1,000-line runbook, whole process.

Generates a runbook of about 1,000 lines (four step sections, 120 steps with prose, expected
output blocks, Runme annotations and SQL blocks shown only) and times, median of 7 runs:

* ``incidentops runbook steps`` (target: under 0.3 s);
* ``incidentops --version``, the floor any command pays for starting Python and click;
* reading the same file with ``grep -c`` (what a person would do to count the fences by
  hand), for scale.

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


if __name__ == "__main__":
    main()
