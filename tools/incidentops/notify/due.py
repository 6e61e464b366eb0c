"""Events that come from the clock, not from a change (pure): an update that is overdue, and
the escalation policy's next step while nobody has acknowledged. Each is added once: an overdue
update once per due time, an escalation once per step.

A scheduled workflow can start minutes late (GitHub does not promise the minute), so these are
reminders for people without PagerDuty; paging that must wake someone within a minute is
PagerDuty's job.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from incidentops.base.config import Config
from incidentops.base.timeutil import parse_time
from incidentops.incident.lifecycle import OPEN, stamp
from incidentops.notify import message
from incidentops.oncall.escalation import chain
from incidentops.oncall.repo import OnCall


def due_events(
    incident: dict[str, Any], record: dict[str, Any], config: Config, oncall: OnCall, now: datetime
) -> list[dict[str, Any]]:
    if incident.get("status") not in OPEN:
        return []
    known = record.get("events", [])
    found: list[dict[str, Any]] = []
    overdue = _overdue(incident, config, now)
    if overdue and not any(e.get("kind") == "overdue" and e.get("due") == overdue for e in known):
        found.append({"kind": "overdue", "at": stamp(now), "due": overdue})
    if not incident.get("acknowledged_at"):
        steps = {int(e["step"]) for e in known if e.get("kind") == "escalation" and "step" in e}
        declarer = incident.get("declared_by")
        for step, found_people in _escalation_steps(incident, oncall, now):
            # whoever declared it knows: a step of only the declarer notifies nobody
            people = [p for p in found_people if p != declarer]
            if step not in steps and people:
                found.append(
                    {"kind": "escalation", "at": stamp(now), "step": step, "people": people}
                )
    return found


def _overdue(incident: dict[str, Any], config: Config, now: datetime) -> str | None:
    severity = config.severity(str(incident.get("severity")))
    declared = parse_time(incident.get("declared_at"))
    if severity is None or declared is None:
        return None
    updates = message.listed(incident.get("updates"))
    times = [t for u in updates if isinstance(u, dict) and (t := parse_time(u.get("at")))]
    base = max(times, default=declared)
    cadence = timedelta(minutes=severity.update_cadence_minutes)
    if now - base < cadence:
        return None
    return stamp(base + (now - base) // cadence * cadence)


def _escalation_steps(
    incident: dict[str, Any], oncall: OnCall, now: datetime
) -> list[tuple[int, list[str]]]:
    """(ordinal, people) of every step whose time has come, across repeats."""
    declared = parse_time(incident.get("declared_at"))
    services = message.listed(incident.get("services"))
    policy_id = next(
        (oncall.services[s].get("escalation") for s in services if s in oncall.services), None
    )
    policy = oncall.policies.get(str(policy_id)) if policy_id else None
    if declared is None or policy is None:
        return []
    groups: dict[tuple[int, int], tuple[int, list[str]]] = {}
    for notification in chain(policy, oncall.schedules, declared, str(incident.get("severity"))):
        if declared + timedelta(minutes=notification.minute) > now:
            break
        key = (notification.round, notification.step)
        _, people = groups.setdefault(key, (notification.minute, []))
        people.extend(p for p in notification.people if p not in people)
    return [(n, people) for n, (_, people) in enumerate(groups.values(), start=1)]
