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

from incidentops.config import Config, Severity
from incidentops.patch import Patch
from incidentops.timeutil import parse_time

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


def _event(
    patch: Patch,
    data: dict[str, Any],
    at: datetime,
    kind: str,
    actor: str | None,
    text: str,
    result: str | None = None,
) -> None:
    """Append a timeline event, or insert it where its time belongs (the timeline is sorted)."""
    event: dict[str, Any] = {"at": stamp(at), "kind": kind}
    if actor:
        event["actor"] = actor
    event["text"] = text
    if result:
        event["result"] = result
    timeline: list[Any] = data["timeline"] if isinstance(data.get("timeline"), list) else []
    moments = [parse_time(e.get("at")) or at for e in timeline]
    index = bisect_right(moments, at)
    if index >= len(timeline):
        patch.append("timeline", value=event)
    else:
        patch.insert("timeline", index=index, value=event)


def _text(value: str, what: str) -> str:
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
    text = f"Status: {verb}" + (f" — {_text(note, 'the note')}" if note else "")
    _event(patch, data, at, "status", actor, text)
    return Change(patch, f"{data.get('id')}: status {target}", [])


def add_event(
    data: dict[str, Any],
    kind: str,
    text: str,
    at: datetime,
    actor: str | None,
    result: str | None = None,
) -> Change:
    if kind not in EVENT_KINDS:
        raise LifecycleError(f"unknown timeline kind {kind!r} (one of {', '.join(EVENT_KINDS)})")
    check_time(data, at)
    patch = Patch()
    _event(
        patch,
        data,
        at,
        kind,
        actor,
        _text(text, "the text"),
        _text(result, "the result") if result else None,
    )
    return Change(patch, f"{data.get('id')}: timeline {kind}", [])


def missing_roles(
    data: dict[str, Any], severity: Severity, roles: dict[str, Any] | None = None
) -> list[str]:
    held = roles if roles is not None else (data.get("roles") or {})
    return [role for role in severity.roles if not held.get(role)]


def set_severity(
    data: dict[str, Any], level: str, reason: str, at: datetime, actor: str | None, config: Config
) -> Change:
    severity = severity_of(config, level)
    current = str(data.get("severity"))
    if severity.level == current:
        raise LifecycleError(f"{data.get('id')} is already {current}")
    if data.get("status") not in OPEN:
        raise LifecycleError(f"{data.get('id')} is {data.get('status')}: severity is final")
    check_time(data, at)
    patch = Patch().set("severity", value=severity.level)
    levels = [s.level for s in config.severities]
    direction = (
        "escalated"
        if current in levels and levels.index(severity.level) < levels.index(current)
        else "downgraded"
    )
    _event(
        patch,
        data,
        at,
        "severity",
        actor,
        f"Severity {direction} {current} -> {severity.level}: {_text(reason, 'the reason')}",
    )
    notes = []
    missing = missing_roles(data, severity)
    if missing:
        notes.append(
            f"{severity.level} needs a {', '.join(missing)}: assign with "
            f"`incidentops role {data.get('id')} ROLE HANDLE`"
        )
    notes.append(f"updates are now due every {severity.update_cadence_minutes} min")
    return Change(patch, f"{data.get('id')}: severity {severity.level}", notes)


def set_role(
    data: dict[str, Any],
    role: str,
    handle: str,
    at: datetime,
    actor: str | None,
    config: Config,
    people: dict[str, Any],
) -> Change:
    if role not in config.roles:
        raise LifecycleError(f"unknown role {role!r} (one of {', '.join(config.roles)})")
    if handle not in people:
        raise LifecycleError(f"unknown person {handle!r} (not in oncall/people.yaml)")
    if data.get("status") in ("closed", "cancelled"):
        raise LifecycleError(f"{data.get('id')} is {data.get('status')}")
    check_time(data, at)
    previous = (data.get("roles") or {}).get(role)
    if previous == handle:
        raise LifecycleError(f"{handle} is already the {role}")
    patch = Patch().set("roles", role, value=handle)
    text = (
        f"{role.capitalize()} handed off from {previous} to {handle}"
        if previous
        else f"{handle} is {role}"
    )
    _event(patch, data, at, "role", actor, text)
    return Change(patch, f"{data.get('id')}: role {role} {handle}", [])


def add_update(
    data: dict[str, Any],
    audience: str,
    message: str,
    at: datetime,
    actor: str | None,
    status: str | None = None,
) -> Change:
    if audience not in AUDIENCES:
        raise LifecycleError(f"unknown audience {audience!r} (one of {', '.join(AUDIENCES)})")
    check_time(data, at)
    update: dict[str, Any] = {
        "at": stamp(at),
        "audience": audience,
        "status": status or data.get("status"),
        "text": _text(message, "the message"),
    }
    if actor:
        update["author"] = actor
    patch = Patch().append("updates", value=update)
    _event(patch, data, at, "communication", actor, f"{audience.capitalize()} update published")
    return Change(patch, f"{data.get('id')}: {audience} update", [])


def resolve(data: dict[str, Any], summary: str, at: datetime, actor: str | None) -> Change:
    change = set_status(data, "resolved", at, actor, summary)
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
    return set_status(data, "cancelled", at, actor, _text(reason, "the reason"))


def link_postmortem(data: dict[str, Any], path: str) -> Change:
    """Point the incident at its postmortem (``postmortem:``), once."""
    current = data.get("postmortem")
    if current and current != path:
        raise LifecycleError(f"{data.get('id')} already has a postmortem: {current}")
    return Change(Patch().set("postmortem", value=path), f"{data.get('id')}: postmortem {path}", [])
