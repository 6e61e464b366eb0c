"""Which reminders are due (pure): an open incident whose last published update is older
than its severity's cadence, an open incident quiet for too long, a postmortem past due.

Each reminder has a key that names the thing it is about — the due time of the missed
update, the moment the incident went quiet, the postmortem's due date — so it is posted once
per missed interval and never again for the same one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from incidentops.base.config import Config
from incidentops.base.timeutil import minutes, parse_time
from incidentops.incident.lifecycle import OPEN, stamp


@dataclass(frozen=True)
class Reminder:
    ident: str
    kind: str  # update | stale | postmortem
    key: str  # what it is about (a timestamp or date): once per key
    issue: int  # where it goes (the incident issue, or the postmortem pull request)
    since: datetime  # it cannot have been posted before this
    text: str  # the message, without marker or mentions
    commander: str | None = None


def due(
    incidents: list[dict[str, Any]], config: Config, now: datetime, stale_hours: int
) -> list[Reminder]:
    """Reminders for open incidents (their facts: id, status, severity, issue, commander,
    declared_at, last_update_at, last_activity_at)."""
    found = []
    for info in incidents:
        if info.get("status") not in OPEN or not isinstance(info.get("issue"), int):
            continue
        severity = config.severity(str(info.get("severity")))
        declared = parse_time(info.get("declared_at"))
        if severity is None or declared is None:
            continue
        ident, issue = str(info.get("id")), int(info["issue"])
        commander = info.get("commander") if isinstance(info.get("commander"), str) else None
        cadence = timedelta(minutes=severity.update_cadence_minutes)
        last = parse_time(info.get("last_update_at"))
        base = last or declared
        if now - base >= cadence:
            missed = (now - base) // cadence  # whole intervals since the last update
            due_at = base + missed * cadence
            what = f"the last was at {base:%H:%M} UTC" if last else "none has been posted yet"
            found.append(
                Reminder(
                    ident,
                    "update",
                    stamp(due_at),
                    issue,
                    due_at,
                    f"The next status update for {ident} ({severity.level}) was due at "
                    f"{due_at:%Y-%m-%d %H:%M} UTC; {what}, and {severity.level} updates are "
                    f"due every {minutes(cadence.total_seconds())}. Post one with "
                    "`/update internal ...` (or `customer`, `executive`).",
                    commander,
                )
            )
        quiet_since = parse_time(info.get("last_activity_at")) or declared
        if now - quiet_since >= timedelta(hours=stale_hours):
            quiet = minutes((now - quiet_since).total_seconds())
            found.append(
                Reminder(
                    ident,
                    "stale",
                    stamp(quiet_since),
                    issue,
                    quiet_since + timedelta(hours=stale_hours),
                    f"{ident} has had no timeline event or update for {quiet} (since "
                    f"{quiet_since:%Y-%m-%d %H:%M} UTC). Still going? Record progress with "
                    "`/timeline ...`, or `/resolve ...` or `/cancel ...` if it is over.",
                    commander,
                )
            )
    return found


def postmortems_overdue(
    incidents: list[dict[str, Any]], postmortem_status: dict[str, Any], config: Config, today: Any
) -> list[tuple[str, str]]:
    """(incident ID, due date) of resolved incidents whose required postmortem is past due
    and not final."""
    found = []
    for info in incidents:
        if info.get("status") != "resolved":
            continue
        severity = config.severity(str(info.get("severity")))
        resolved = parse_time(info.get("resolved_at"))
        if severity is None or severity.postmortem != "required" or resolved is None:
            continue
        if severity.postmortem_due_days is None:
            continue
        due_on = resolved.date() + timedelta(days=severity.postmortem_due_days)
        if today > due_on and postmortem_status.get(str(info.get("postmortem"))) != "final":
            found.append((str(info.get("id")), due_on.isoformat()))
    return found
