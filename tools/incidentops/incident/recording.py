"""What responders record besides the status (pure, like ``lifecycle``): timeline events,
severity changes, role assignments and handoffs, acknowledgements, published updates. Each
returns a :class:`~incidentops.lifecycle.Change` the same edit-and-commit path applies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentops.base.config import Config, Severity
from incidentops.base.patch import Patch
from incidentops.base.timeutil import parse_time
from incidentops.incident.lifecycle import (
    AUDIENCES,
    EVENT_KINDS,
    OPEN,
    Change,
    LifecycleError,
    check_time,
    clean_text,
    severity_of,
    stamp,
    timeline_event,
)


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
    timeline_event(
        patch,
        data,
        at,
        kind,
        actor,
        clean_text(text, "the text"),
        clean_text(result, "the result") if result else None,
    )
    return Change(patch, f"{data.get('id')}: timeline {kind}", [])


def add_runbook_step(
    data: dict[str, Any],
    at: datetime,
    actor: str | None,
    text: str,
    result: str | None,
    step: dict[str, Any],
) -> Change:
    """An ``action`` event for one runbook step (``step``: path, section, step, outcome,
    exit_code, seconds, edited): what ``runbook status`` and the postmortem read back."""
    check_time(data, at)
    patch = Patch()
    cleaned = clean_text(result, "the result") if result and result.strip() else None
    timeline_event(
        patch, data, at, "action", actor, clean_text(text, "the text"), cleaned, {"runbook": step}
    )
    return Change(patch, f"{data.get('id')}: runbook step {step['step']} {step['outcome']}", [])


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
    timeline_event(
        patch,
        data,
        at,
        "severity",
        actor,
        f"Severity {direction} {current} -> {severity.level}: {clean_text(reason, 'the reason')}",
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
    timeline_event(patch, data, at, "role", actor, text)
    return Change(patch, f"{data.get('id')}: role {role} {handle}", [])


def acknowledge(
    data: dict[str, Any], by: str | None, at: datetime, actor: str | None, people: dict[str, Any]
) -> Change:
    """``by`` acknowledges the incident at ``at``: ``acknowledged_at``, ``acknowledged_by`` and
    an ``acknowledged`` timeline event. Once only, and only while the incident is open; the
    time falls between detection and mitigation (the order ``validate`` checks)."""
    ident = data.get("id")
    if not by:
        raise LifecycleError("acknowledged_by: no person given (who acknowledges?)")
    if by not in people:
        shown = by if len(by) <= 40 else by[:37] + "..."
        raise LifecycleError(
            f"acknowledged_by: unknown person {shown!r} (not in oncall/people.yaml)"
        )
    if data.get("acknowledged_at"):
        who = f" by {data['acknowledged_by']}" if data.get("acknowledged_by") else ""
        raise LifecycleError(f"{ident} is already acknowledged{who} at {data['acknowledged_at']}")
    if data.get("status") not in OPEN:
        raise LifecycleError(
            f"{ident} is {data.get('status')}: only an open incident can be acknowledged"
        )
    check_time(data, at)
    detected, mitigated = parse_time(data.get("detected_at")), parse_time(data.get("mitigated_at"))
    if detected is not None and at < detected:
        raise LifecycleError(
            f"acknowledged_at ({stamp(at)}) would be before detected_at ({data['detected_at']})"
        )
    if mitigated is not None and at > mitigated:
        raise LifecycleError(
            f"acknowledged_at ({stamp(at)}) would be after mitigated_at ({data['mitigated_at']})"
        )
    patch = Patch().set("acknowledged_at", value=stamp(at)).set("acknowledged_by", value=by)
    timeline_event(patch, data, at, "acknowledged", actor, f"Acknowledged by {by}")
    return Change(patch, f"{ident}: acknowledged by {by}", [])


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
        "text": clean_text(message, "the message"),
    }
    if actor:
        update["author"] = actor
    patch = Patch().append("updates", value=update)
    timeline_event(
        patch, data, at, "communication", actor, f"{audience.capitalize()} update published"
    )
    return Change(patch, f"{data.get('id')}: {audience} update", [])
