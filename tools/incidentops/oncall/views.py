"""On-call answers as text, Markdown and JSON (pure: values in, strings out)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from incidentops.base.timeutil import minutes
from incidentops.oncall.engine import OnCall, Segment
from incidentops.oncall.escalation import Notification
from incidentops.oncall.model import Schedule


def in_zone(moment: datetime, schedule: Schedule) -> datetime:
    """``moment`` in the schedule's time zone; in UTC where the local date would fall outside
    the years 1..9999 (an override valid "from year 1 to 9999" validates and must still show)."""
    try:
        return moment.astimezone(schedule.zone)
    except OverflowError:
        return moment.astimezone(UTC)


def local(moment: datetime, schedule: Schedule) -> str:
    """``Mon 2026-11-23 06:00 GMT`` in the schedule's time zone."""
    value = in_zone(moment, schedule)
    return value.strftime("%a %Y-%m-%d %H:%M ") + (value.tzname() or "")


def iso(moment: datetime, schedule: Schedule) -> str:
    return in_zone(moment, schedule).isoformat()


def hours(delta: timedelta) -> str:
    return minutes(delta.total_seconds())


def source_label(entry: OnCall) -> str:
    return entry.source.removeprefix("layer:") if entry.source != "override" else "override"


def now_json(
    schedule: Schedule, at: datetime, spans: Sequence[tuple[OnCall, datetime, datetime]]
) -> dict[str, Any]:
    return {
        "schedule": schedule.id,
        "at": iso(at, schedule),
        "oncall": [
            {
                "person": entry.person,
                "source": entry.source,
                "from": iso(start, schedule),
                "until": iso(end, schedule),
            }
            for entry, start, end in spans
        ],
    }


def now_text(
    schedule: Schedule,
    at: datetime,
    spans: Sequence[tuple[OnCall, datetime, datetime]],
    names: dict[str, str],
) -> str:
    head = f"{schedule.id} ({schedule.name}) at {local(at, schedule)}"
    if not spans:
        return f"{head}\n  nobody is on call: this is a coverage gap\n"
    lines = [head]
    for entry, start, end in spans:
        who = names.get(entry.person, entry.person)
        lines.append(
            f"  {who} ({entry.person}) from {source_label(entry)}: "
            f"since {local(start, schedule)}, until {local(end, schedule)}"
        )
    return "\n".join(lines) + "\n"


def shifts(segments: Sequence[Segment]) -> list[tuple[datetime, datetime, str, str]]:
    """Per person: contiguous stretches, merged across changes that do not affect them."""
    open_: dict[tuple[str, str], datetime] = {}
    ended: list[tuple[datetime, datetime, str, str]] = []
    previous_end: datetime | None = None
    for segment in segments:
        current = {(e.person, e.source) for e in segment.oncall}
        for key in list(open_):
            if key not in current or previous_end != segment.start:
                ended.append((open_.pop(key), previous_end or segment.start, *key))
        for key in current:
            open_.setdefault(key, segment.start)
        previous_end = segment.end
    for key, start in open_.items():
        ended.append((start, previous_end or start, *key))
    return sorted(ended)


def preview(schedule: Schedule, segments: Sequence[Segment], fmt: str) -> str:
    rows = shifts(segments)
    if fmt == "json":
        return (
            json.dumps(
                {
                    "schedule": schedule.id,
                    "timezone": schedule.timezone,
                    "shifts": [
                        {
                            "start": iso(s, schedule),
                            "end": iso(e, schedule),
                            "person": p,
                            "source": src,
                        }
                        for s, e, p, src in rows
                    ],
                    "gaps": [
                        {"start": iso(g.start, schedule), "end": iso(g.end, schedule)}
                        for g in segments
                        if not g.oncall
                    ],
                },
                indent=2,
            )
            + "\n"
        )
    gaps = [g for g in segments if not g.oncall]
    if fmt == "markdown":
        out = [
            f"### {schedule.name} (`{schedule.id}`, {schedule.timezone})",
            "",
            "| start | end | person | source | length |",
            "|---|---|---|---|---|",
        ]
        out += [
            f"| {local(s, schedule)} | {local(e, schedule)} | {p} | "
            f"{src.removeprefix('layer:')} | {hours(e - s)} |"
            for s, e, p, src in rows
        ]
        out += [
            f"| {local(g.start, schedule)} | {local(g.end, schedule)} | **nobody** | gap | "
            f"{hours(g.end - g.start)} |"
            for g in gaps
        ]
        return "\n".join(out) + "\n"
    out = [f"{schedule.id} ({schedule.name}), times in {schedule.timezone}"]
    width = max((len(p) for _, _, p, _ in rows), default=6)
    for start, end, person, source in rows:
        out.append(
            f"  {local(start, schedule)} -> {local(end, schedule)}  {person:<{width}}  "
            f"{source.removeprefix('layer:')} ({hours(end - start)})"
        )
    for gap in gaps:
        out.append(
            f"  {local(gap.start, schedule)} -> {local(gap.end, schedule)}  GAP: nobody "
            f"is on call ({hours(gap.end - gap.start)})"
        )
    return "\n".join(out) + "\n"


def gaps_text(schedule: Schedule, segments: Sequence[Segment]) -> list[str]:
    return [
        f"{schedule.id}: nobody on call {local(g.start, schedule)} -> {local(g.end, schedule)} "
        f"({hours(g.end - g.start)})"
        for g in segments
        if not g.oncall
    ]


def escalation_text(
    policy_name: str,
    start: datetime,
    schedule: Schedule | None,
    notifications: Sequence[Notification],
) -> str:
    lines = [f"{policy_name}, for an incident at {start.isoformat()}"]
    for note in notifications:
        people = ", ".join(note.people) or "nobody (coverage gap)"
        again = f" (repeat {note.round - 1})" if note.round > 1 else ""
        lines.append(f"  +{note.minute:>3} min  step {note.step}{again}: {note.target} -> {people}")
    return "\n".join(lines) + "\n"


def next_on_call(model: Any, services: Sequence[str], severity: str, at: datetime) -> str:
    """Who each service's escalation policy notifies next from ``at`` (``model``: the
    repository's on-call model), for a responder whose runbook ran out of steps."""
    from incidentops.oncall.escalation import chain

    lines = []
    for service in services:
        entry = model.services.get(str(service)) or {}
        policy = model.policies.get(str(entry.get("escalation", "")))
        if policy is None:
            lines.append(f"{service}: no escalation policy in oncall/escalation/")
            continue
        steps = chain(policy, model.schedules, at, severity)
        schedule = model.schedules.get(str(entry.get("schedule", "")))
        lines.append(escalation_text(policy.name, at, schedule, steps).rstrip())
    return "\n".join(lines)
