"""The incident lifecycle as pure functions: plain incident data in, a Patch (and what to tell
the person) out. No files, no git, no command line: the CLI and the GitHub commands both call
this.

Lifecycle (DESIGN §3)::

    investigating -> identified -> mitigated -> resolved -> closed
    any open state -> cancelled; mitigated -> investigating (regression);
    resolved -> investigating (reopen)

Moving forward may skip states (``investigating -> resolved``). Each transition stamps its
timestamp (``mitigated_at``, ``resolved_at``, ``closed_at``, ``cancelled_at``) and appends a
``status`` timeline event; a reopen clears ``resolved_at`` (the timeline keeps it).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from incidentops.base.config import Config, Severity
from incidentops.base.holdable import people_text, unholdable
from incidentops.base.patch import Patch
from incidentops.base.timeutil import parse_time

OPEN = ("investigating", "identified", "mitigated")
ORDER = ("investigating", "identified", "mitigated", "resolved", "closed")
STAMPS = {
    "mitigated": "mitigated_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
    "cancelled": "cancelled_at",
}
EVENT_KINDS = (
    "alert",
    "declared",
    "status",
    "severity",
    "role",
    "action",
    "finding",
    "communication",
    "note",
)
AUDIENCES = ("internal", "customer", "executive")


class LifecycleError(ValueError):
    """A command that cannot apply; the message is one line for the person who typed it."""


def stamp(moment: datetime) -> str:
    """RFC 3339 in UTC with a Z, to the second: how every timestamp is written."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def allowed(current: str, target: str) -> bool:
    if current == target:
        return False
    if target == "cancelled":
        return current in OPEN
    if current in ("closed", "cancelled"):
        return False
    if target == "investigating":  # a regression or a reopen
        return current in ("mitigated", "resolved")
    if target == "closed":
        return current == "resolved"
    return ORDER.index(target) > ORDER.index(current) and current in OPEN


def next_states(current: str) -> list[str]:
    return [s for s in (*ORDER, "cancelled") if allowed(current, s)]


def severity_of(config: Config, level: str) -> Severity:
    found = config.severity(level.upper())
    if found is None:
        names = ", ".join(f"{s.level}/{'/'.join(s.aliases)}" for s in config.severities)
        raise LifecycleError(f"unknown severity {level!r} (use one of {names})")
    return found


def _started(data: dict[str, Any]) -> datetime | None:
    for key in ("started_at", "detected_at", "declared_at"):
        moment = parse_time(data.get(key))
        if moment is not None:
            return moment
    return None


def check_time(data: dict[str, Any], at: datetime) -> None:
    started = _started(data)
    if started is not None and at < started:
        raise LifecycleError(f"{stamp(at)} is before the incident started ({stamp(started)})")


def timeline_event(
    patch: Patch,
    data: dict[str, Any],
    at: datetime,
    kind: str,
    actor: str | None,
    text: str,
    result: str | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Append a timeline event, or insert it where its time belongs (the timeline is sorted);
    ``extra``: more fields (a runbook step's ``runbook``)."""
    event: dict[str, Any] = {"at": stamp(at), "kind": kind}
    if actor:
        event["actor"] = actor
    event["text"] = text
    if result:
        event["result"] = result
    event.update(extra or {})
    timeline: list[Any] = data["timeline"] if isinstance(data.get("timeline"), list) else []
    moments = [parse_time(e.get("at")) or at for e in timeline]
    index = bisect_right(moments, at)
    if index >= len(timeline):
        patch.append("timeline", value=event)
    else:
        patch.insert("timeline", index=index, value=event)


def clean_text(value: str, what: str) -> str:
    """People's text as stored: CRLF made LF; one line has its runs of white space made one
    space; several lines keep every character but lose white space at both ends. Text holding
    a character no YAML file can hold (NUL, a lone surrogate...) is refused, naming it."""
    reason = unholdable(value)
    if reason:
        raise LifecycleError(f"{what}: {reason}")
    value = people_text(value)
    cleaned = " ".join(value.split()) if "\n" not in value else value.strip()
    if not cleaned:
        raise LifecycleError(f"{what} is empty")
    return cleaned


@dataclass
class Change:
    patch: Patch
    summary: str  # one line, e.g. "INC-2026-0043: status identified"
    notes: list[str]  # extra lines for the person (missing roles, next update due, ...)


def set_status(
    data: dict[str, Any], target: str, at: datetime, actor: str | None, note: str | None = None
) -> Change:
    """Move to ``target``; an empty or absent ``note`` is no note."""
    return _move(data, target, at, actor, clean_text(note, "the note") if note else None)


def _move(
    data: dict[str, Any], target: str, at: datetime, actor: str | None, note: str | None
) -> Change:
    """The transition itself; ``note`` is already people's text as stored (cleaned once)."""
    current = str(data.get("status"))
    if target not in (*ORDER, "cancelled"):
        raise LifecycleError(f"unknown status {target!r} (one of {', '.join(ORDER)}, cancelled)")
    if not allowed(current, target):
        options = ", ".join(next_states(current)) or "none: it is final"
        raise LifecycleError(f"cannot go from {current} to {target} (from {current}: {options})")
    check_time(data, at)
    patch = Patch().set("status", value=target)
    if target in STAMPS:
        patch.set(STAMPS[target], value=stamp(at))
    if current == "resolved" and target == "investigating":
        patch.delete("resolved_at")
    verb = {
        ("mitigated", "investigating"): "regressed to investigating",
        ("resolved", "investigating"): "reopened",
    }.get((current, target), target)
    text = f"Status: {verb}" + (f" — {note}" if note else "")
    timeline_event(patch, data, at, "status", actor, text)
    return Change(patch, f"{data.get('id')}: status {target}", [])


def resolve(data: dict[str, Any], summary: str, at: datetime, actor: str | None) -> Change:
    # the summary is required: an empty one is refused, not dropped as an absent note is
    change = _move(data, "resolved", at, actor, clean_text(summary, "the summary"))
    change.summary = f"{data.get('id')}: resolved"
    return change


def close(
    data: dict[str, Any],
    at: datetime,
    actor: str | None,
    config: Config,
    postmortem_status: str | None,
) -> Change:
    severity = severity_of(config, str(data.get("severity")))
    if severity.postmortem == "required" and postmortem_status != "final":
        have = (
            f"its postmortem is {postmortem_status!r}"
            if postmortem_status
            else "it has no postmortem"
        )
        raise LifecycleError(
            f"{data.get('id')} cannot be closed: {severity.level} requires a final postmortem "
            f"and {have} (incidentops postmortem draft {data.get('id')})"
        )
    return set_status(data, "closed", at, actor)


def cancel(data: dict[str, Any], reason: str, at: datetime, actor: str | None) -> Change:
    return _move(data, "cancelled", at, actor, clean_text(reason, "the reason"))


def link_postmortem(data: dict[str, Any], path: str) -> Change:
    """Point the incident at its postmortem (``postmortem:``), once."""
    current = data.get("postmortem")
    if current and current != path:
        raise LifecycleError(f"{data.get('id')} already has a postmortem: {current}")
    return Change(Patch().set("postmortem", value=path), f"{data.get('id')}: postmortem {path}", [])
