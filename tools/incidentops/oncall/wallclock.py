"""Local wall-clock arithmetic that survives daylight saving.

Rotations count shifts in the schedule's local wall-clock units: a 09:00 Monday handoff stays
09:00 local on 23- and 25-hour days. A local time is turned into an instant by
:func:`to_instant`: the first instant whose local time is at or after it. So a local time that
occurs twice (clocks going back) means its first occurrence, and one that does not exist
(clocks going forward) means the moment the clocks jump past it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_SECOND = timedelta(seconds=1)


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock time of an aware instant."""
    return instant.astimezone(zone).replace(tzinfo=None)


def to_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) whose local time in ``zone`` is ``local`` or later."""
    first = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if to_local(first, zone) == local:  # exists; if it occurs twice, fold 0 is the first
        return min(first, second) if to_local(second, zone) == local else first
    # In a gap: the transition lies in (second, first]; find it to the second.
    low, high = second, first
    while high - low > _SECOND:
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if to_local(middle, zone) >= local:
            high = middle
        else:
            low = middle
    return high


def edge_instants(local: datetime, zone: ZoneInfo) -> list[datetime]:
    """Every instant where an answer masked by the local time ``local`` can change: the one
    :func:`to_instant` gives and, if ``local`` occurs twice, the moment the clocks go back
    (the local times just before ``local`` come round again) and the second occurrence."""
    first = to_instant(local, zone)
    second = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if second <= first or to_local(second, zone) != local:
        return [first]
    offset = first.astimezone(zone).utcoffset()
    low, high = first, second  # the UTC offset changes in (low, high]; find it to the second
    while high - low > _SECOND:
        middle = (low + (high - low) / 2).replace(microsecond=0)
        if middle.astimezone(zone).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return [first, high, second]


def floor_div(delta: timedelta, step: timedelta) -> int:
    return delta // step


def local_date_range(start: datetime, end: datetime, zone: ZoneInfo) -> list[datetime]:
    """Local midnights (naive) of every local day that [start, end) touches, plus one on
    each side for windows that cross midnight."""
    first = to_local(start, zone).replace(hour=0, minute=0, second=0, microsecond=0)
    last = to_local(end, zone).replace(hour=0, minute=0, second=0, microsecond=0)
    days = (last - first).days
    return [first + timedelta(days=offset) for offset in range(-1, days + 2)]
