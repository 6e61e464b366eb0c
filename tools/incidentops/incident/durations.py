"""The timings of one incident, from its lifecycle timestamps (pure): MTTD, MTTA, MTTR and the
time spent in each status, as ``metrics`` defines them (see its docstring), and when the
timeline says the cause was identified (there is no ``identified_at`` field)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

_ARROW = re.compile(r"(?:->|→)\s*([A-Za-z-]+)")
_STATUS_WORD = re.compile(r"\bstatus\b\s*:?\s*([A-Za-z-]+)", re.IGNORECASE)


def aware_time(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    return None


def as_utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _new_state(text: str) -> str | None:
    """The state a status event's text moves to: ``"Status a -> b"`` gives b, ``"Status: b"``
    gives b, ``"Status: regressed to b"`` gives b, ``"Status: reopened"`` gives investigating."""
    arrow = _ARROW.search(text)
    if arrow:
        return arrow.group(1).lower()
    match = _STATUS_WORD.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    if word == "regressed":
        rest = re.search(r"regressed\s+to\s+([A-Za-z-]+)", text, re.IGNORECASE)
        return rest.group(1).lower() if rest else None
    return "investigating" if word == "reopened" else word


def identified_at(timeline: Any) -> str | None:
    """When the timeline says the cause was identified (for the per-file summaries)."""
    moment = _identified_at(timeline)
    return moment.isoformat() if moment else None


def _identified_at(timeline: Any) -> datetime | None:
    if not isinstance(timeline, list):
        return None
    for event in timeline:
        if (
            isinstance(event, dict)
            and event.get("kind") == "status"
            and isinstance(event.get("text"), str)
            and "identified" in event["text"].lower()
            and _new_state(event["text"]) == "identified"
        ):
            moment = aware_time(event.get("at"))
            if moment is not None:
                return moment
    return None


def _diff(end: datetime | None, start: datetime | None) -> float | None:
    if end is None or start is None:
        return None
    seconds = (end - start).total_seconds()
    return seconds if seconds >= 0 else None


def incident_durations(data: dict[str, Any]) -> list[tuple[str, float]]:
    """(metric, seconds) for a non-cancelled incident: RESPONSE metrics and PHASES times."""
    started = aware_time(data.get("started_at"))
    detected = aware_time(data.get("detected_at"))
    acknowledged = aware_time(data.get("acknowledged_at"))
    resolved = aware_time(data.get("resolved_at"))
    out: list[tuple[str, float]] = []
    for name, value in (
        ("mttd", _diff(detected, started)),
        ("mtta", _diff(acknowledged, detected)),
        ("mttr", _diff(resolved, started)),
    ):
        if value is not None:
            out.append((name, value))
    milestones = (
        ("investigating", aware_time(data.get("declared_at"))),
        (
            "identified",
            aware_time(data["identified_at"])
            if "identified_at" in data
            else _identified_at(data.get("timeline")),
        ),
        ("mitigated", aware_time(data.get("mitigated_at"))),
        ("resolved", resolved),
        ("closed", aware_time(data.get("closed_at"))),
    )
    present = [(phase, moment) for phase, moment in milestones if moment is not None]
    for (phase, start), (_, end) in pairwise(present):
        value = _diff(end, start)
        if value is not None:
            out.append((phase, value))
    return out
