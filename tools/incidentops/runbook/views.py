"""A runbook's steps and a run's plan as people and programs read them."""

from __future__ import annotations

from typing import Any

from incidentops.runbook.steps import Runbook, Step


def steps_document(book: Runbook) -> dict[str, Any]:
    """``runbook steps --format json`` (versioned)."""
    rows = [
        {
            "section": s.section,
            "number": s.number,
            "name": s.name if s.runnable else None,
            "title": s.title,
            "language": s.language,
            "line": s.line,
            "runnable": s.runnable,
            "expected": s.expected,
            "excluded_from_run_all": s.annotations.exclude_from_run_all,
        }
        for s in book.steps
    ]
    return {"version": 1, "runbook": book.path, "steps": rows}


def steps_text(book: Runbook) -> str:
    lines = [f"{book.path}: {book.title}"]
    for s in book.steps:
        mark = s.name if s.runnable else f"(shown: {s.language or 'no language'})"
        lines.append(f"  {s.label():<16} {mark:<28} line {s.line:<5} {s.title[:80]}")
    return "\n".join(lines) + "\n"


def plan_text(
    book: Runbook,
    planned: list[Step],
    values: dict[str, str],
    interpreters: dict[str, str],
    incident: str | None,
) -> str:
    """``runbook run --dry-run``: the steps, interpreters, parameters, where it is recorded."""
    lines = [f"Plan for {book.path} ({book.title}); nothing is run or recorded (--dry-run)"]
    for name, value in values.items():
        lines.append(
            f"  parameter {name}={value!r} (an environment variable, never in the command)"
        )
    for step in planned:
        if step.runnable:
            lines.append(f"  {step.label():<16} {step.name:<28} {interpreters[step.language]}")
        else:
            lines.append(f"  {step.label():<16} shown only ({step.language or 'no language'})")
    where = f"{incident}'s timeline, one commit per step" if incident else "nowhere (no --incident)"
    lines.append(f"  recorded on: {where}")
    return "\n".join(lines) + "\n"
