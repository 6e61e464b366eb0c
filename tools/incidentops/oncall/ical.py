"""RFC 5545 calendars of shifts that people subscribe to (built with ``icalendar``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from incidentops.oncall.model import Schedule

Shift = tuple[Schedule, datetime, datetime, str, str]


def calendar(name: str, shifts: Iterable[Shift], stamp: datetime) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//incidentops//on-call//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for schedule, start, end, person, source in shifts:
        event = Event()
        key = f"{schedule.id}|{person}|{start.isoformat()}|{end.isoformat()}"
        event.add("uid", hashlib.sha256(key.encode()).hexdigest()[:32] + "@incidentops")
        event.add("summary", f"On call: {person} ({schedule.id})")
        event.add("dtstart", start.astimezone(schedule.zone))
        event.add("dtend", end.astimezone(schedule.zone))
        event.add("dtstamp", stamp)
        event.add("description", f"{schedule.name}; from {source.removeprefix('layer:')}")
        event.add("categories", ["on-call"])
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
