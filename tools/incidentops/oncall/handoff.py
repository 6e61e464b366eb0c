"""The handoff summary an outgoing on-call engineer gives: who hands to whom and when, open
incidents on the schedule's services, the team's open and overdue action items, overrides in
the coming week, and runbooks whose review is overdue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from incidentops.base.timeutil import parse_date
from incidentops.oncall.engine import person_spans, who
from incidentops.oncall.model import Schedule
from incidentops.oncall.views import local


@dataclass
class Handoff:
    schedule: Schedule
    at: datetime
    outgoing: list[str]
    incoming: list[str]
    handoff_at: datetime | None
    services: list[str]
    incidents: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    stale_runbooks: list[tuple[str, str]] = field(default_factory=list)


def members(schedule: Schedule) -> set[str]:
    return {m for layer in schedule.layers for v in layer.versions for m in v.members}


def build(
    schedule: Schedule,
    at: datetime,
    services: dict[str, dict[str, Any]],
    incidents: Iterable[tuple[str, dict[str, Any]]],
    postmortems: Iterable[tuple[str, dict[str, Any]]],
    runbooks: Iterable[tuple[str, dict[str, Any]]],
    review_every_days: int,
) -> Handoff:
    spans = person_spans(schedule, at)
    handoff_at = min((end for _, _, end in spans), default=None)
    incoming = [e.person for e in who(schedule, handoff_at)] if handoff_at else []
    mine = sorted(name for name, s in services.items() if s.get("schedule") == schedule.id)
    result = Handoff(schedule, at, [e.person for e, _, _ in spans], incoming, handoff_at, mine)
    for path, incident in incidents:
        if set(incident.get("services") or ()) & set(mine):
            result.incidents.append({**incident, "path": path})
    team = members(schedule)
    today = at.date()
    for path, postmortem in postmortems:
        for item in postmortem.get("action_items") or ():
            if item.get("owner") in team and item.get("status") in ("open", "in-progress"):
                due = parse_date(item.get("due"))
                result.actions.append(
                    {
                        **item,
                        "incident": postmortem.get("incident"),
                        "path": path,
                        "overdue": bool(due and due < today),
                    }
                )
    week = at + timedelta(days=7)
    for override in schedule.overrides:
        if override.start < week and override.end > at:
            what = (
                f"{override.replacement} covers {override.person}"
                if override.action == "replace"
                else f"{override.action} {override.person}"
            )
            reason = f" ({override.reason})" if override.reason else ""
            result.overrides.append(
                f"{local(override.start, schedule)} -> {local(override.end, schedule)}: "
                f"{what}{reason}"
            )
    for path, runbook in runbooks:
        if not set(runbook.get("services") or ()) & set(mine):
            continue
        reviewed = parse_date(runbook.get("last_reviewed"))
        every = int(runbook.get("review_every_days") or review_every_days)
        if reviewed and reviewed + timedelta(days=every) < today:
            result.stale_runbooks.append((path, str(reviewed)))
    return result


def render(handoff: Handoff, fmt: str, today: date) -> str:
    s = handoff.schedule
    bullet = "-" if fmt == "markdown" else "  -"
    title = f"Handoff for {s.name} ({s.id}) at {local(handoff.at, s)}"
    out = [f"## {title}" if fmt == "markdown" else title, ""]
    if handoff.handoff_at:
        out.append(
            f"{', '.join(handoff.outgoing) or 'nobody'} hands over to "
            f"{', '.join(handoff.incoming) or 'NOBODY (coverage gap)'} at "
            f"{local(handoff.handoff_at, s)}."
        )
    else:
        out.append("Nobody is on call now: this is a coverage gap.")
    out.append(f"Services: {', '.join(handoff.services) or 'none'}.")
    sections: list[tuple[str, list[str]]] = [
        (
            "Open incidents",
            [
                f"{i.get('id')} {i.get('severity')} {i.get('status')}: {i.get('title')} "
                f"(commander {(i.get('roles') or {}).get('commander', 'unassigned')})"
                for i in handoff.incidents
            ],
        ),
        (
            "Open action items owned by the team",
            [
                f"{a.get('id')} ({a.get('incident')}) {a.get('title')}: {a.get('owner')}, "
                f"{a.get('priority')}, due {a.get('due')}{' — OVERDUE' if a['overdue'] else ''}"
                for a in handoff.actions
            ],
        ),
        ("Overrides in the coming week", handoff.overrides),
        (
            "Runbooks overdue for review",
            [f"{p} (last reviewed {r})" for p, r in handoff.stale_runbooks],
        ),
    ]
    for heading, lines in sections:
        out += ["", f"### {heading}" if fmt == "markdown" else f"{heading}:"]
        out += [f"{bullet} {line}" for line in lines] or [f"{bullet} none"]
    return "\n".join(out) + "\n"
