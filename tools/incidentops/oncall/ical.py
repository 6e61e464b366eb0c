"""RFC 5545 calendars of shifts that people subscribe to (built with ``icalendar``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from incidentops.oncall.model import Schedule

Shift = tuple[Schedule, datetime, datetime, str, str]


def calendar(name: str, shifts: Iterable[Shift], stamp: datetime) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//incidentops//on-call//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    moments: list[datetime] = []
    for schedule, start, end, person, source in shifts:
        moments += (start, end)
        event = Event()
        key = f"{schedule.id}|{person}|{start.isoformat()}|{end.isoformat()}"
        event.add("uid", hashlib.sha256(key.encode()).hexdigest()[:32] + "@incidentops")
        event.add("summary", f"On call: {person} ({schedule.id})")
        event.add("dtstart", _local(start, schedule))
        event.add("dtend", _local(end, schedule))
        event.add("dtstamp", stamp)
        event.add("description", f"{schedule.name}; from {source.removeprefix('layer:')}")
        event.add("categories", ["on-call"])
        cal.add_component(event)
    if moments:  # RFC 5545: a VTIMEZONE for every TZID, covering the shifts' dates
        day = timedelta(days=1)
        cal.add_missing_timezones((min(moments) - day).date(), (max(moments) + day).date())
    data: bytes = cal.to_ical()
    return data


def _local(moment: datetime, schedule: Schedule) -> datetime:
    """In the schedule's zone, unless that local time happens twice (clocks going back): a
    time with a TZID means its first occurrence (RFC 5545 3.3.5), so the second is in UTC."""
    try:
        value = moment.astimezone(schedule.zone)
    except OverflowError:  # a local date outside the years 1..9999
        return moment.astimezone(UTC)
    if value.replace(fold=1 - value.fold).utcoffset() != value.utcoffset():
        return moment.astimezone(UTC)
    return value
