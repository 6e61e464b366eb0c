"""Who is on call: per layer the version in effect, the shift index counted in local
wall-clock units from the anchor, the member at ``index mod n``, masked by restrictions; the
first layer with someone wins; overrides active at the instant apply last.

Answering for one instant is O(layers + versions + overrides) whatever its distance from the
anchor: the shift index is one division, corrected by at most a step or two for DST.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from incidentops.oncall.model import Layer, Override, Rotation, Schedule, Version
from incidentops.oncall.wallclock import edge_instants, local_date_range, to_instant, to_local


@dataclass(frozen=True)
class OnCall:
    person: str
    source: str  # "layer:<id>" or "override"


@dataclass(frozen=True)
class Segment:
    """A maximal stretch of time with the same answer."""

    start: datetime
    end: datetime
    oncall: tuple[OnCall, ...]

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(entry.person for entry in self.oncall)


def shift_index(rotation: Rotation, instant: datetime, schedule: Schedule) -> int:
    """The number of handoffs since the anchor (negative before it) at ``instant``."""
    step = rotation.step
    local = to_local(instant, schedule.zone)
    index = (local - rotation.handoff) // step
    # to_instant moves handoffs that fall in a DST gap or overlap; correct the estimate
    while to_instant(rotation.handoff + (index + 1) * step, schedule.zone) <= instant:
        index += 1
    while to_instant(rotation.handoff + index * step, schedule.zone) > instant:
        index -= 1
    return index


def handoff_at(rotation: Rotation, index: int, schedule: Schedule) -> datetime:
    return to_instant(rotation.handoff + index * rotation.step, schedule.zone)


def _restricted_in(version: Version, instant: datetime, schedule: Schedule) -> bool:
    if not version.restrictions:
        return True
    local = to_local(instant, schedule.zone)
    minute = local.hour * 60 + local.minute
    return any(r.covers(local.weekday(), minute) for r in version.restrictions)


def layer_member(layer: Layer, instant: datetime, schedule: Schedule) -> str | None:
    if not layer.active_from <= instant < layer.active_until:
        return None
    version = layer.version_at(instant)
    if not version.members or not _restricted_in(version, instant, schedule):
        return None
    index = shift_index(version.rotation, instant, schedule)
    return version.members[index % len(version.members)]


def _people(entries: list[OnCall]) -> set[str]:
    return {entry.person for entry in entries}


def apply_overrides(
    answer: list[OnCall], overrides: list[Override], instant: datetime
) -> list[OnCall]:
    for override in overrides:
        if not override.start <= instant < override.end:
            continue
        if override.action == "replace" and override.replacement:
            if any(entry.person == override.person for entry in answer):
                swapped = [
                    OnCall(override.replacement, "override")
                    if entry.person == override.person
                    else entry
                    for entry in answer
                ]
                # the cover may already be on call: list them once, as they were first
                answer = [e for n, e in enumerate(swapped) if e.person not in _people(swapped[:n])]
        elif override.action == "add":
            if all(entry.person != override.person for entry in answer):
                answer.append(OnCall(override.person, "override"))
        elif override.action == "remove":
            answer = [entry for entry in answer if entry.person != override.person]
    return answer


def who(schedule: Schedule, instant: datetime) -> tuple[OnCall, ...]:
    answer: list[OnCall] = []
    for layer in schedule.layers:
        person = layer_member(layer, instant, schedule)
        if person is not None:
            answer = [OnCall(person, f"layer:{layer.id}")]
            break
    return tuple(apply_overrides(answer, list(schedule.overrides), instant))


def change_points(schedule: Schedule, start: datetime, end: datetime) -> list[datetime]:
    """Every instant in [start, end) where the answer may change."""
    points = {start}
    for layer in schedule.layers:
        points.update((layer.active_from, layer.active_until))
        for position, version in enumerate(layer.versions):
            points.add(version.effective_from)
            until = (
                layer.versions[position + 1].effective_from
                if position + 1 < len(layer.versions)
                else end
            )
            low, high = max(start, version.effective_from), min(end, until)
            if low >= high:
                continue
            points.update(_handoffs(version.rotation, schedule, low, high))
            points.update(_restriction_edges(version, schedule, low, high))
    for override in schedule.overrides:
        points.update((override.start, override.end))
    return sorted(p for p in points if start <= p < end)


def _handoffs(
    rotation: Rotation, schedule: Schedule, low: datetime, high: datetime
) -> Iterator[datetime]:
    index = shift_index(rotation, low, schedule)
    while True:
        moment = handoff_at(rotation, index, schedule)
        if moment >= high:
            return
        yield moment
        index += 1


def _restriction_edges(
    version: Version, schedule: Schedule, low: datetime, high: datetime
) -> Iterator[datetime]:
    for midnight in local_date_range(low, high, schedule.zone):
        for restriction in version.restrictions:
            if midnight.weekday() not in restriction.days:
                continue
            opens = midnight + timedelta(minutes=restriction.start)
            closes = opens + timedelta(minutes=restriction.length)
            # a window edge in an hour that happens twice opens or closes the window twice
            yield from edge_instants(opens, schedule.zone)
            yield from edge_instants(closes, schedule.zone)


def segments(schedule: Schedule, start: datetime, end: datetime) -> list[Segment]:
    """The answer over [start, end) as maximal constant segments (empty ones are gaps)."""
    points = change_points(schedule, start, end)
    result: list[Segment] = []
    for position, point in enumerate(points):
        until = points[position + 1] if position + 1 < len(points) else end
        answer = who(schedule, point)
        if result and result[-1].oncall == answer and result[-1].end == point:
            result[-1] = Segment(result[-1].start, until, answer)
        else:
            result.append(Segment(point, until, answer))
    return result


def longest_step(schedule: Schedule) -> timedelta:
    steps = [v.rotation.step for layer in schedule.layers for v in layer.versions]
    return max(steps, default=timedelta(days=1)) + timedelta(days=1)


def segment_at(schedule: Schedule, instant: datetime) -> Segment:
    """The segment containing ``instant``, searched within one longest shift either side (a
    stretch longer than that is clipped at the search window)."""
    reach = longest_step(schedule)
    found = segments(schedule, instant - reach, instant + reach)
    starts = [segment.start for segment in found]
    return found[bisect_right(starts, instant) - 1]


def person_spans(schedule: Schedule, instant: datetime) -> list[tuple[OnCall, datetime, datetime]]:
    """For each person on call at ``instant``: since when and until when, continuously."""
    reach = longest_step(schedule)
    found = segments(schedule, instant - reach, instant + reach)
    current = next(s for s in found if s.start <= instant < s.end)
    spans = []
    for entry in current.oncall:
        position = found.index(current)
        first = last = position
        while first > 0 and entry in found[first - 1].oncall:
            first -= 1
        while last + 1 < len(found) and entry in found[last + 1].oncall:
            last += 1
        spans.append((entry, found[first].start, found[last].end))
    return spans
