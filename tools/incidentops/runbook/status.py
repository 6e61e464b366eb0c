"""Which steps of which runbooks were tried for an incident, read back from its timeline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tried:
    at: str
    path: str
    section: str
    step: str
    outcome: str
    exit_code: int | None
    seconds: float | None
    actor: str | None
    result: str | None


def tried(incident: dict[str, Any]) -> list[Tried]:
    found = []
    for event in incident.get("timeline") or ():
        step = event.get("runbook") if isinstance(event, dict) else None
        if not isinstance(step, dict):
            continue
        found.append(
            Tried(
                str(event.get("at")),
                str(step.get("path")),
                str(step.get("section")),
                str(step.get("step")),
                str(step.get("outcome")),
                step.get("exit_code") if type(step.get("exit_code")) is int else None,
                float(step["seconds"]) if type(step.get("seconds")) in (int, float) else None,
                event.get("actor"),
                event.get("result"),
            )
        )
    return found


def by_runbook(incident: dict[str, Any]) -> dict[str, list[Tried]]:
    """Runbook path -> each step as it was last tried, in the order of those last tries."""
    result: dict[str, dict[str, Tried]] = {}
    for item in tried(incident):
        steps = result.setdefault(item.path, {})
        steps.pop(item.step, None)
        steps[item.step] = item
    return {path: list(steps.values()) for path, steps in result.items()}


def text(incident: dict[str, Any]) -> str:
    books = by_runbook(incident)
    if not books:
        return f"{incident.get('id')}: no runbook step has been recorded\n"
    lines = []
    for path, steps in books.items():
        lines.append(f"{path}")
        for item in steps:
            detail = f"exit {item.exit_code}" if item.exit_code is not None else item.outcome
            took = f", {item.seconds:g} s" if item.seconds is not None else ""
            who = f" by {item.actor}" if item.actor else ""
            lines.append(
                f"  {item.section:<12} {item.step:<28} {item.outcome:<11} ({detail}{took}) "
                f"{item.at}{who}"
            )
    return "\n".join(lines) + "\n"


def exhausted(incident: dict[str, Any], path: str, remediation: list[str]) -> bool:
    """Every Remediation step of the runbook at ``path`` tried (not skipped) and the incident
    still investigating or identified: time to escalate."""
    if incident.get("status") not in ("investigating", "identified") or not remediation:
        return False
    tried = {t.step for t in by_runbook(incident).get(path, ()) if t.outcome != "skipped"}
    return set(remediation) <= tried
