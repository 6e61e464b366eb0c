"""The on-call engine against a naive reference, and its hard spots written out by hand.

The reference below applies the rules one instant at a time with nothing clever in it: local
time by ``astimezone``, a local handoff time turned into an instant by scanning UTC minutes for
the first one whose local time is at or after it, the shift index by counting handoffs.
"""

from __future__ import annotations

import bisect
import itertools
import math
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from incidentops.oncall import diff, escalation, ical
from incidentops.oncall.engine import OnCall, Segment, person_spans, segments, who
from incidentops.oncall.model import Schedule, schedule_from_data
from incidentops.oncall.views import shifts
from incidentops.oncall.wallclock import to_instant

MINUTE = timedelta(minutes=1)
QUARTER = timedelta(minutes=15)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UNIT = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1)}
# Days with a clock change in 2026 (local dates); UTC and Kolkata have none.
CHANGE_DAYS = {
    "UTC": (date(2026, 3, 29),),
    "Europe/London": (date(2026, 3, 29), date(2026, 10, 25)),
    "America/New_York": (date(2026, 3, 8), date(2026, 11, 1)),
    "Australia/Lord_Howe": (date(2026, 4, 5), date(2026, 10, 4)),
    "Asia/Kolkata": (date(2026, 10, 25),),
}
PEOPLE = ("ann", "bob", "cat", "dan", "eve", "fay")
MARGIN = timedelta(days=10)  # anchors are at most 8 days from the window; the table reaches 10

PROPERTY = settings(
    max_examples=250,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def build(timezone: str, layers: list[dict[str, Any]], **rest: Any) -> Schedule:
    return schedule_from_data({"id": "sched", "timezone": timezone, "layers": layers, **rest})


def layer(
    ident: str, members: list[str], unit: str, handoff: str, every: int = 1, **rest: Any
) -> dict[str, Any]:
    rotation = {"type": unit, "every": every, "handoff": handoff}
    return {"id": ident, "members": members, "rotation": rotation, **rest}


def people(schedule: Schedule, at: datetime) -> list[str]:
    return [entry.person for entry in who(schedule, at)]


# --- the reference -------------------------------------------------------------------------


class Table:
    """Every UTC minute of [low, high) with its local wall-clock time."""

    def __init__(self, zone: ZoneInfo, low: datetime, high: datetime) -> None:
        count = (high - low) // MINUTE
        self.instants = [low + n * MINUTE for n in range(count)]
        local = [t.astimezone(zone).replace(tzinfo=None) for t in self.instants]
        # The first minute whose local time is >= L is the first where the running maximum of
        # local times is >= L; the running maximum is sorted, so bisect finds it.
        self.reach = list(itertools.accumulate(local, max))

    def first_at_or_after(self, local: datetime) -> datetime | None:
        """None when the answer is not inside the table."""
        index = bisect.bisect_left(self.reach, local)
        if index == 0 or index == len(self.reach):
            return None
        return self.instants[index]


@lru_cache(maxsize=32)
def table(zone: str, low: datetime, high: datetime) -> Table:
    return Table(ZoneInfo(zone), low, high)


@lru_cache(maxsize=512)
def handoff_instants(
    zone: str, low: datetime, high: datetime, unit: str, every: int, anchor: str
) -> tuple[list[datetime], list[datetime]]:
    """Sorted handoff instants of shifts 1, 2, ... and of shifts 0, -1, ... (the table's
    edges stand in for handoffs beyond them: all far before or far after the window)."""
    step = UNIT[unit] * every
    start = datetime.fromisoformat(anchor)
    clock = table(zone, low, high)
    reach = math.ceil((high - low + 2 * MARGIN) / step) + 2
    after: list[datetime] = []
    before: list[datetime] = []
    for n in range(-reach, reach + 1):
        local = start + n * step
        moment = clock.first_at_or_after(local)
        if moment is None:
            moment = clock.instants[0] - MARGIN if local <= clock.reach[0] else high + MARGIN
        (after if n >= 1 else before).append(moment)
    return sorted(after), sorted(before)


def reference_index(
    zone: str, window: tuple[datetime, datetime], rotation: Any, t: datetime
) -> int:
    after, before = handoff_instants(
        zone,
        window[0] - MARGIN,
        window[1] + MARGIN,
        rotation["type"],
        rotation.get("every", 1),
        rotation["handoff"],
    )
    passed = bisect.bisect_right(after, t)  # handoffs after the anchor at or before t
    ahead = len(before) - bisect.bisect_right(before, t)  # anchor-or-earlier ones still ahead
    return passed - ahead


def reference_covers(restriction: dict[str, Any], local: datetime) -> bool:
    start = datetime.strptime(restriction["start"], "%H:%M")
    end = datetime.strptime(restriction["end"], "%H:%M")
    length = (end - start) % timedelta(days=1) or timedelta(days=1)
    for back in (0, 1):
        day = local.date() - timedelta(days=back)
        if DAYS[day.weekday()] in restriction["days"]:
            opens = datetime.combine(day, start.time())
            if opens <= local < opens + length:
                return True
    return False


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def reference_who(
    data: dict[str, Any], window: tuple[datetime, datetime], t: datetime
) -> list[tuple[str, str]]:
    zone = data["timezone"]
    local = t.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    answer: list[tuple[str, str]] = []
    for item in data["layers"]:
        active = item.get("active", {})
        if "from" in active and t < stamp(active["from"]):
            continue
        if "until" in active and t >= stamp(active["until"]):
            continue
        members, rotation = item["members"], item["rotation"]
        restrictions = item.get("restrictions")
        for version in sorted(item.get("versions", ()), key=lambda v: stamp(v["effective_from"])):
            if stamp(version["effective_from"]) <= t:
                members = version.get("members", members)
                rotation = version.get("rotation", rotation)
                restrictions = version.get("restrictions", restrictions)
        if restrictions and not any(reference_covers(r, local) for r in restrictions):
            continue
        index = reference_index(zone, window, rotation, t)
        answer = [(members[index % len(members)], f"layer:{item['id']}")]
        break
    for override in data.get("overrides", ()):
        if not stamp(override["start"]) <= t < stamp(override["end"]):
            continue
        present = [person for person, _ in answer]
        if "replace" in override and override["replace"] in present:
            swapped = [
                (override["with"], "override") if person == override["replace"] else (person, s)
                for person, s in answer
            ]
            answer = [e for n, e in enumerate(swapped) if e[0] not in [p for p, _ in swapped[:n]]]
        elif "add" in override and override["add"] not in present:
            answer.append((override["add"], "override"))
        elif "remove" in override:
            answer = [(person, s) for person, s in answer if person != override["remove"]]
    return answer


# --- generated schedules ---------------------------------------------------------------------


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], tuple[datetime, datetime]]:
    zone = draw(st.sampled_from(sorted(CHANGE_DAYS)))
    day = draw(st.sampled_from(CHANGE_DAYS[zone]))
    first = datetime.combine(day - timedelta(days=1), clock_time(), UTC)
    window = (first, first + timedelta(days=3))
    quarters = st.integers(0, 95).map(lambda q: q * 15)
    # local times around the clock changes (01:00-03:00) come up more often than the rest
    near_change = st.one_of(st.sampled_from([60, 90, 105, 120, 135, 150]), quarters)

    def anchor() -> str:
        when = day + timedelta(days=draw(st.integers(-7, 7)))
        minute = draw(st.one_of(near_change, st.just(540)))
        return (datetime.combine(when, clock_time()) + timedelta(minutes=minute)).strftime(
            "%Y-%m-%dT%H:%M"
        )

    def rotation() -> dict[str, Any]:
        unit = draw(st.sampled_from(sorted(UNIT)))
        return {"type": unit, "every": draw(st.integers(1, 3)), "handoff": anchor()}

    def restrictions() -> list[dict[str, Any]]:
        return [
            {
                "days": draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True)),
                "start": hhmm(draw(near_change)),
                "end": hhmm(draw(near_change)),
            }
            for _ in range(draw(st.integers(1, 2)))
        ]

    def members() -> list[str]:
        return draw(st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=4, unique=True))

    def moment(days_before: int = 1) -> datetime:
        return window[0] + QUARTER * draw(st.integers(-96 * days_before, 96 * 3))

    layers = []
    for number in range(draw(st.integers(1, 3))):
        item: dict[str, Any] = {
            "id": f"l{number}",
            "members": members(),
            "rotation": rotation(),
        }
        if draw(st.booleans()):
            item["restrictions"] = restrictions()
        versions = []
        for _ in range(draw(st.integers(0, 2))):
            version: dict[str, Any] = {"effective_from": iso(moment(2))}
            makers: dict[str, Callable[[], Any]] = {
                "members": members,
                "rotation": rotation,
                "restrictions": restrictions,
            }
            for key, make in makers.items():
                if draw(st.booleans()):
                    version[key] = make()
            if len(version) == 1:
                version["members"] = members()
            versions.append(version)
        if versions:
            item["versions"] = versions
        if draw(st.integers(0, 5)) == 0:
            item["active"] = {"from": iso(moment()), "until": iso(moment() + timedelta(days=3))}
        layers.append(item)
    overrides = []
    for _ in range(draw(st.integers(0, 3))):
        start = moment()
        override: dict[str, Any] = {
            "start": iso(start),
            "end": iso(start + QUARTER * draw(st.integers(1, 192))),
        }
        kind = draw(st.sampled_from(["replace", "add", "remove"]))
        override[kind] = draw(st.sampled_from(PEOPLE))
        if kind == "replace":
            override["with"] = draw(st.sampled_from(PEOPLE))
        overrides.append(override)
    data: dict[str, Any] = {"id": "generated", "timezone": zone, "layers": layers}
    data["overrides"] = overrides
    return data, window


def grid(window: tuple[datetime, datetime]) -> Iterator[datetime]:
    moment = window[0]
    while moment < window[1]:
        yield moment
        moment += QUARTER


def entries(answer: tuple[OnCall, ...] | list[OnCall]) -> list[tuple[str, str]]:
    return sorted((entry.person, entry.source) for entry in answer)


@PROPERTY
@given(cases())
def test_who_matches_the_naive_reference(
    case: tuple[dict[str, Any], tuple[datetime, datetime]],
) -> None:
    data, window = case
    schedule = schedule_from_data(data)
    # every boundary (handoffs, restriction edges, versions, overrides, clock changes) is on a
    # 15-minute UTC grid, so these instants see every distinct answer
    for moment in grid(window):
        expected = sorted(reference_who(data, window, moment))
        assert entries(who(schedule, moment)) == expected, (moment, data)


def check_segments(schedule: Schedule, window: tuple[datetime, datetime]) -> list[Segment]:
    found = segments(schedule, *window)
    assert found[0].start == window[0] and found[-1].end == window[1]
    for before, after in itertools.pairwise(found):
        assert before.end == after.start
        assert before.oncall != after.oncall  # maximal
    for segment in found:
        assert segment.start < segment.end
        inside = [segment.start, segment.end - timedelta(seconds=1)]
        inside += [segment.start + (segment.end - segment.start) * k / 4 for k in (1, 2, 3)]
        for moment in inside:
            assert who(schedule, moment) == segment.oncall, (moment, segment)
    return found


@PROPERTY
@given(cases())
def test_segments_agree_with_who(case: tuple[dict[str, Any], tuple[datetime, datetime]]) -> None:
    data, window = case
    schedule = schedule_from_data(data)
    found = check_segments(schedule, window)
    starts = [segment.start for segment in found]
    for moment in grid(window):
        for probe in (moment, moment + timedelta(minutes=7)):
            segment = found[bisect.bisect_right(starts, probe) - 1]
            assert who(schedule, probe) == segment.oncall, (probe, data)


def test_generated_windows_contain_a_clock_change() -> None:
    for name, days in CHANGE_DAYS.items():
        if name in ("UTC", "Asia/Kolkata"):
            continue
        zone = ZoneInfo(name)
        for day in days:
            start = datetime.combine(day - timedelta(days=1), clock_time(), UTC)
            offsets = {
                start.astimezone(zone).utcoffset() for start in (start, start + timedelta(3))
            }
            assert len(offsets) == 2, (name, day)


# --- daylight saving, by hand -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("timezone", "anchor", "before", "after"),
    [
        # spring forward: the Monday 09:00 handoff moves one hour earlier in UTC
        ("Europe/London", "2026-03-16T09:00", utc(2026, 3, 23, 9), utc(2026, 3, 30, 8)),
        ("America/New_York", "2026-02-23T09:00", utc(2026, 3, 2, 14), utc(2026, 3, 9, 13)),
        # fall back: one hour later in UTC
        ("Europe/London", "2026-10-12T09:00", utc(2026, 10, 19, 8), utc(2026, 10, 26, 9)),
        ("America/New_York", "2026-10-19T09:00", utc(2026, 10, 26, 13), utc(2026, 11, 2, 14)),
    ],
)
def test_weekly_monday_handoff_stays_at_nine_local(
    timezone: str, anchor: str, before: datetime, after: datetime
) -> None:
    schedule = build(timezone, [layer("w", ["ann", "bob", "cat"], "weekly", anchor)])
    # shifts 1 and 2 after the anchor: bob, then cat
    assert people(schedule, before - MINUTE) == ["ann"]
    assert people(schedule, before) == ["bob"]
    assert people(schedule, after - MINUTE) == ["bob"]
    assert people(schedule, after) == ["cat"]
    assert after.astimezone(ZoneInfo(timezone)).strftime("%a %H:%M") == "Mon 09:00"
    lengths = {timedelta(hours=167), timedelta(hours=169)}
    assert after - before in lengths  # a 167- or 169-hour week
    found = segments(schedule, before - timedelta(days=1), after + timedelta(days=1))
    assert [(s.start, s.end, s.people) for s in found] == [
        (before - timedelta(days=1), before, ("ann",)),
        (before, after, ("bob",)),
        (after, after + timedelta(days=1), ("cat",)),
    ]


@pytest.mark.parametrize(
    ("timezone", "first", "second", "next_day"),
    [
        # 01:30 happens twice on 2026-10-25 in London: 00:30Z (BST) and 01:30Z (GMT)
        (
            "Europe/London",
            utc(2026, 10, 25, 0, 30),
            utc(2026, 10, 25, 1, 30),
            utc(2026, 10, 26, 1, 30),
        ),
        # and on 2026-11-01 in New York: 05:30Z (EDT) and 06:30Z (EST)
        (
            "America/New_York",
            utc(2026, 11, 1, 5, 30),
            utc(2026, 11, 1, 6, 30),
            utc(2026, 11, 2, 6, 30),
        ),
    ],
)
def test_daily_handoff_in_the_repeated_hour_happens_once(
    timezone: str, first: datetime, second: datetime, next_day: datetime
) -> None:
    local_day = first.astimezone(ZoneInfo(timezone)).date()
    anchor = f"{local_day - timedelta(days=5)}T01:30"
    schedule = build(timezone, [layer("d", ["ann", "bob"], "daily", anchor)])
    # shift 5 (bob) starts at the first 01:30 and lasts 25 hours
    assert to_instant(datetime.combine(local_day, clock_time(1, 30)), ZoneInfo(timezone)) == first
    assert people(schedule, first - MINUTE) == ["ann"]
    assert people(schedule, first) == ["bob"]
    assert people(schedule, second) == ["bob"]  # no handoff at the second 01:30
    assert people(schedule, next_day - MINUTE) == ["bob"]
    assert people(schedule, next_day) == ["ann"]
    found = segments(schedule, first, next_day + MINUTE)
    assert [(s.start, s.end, s.people) for s in found] == [
        (first, next_day, ("bob",)),
        (next_day, next_day + MINUTE, ("ann",)),
    ]
    assert next_day - first == timedelta(hours=25)


def test_daily_handoff_in_the_missing_hour_happens_at_the_jump() -> None:
    london = ZoneInfo("Europe/London")
    jump = utc(2026, 3, 29, 1)  # 01:00 GMT becomes 02:00 BST
    assert to_instant(datetime(2026, 3, 29, 1, 30), london) == jump
    assert to_instant(datetime(2026, 3, 29, 1, 0), london) == jump
    assert to_instant(datetime(2026, 3, 29, 2, 0), london) == jump
    assert to_instant(datetime(2026, 3, 29, 0, 59), london) == utc(2026, 3, 29, 0, 59)
    schedule = build("Europe/London", [layer("d", ["ann", "bob"], "daily", "2026-03-24T01:30")])
    assert people(schedule, utc(2026, 3, 28, 1, 29)) == ["bob"]  # shift 3
    assert people(schedule, utc(2026, 3, 28, 1, 30)) == ["ann"]  # shift 4, 01:30 GMT
    assert people(schedule, jump - MINUTE) == ["ann"]
    assert people(schedule, jump) == ["bob"]  # shift 5
    assert people(schedule, utc(2026, 3, 30, 0, 29)) == ["bob"]
    assert people(schedule, utc(2026, 3, 30, 0, 30)) == ["ann"]  # 01:30 BST
    found = segments(schedule, utc(2026, 3, 28, 1, 30), utc(2026, 3, 30, 0, 30))
    assert [(s.start, s.end, s.people) for s in found] == [
        (utc(2026, 3, 28, 1, 30), jump, ("ann",)),  # 23.5 hours
        (jump, utc(2026, 3, 30, 0, 30), ("bob",)),  # 23.5 hours
    ]
    # New York: 02:30 does not exist on 2026-03-08; clocks jump at 07:00Z
    assert to_instant(datetime(2026, 3, 8, 2, 30), ZoneInfo("America/New_York")) == utc(
        2026, 3, 8, 7
    )


def test_hourly_handoffs_in_the_missing_hour_collapse_into_one() -> None:
    # 01:00 and 02:00 local both map to the jump: the shift index moves by two at once
    schedule = build(
        "Europe/London", [layer("h", ["ann", "bob", "cat"], "hourly", "2026-03-29T00:00")]
    )
    assert people(schedule, utc(2026, 3, 29, 0, 59)) == ["ann"]  # shift 0, 00:00-01:00 GMT
    assert people(schedule, utc(2026, 3, 29, 1)) == ["cat"]  # shift 2, from 02:00 BST
    assert people(schedule, utc(2026, 3, 29, 2)) == ["ann"]  # shift 3, 03:00 BST


def test_lord_howe_half_hour_changes() -> None:
    zone = ZoneInfo("Australia/Lord_Howe")
    # 2026-04-05 02:00 LHDT (+11) goes back to 01:30 LHST (+10:30) at 15:00Z
    assert to_instant(datetime(2026, 4, 5, 1, 45), zone) == utc(2026, 4, 4, 14, 45)
    # 2026-10-04 02:00 LHST goes forward to 02:30 LHDT at 15:30Z
    assert to_instant(datetime(2026, 10, 4, 2, 15), zone) == utc(2026, 10, 3, 15, 30)
    schedule = build(
        "Australia/Lord_Howe",
        [
            layer("nine", ["ann", "bob"], "daily", "2026-04-01T09:00"),
        ],
    )
    # 09:00 LHDT on 04-04 is 22:00Z on 04-03; 09:00 LHST on 04-05 is 22:30Z on 04-04
    assert people(schedule, utc(2026, 4, 3, 21, 59)) == ["ann"]  # shift 2
    assert people(schedule, utc(2026, 4, 3, 22)) == ["bob"]  # shift 3, 04-04 09:00 LHDT
    assert people(schedule, utc(2026, 4, 4, 22, 29)) == ["bob"]  # 24.5 hours later...
    assert people(schedule, utc(2026, 4, 4, 22, 30)) == ["ann"]  # shift 4, 04-05 09:00 LHST
    late = build(
        "Australia/Lord_Howe", [layer("late", ["ann", "bob"], "daily", "2026-04-01T01:45")]
    )
    # 01:45 happens twice on 04-05: the handoff is the first, 14:45Z; the next is 15:15Z on 04-05
    found = segments(late, utc(2026, 4, 4, 14), utc(2026, 4, 5, 16))
    assert [(s.start, s.end, s.people) for s in found] == [
        (utc(2026, 4, 4, 14), utc(2026, 4, 4, 14, 45), ("bob",)),  # shift 3
        (utc(2026, 4, 4, 14, 45), utc(2026, 4, 5, 15, 15), ("ann",)),  # shift 4: 24.5 hours
        (utc(2026, 4, 5, 15, 15), utc(2026, 4, 5, 16), ("bob",)),
    ]
    spring = build("Australia/Lord_Howe", [layer("s", ["ann", "bob"], "daily", "2026-10-01T02:15")])
    # 02:15 does not exist on 10-04: the handoff is at the jump, 15:30Z on 10-03 (23.5 hours
    # after 02:15 LHST on 10-03 = 15:45Z on 10-02, and 23.75 before 02:15 LHDT on 10-05)
    found = segments(spring, utc(2026, 10, 2, 15), utc(2026, 10, 4, 16))
    assert [(s.start, s.end, s.people) for s in found] == [
        (utc(2026, 10, 2, 15), utc(2026, 10, 2, 15, 45), ("bob",)),  # shift 1
        (utc(2026, 10, 2, 15, 45), utc(2026, 10, 3, 15, 30), ("ann",)),  # shift 2: 23.75 h
        (utc(2026, 10, 3, 15, 30), utc(2026, 10, 4, 15, 15), ("bob",)),  # shift 3: 23.75 h
        (utc(2026, 10, 4, 15, 15), utc(2026, 10, 4, 16), ("ann",)),
    ]


# --- restrictions, versions, overrides, before the anchor, far after it ----------------------


def test_restriction_window_crossing_midnight() -> None:
    night = {"days": ["fri"], "start": "22:00", "end": "06:00"}
    schedule = build(
        "UTC",
        [
            layer("night", ["ann"], "weekly", "2026-01-05T00:00", restrictions=[night]),
            layer("backstop", ["zed"], "weekly", "2026-01-05T00:00"),
        ],
    )
    friday = utc(2026, 1, 9)
    assert people(schedule, friday + timedelta(hours=21, minutes=59)) == ["zed"]
    assert people(schedule, friday + timedelta(hours=22)) == ["ann"]
    assert people(schedule, friday + timedelta(hours=29, minutes=59)) == ["ann"]  # Sat 05:59
    assert people(schedule, friday + timedelta(hours=30)) == ["zed"]  # Sat 06:00
    assert people(schedule, friday + timedelta(hours=47)) == [
        "zed"
    ]  # Sat 23:00: not a Saturday window
    assert people(schedule, friday - timedelta(hours=1)) == ["zed"]  # Thu 23:00
    assert [e.source for e in who(schedule, friday + timedelta(hours=23))] == ["layer:night"]
    allday = build(
        "UTC",
        [
            layer(
                "d",
                ["ann"],
                "weekly",
                "2026-01-05T00:00",
                restrictions=[{"days": ["wed"], "start": "10:00", "end": "10:00"}],
            ),
        ],
    )
    wednesday = utc(2026, 1, 7)
    assert people(allday, wednesday + timedelta(hours=9, minutes=59)) == []
    assert people(allday, wednesday + timedelta(hours=10)) == ["ann"]
    assert people(allday, wednesday + timedelta(hours=33, minutes=59)) == ["ann"]  # Thu 09:59
    assert people(allday, wednesday + timedelta(hours=34)) == []


def test_night_window_across_the_autumn_clock_change() -> None:
    # Saturday 22:00 BST (21:00Z) to Sunday 06:00 GMT (06:00Z): nine hours that night
    window = {"days": ["sat"], "start": "22:00", "end": "06:00"}
    schedule = build(
        "Europe/London",
        [layer("night", ["ann"], "weekly", "2026-10-19T09:00", restrictions=[window])],
    )
    found = [s for s in segments(schedule, utc(2026, 10, 24), utc(2026, 10, 26)) if s.oncall]
    assert [(s.start, s.end) for s in found] == [(utc(2026, 10, 24, 21), utc(2026, 10, 25, 6))]


def test_restriction_edge_in_the_repeated_hour() -> None:
    # A window ending at 01:30 on the night clocks go back: local 01:00-01:30 happens twice,
    # and both times it is inside the window (restrictions are local wall-clock times).
    window = {"days": list(DAYS), "start": "22:00", "end": "01:30"}
    schedule = build(
        "Europe/London",
        [layer("night", ["ann"], "weekly", "2026-10-19T09:00", restrictions=[window])],
    )
    assert people(schedule, utc(2026, 10, 25, 0, 15)) == ["ann"]  # 01:15 BST
    assert people(schedule, utc(2026, 10, 25, 0, 45)) == []  # 01:45 BST
    assert people(schedule, utc(2026, 10, 25, 1, 15)) == ["ann"]  # 01:15 GMT
    assert people(schedule, utc(2026, 10, 25, 1, 45)) == []  # 01:45 GMT
    found = [s for s in segments(schedule, utc(2026, 10, 24, 20), utc(2026, 10, 25, 4)) if s.oncall]
    assert [(s.start, s.end) for s in found] == [
        (utc(2026, 10, 24, 21), utc(2026, 10, 25, 0, 30)),
        (utc(2026, 10, 25, 1), utc(2026, 10, 25, 1, 30)),
    ]
    check_segments(schedule, (utc(2026, 10, 23), utc(2026, 10, 27)))
    opening = build(
        "Europe/London",
        [
            layer(
                "early",
                ["ann"],
                "weekly",
                "2026-10-19T09:00",
                restrictions=[{"days": ["sun"], "start": "01:30", "end": "03:00"}],
            ),
            layer("backstop", ["zed"], "weekly", "2026-10-19T09:00"),
        ],
    )
    found = segments(opening, utc(2026, 10, 25), utc(2026, 10, 25, 4))
    assert [(s.start, s.end, s.people) for s in found] == [
        (utc(2026, 10, 25), utc(2026, 10, 25, 0, 30), ("zed",)),
        (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1), ("ann",)),  # 01:30-02:00 BST
        (utc(2026, 10, 25, 1), utc(2026, 10, 25, 1, 30), ("zed",)),  # 01:00-01:30 GMT
        (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 3), ("ann",)),  # 01:30-03:00 GMT
        (utc(2026, 10, 25, 3), utc(2026, 10, 25, 4), ("zed",)),
    ]


def test_version_change_mid_rotation_keeps_the_shift_count() -> None:
    schedule = build(
        "UTC",
        [
            layer(
                "w",
                ["ann", "bob", "cat"],
                "weekly",
                "2026-01-05T09:00",
                versions=[{"effective_from": "2026-01-21T12:00:00Z", "members": ["xia", "yan"]}],
            )
        ],
    )
    assert people(schedule, utc(2026, 1, 19, 9)) == ["cat"]  # shift 2
    assert people(schedule, utc(2026, 1, 21, 11, 59)) == ["cat"]
    assert people(schedule, utc(2026, 1, 21, 12)) == ["xia"]  # still shift 2: 2 mod 2 = 0
    assert people(schedule, utc(2026, 1, 26, 9)) == ["yan"]  # shift 3
    assert people(schedule, utc(2026, 2, 2, 9)) == ["xia"]  # shift 4
    found = segments(schedule, utc(2026, 1, 19, 9), utc(2026, 1, 27))
    assert [(s.start, s.people) for s in found] == [
        (utc(2026, 1, 19, 9), ("cat",)),
        (utc(2026, 1, 21, 12), ("xia",)),
        (utc(2026, 1, 26, 9), ("yan",)),
    ]


def test_override_straddling_a_handoff() -> None:
    schedule = build(
        "UTC",
        [layer("w", ["ann", "bob"], "weekly", "2026-01-05T09:00")],
        overrides=[
            {
                "start": "2026-01-11T00:00:00Z",
                "end": "2026-01-13T00:00:00Z",
                "replace": "ann",
                "with": "rik",
            },
            {"start": "2026-01-12T06:00:00Z", "end": "2026-01-12T12:00:00Z", "add": "sam"},
            {"start": "2026-01-12T10:00:00Z", "end": "2026-01-12T11:00:00Z", "remove": "bob"},
        ],
    )
    found = segments(schedule, utc(2026, 1, 10), utc(2026, 1, 14))
    assert [(s.start, s.end, [(e.person, e.source) for e in s.oncall]) for s in found] == [
        (utc(2026, 1, 10), utc(2026, 1, 11), [("ann", "layer:w")]),
        (utc(2026, 1, 11), utc(2026, 1, 12, 6), [("rik", "override")]),
        (utc(2026, 1, 12, 6), utc(2026, 1, 12, 9), [("rik", "override"), ("sam", "override")]),
        # the handoff: ann is no longer on call, so there is nobody to replace
        (utc(2026, 1, 12, 9), utc(2026, 1, 12, 10), [("bob", "layer:w"), ("sam", "override")]),
        (utc(2026, 1, 12, 10), utc(2026, 1, 12, 11), [("sam", "override")]),
        (utc(2026, 1, 12, 11), utc(2026, 1, 12, 12), [("bob", "layer:w"), ("sam", "override")]),
        (utc(2026, 1, 12, 12), utc(2026, 1, 14), [("bob", "layer:w")]),
    ]


def test_replacing_with_someone_already_on_call_lists_them_once() -> None:
    schedule = build(
        "UTC",
        [layer("w", ["ann", "bob"], "weekly", "2026-01-05T09:00")],
        overrides=[
            {"start": "2026-01-06T00:00:00Z", "end": "2026-01-07T00:00:00Z", "add": "bob"},
            {
                "start": "2026-01-06T00:00:00Z",
                "end": "2026-01-07T00:00:00Z",
                "replace": "ann",
                "with": "bob",
            },
        ],
    )
    assert [(e.person, e.source) for e in who(schedule, utc(2026, 1, 6, 12))] == [
        ("bob", "override")
    ]


def test_times_before_the_anchor_wrap() -> None:
    schedule = build("UTC", [layer("w", ["ann", "bob", "cat"], "weekly", "2026-06-01T09:00")])
    assert people(schedule, utc(2026, 6, 1, 9)) == ["ann"]  # shift 0
    assert people(schedule, utc(2026, 6, 1, 8, 59)) == ["cat"]  # shift -1
    assert people(schedule, utc(2026, 5, 20)) == ["bob"]  # shift -2
    assert people(schedule, utc(2026, 5, 11, 9)) == ["ann"]  # shift -3
    assert people(schedule, utc(2026, 5, 11, 8, 59)) == ["cat"]  # shift -4
    # 2020-06-01 09:00 is 313 weeks before: shift -313, and -313 mod 3 = 2
    assert people(schedule, utc(2020, 6, 1, 8, 59)) == [["ann", "bob", "cat"][-314 % 3]]
    assert people(schedule, utc(2020, 6, 1, 9)) == [["ann", "bob", "cat"][-313 % 3]]
    london = build(
        "Europe/London", [layer("w", ["ann", "bob", "cat"], "daily", "2026-11-01T09:00")]
    )
    # 2026-03-30 09:00 BST is 216 days before the anchor (08:00Z)
    assert people(london, utc(2026, 3, 30, 8)) == [["ann", "bob", "cat"][-216 % 3]]
    assert people(london, utc(2026, 3, 30, 7, 59)) == [["ann", "bob", "cat"][-217 % 3]]


def naive_weekly(members: list[str], anchor: datetime, zone: ZoneInfo, at: datetime) -> str:
    """Walk week by week; 09:00 exists every day in London, so fold 0 is the instant."""
    index = 0
    while (anchor + (index + 1) * timedelta(weeks=1)).replace(tzinfo=zone) <= at:
        index += 1
    return members[index % len(members)]


def test_ten_years_after_the_anchor() -> None:
    zone = ZoneInfo("Europe/London")
    members = ["ann", "bob", "cat", "dan", "eve"]
    schedule = build("Europe/London", [layer("w", members, "weekly", "2026-01-05T09:00")])
    anchor = datetime(2026, 1, 5, 9)
    for at in (
        utc(2036, 1, 7, 12),
        utc(2036, 6, 30, 7, 59),  # Monday 08:59 BST
        utc(2036, 6, 30, 8),  # Monday 09:00 BST
        utc(2035, 12, 31, 8, 59),
        utc(2035, 12, 31, 9),
    ):
        assert people(schedule, at) == [naive_weekly(members, anchor, zone, at)], at
    # segments ten years on: the handoff is still Monday 09:00 local
    found = segments(schedule, utc(2036, 6, 28), utc(2036, 7, 2))
    assert [s.start for s in found[1:]] == [utc(2036, 6, 30, 8)]
    hourly = build("America/New_York", [layer("h", members, "hourly", "2026-01-05T09:00")])
    at = utc(2036, 11, 2, 12, 30)  # 07:30 EST
    hours = int(
        (at.astimezone(ZoneInfo("America/New_York")).replace(tzinfo=None) - datetime(2026, 1, 5, 9))
        / timedelta(hours=1)
    )
    assert people(hourly, at) == [members[hours % 5]]


def test_one_answer_costs_the_same_a_week_or_ten_years_out() -> None:
    schedule = build(
        "Europe/London",
        [
            layer(
                "day",
                ["ann", "bob", "cat"],
                "daily",
                "2026-01-05T01:30",
                restrictions=[
                    {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}
                ],
                versions=[{"effective_from": "2026-02-01T00:00:00Z", "members": ["ann", "dan"]}],
            ),
            layer("all", ["zed", "yan"], "hourly", "2026-01-05T01:30"),
        ],
        overrides=[{"start": "2026-01-20T00:00:00Z", "end": "2026-01-21T00:00:00Z", "add": "sam"}],
    )
    start = utc(2026, 1, 5, 1, 30)

    def timed(offset: timedelta) -> float:
        moments = [start + offset + n * timedelta(minutes=37) for n in range(2000)]
        best = math.inf
        for _ in range(3):
            began = time.perf_counter()
            for moment in moments:
                who(schedule, moment)
            best = min(best, time.perf_counter() - began)
        return best

    week, decade = timed(timedelta(weeks=1)), timed(timedelta(days=3652))
    assert decade < 3 * week, (week, decade)


# --- person spans, previews, diffs ----------------------------------------------------------


def office_schedule(**rest: Any) -> Schedule:
    weekdays = {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "09:00", "end": "17:00"}
    return build(
        "UTC",
        [
            layer("office", ["ann", "bob"], "weekly", "2026-01-05T09:00", restrictions=[weekdays]),
            layer("backstop", ["zed"], "weekly", "2026-01-05T09:00"),
        ],
        **rest,
    )


def test_person_spans_on_a_restricted_layer() -> None:
    schedule = office_schedule(
        overrides=[{"start": "2026-01-07T12:00:00Z", "end": "2026-01-08T12:00:00Z", "add": "sam"}]
    )
    spans = person_spans(schedule, utc(2026, 1, 7, 14))
    assert spans == [
        (OnCall("ann", "layer:office"), utc(2026, 1, 7, 9), utc(2026, 1, 7, 17)),
        (OnCall("sam", "override"), utc(2026, 1, 7, 12), utc(2026, 1, 8, 12)),
    ]
    assert person_spans(schedule, utc(2026, 1, 7, 20)) == [
        (OnCall("zed", "layer:backstop"), utc(2026, 1, 7, 17), utc(2026, 1, 8, 9)),
        (OnCall("sam", "override"), utc(2026, 1, 7, 12), utc(2026, 1, 8, 12)),
    ]
    # the weekend: zed from Friday 17:00 to Monday 09:00, when bob's week starts
    assert person_spans(schedule, utc(2026, 1, 10, 12)) == [
        (OnCall("zed", "layer:backstop"), utc(2026, 1, 9, 17), utc(2026, 1, 12, 9)),
    ]
    assert person_spans(schedule, utc(2026, 1, 12, 9)) == [
        (OnCall("bob", "layer:office"), utc(2026, 1, 12, 9), utc(2026, 1, 12, 17)),
    ]


def test_preview_shifts_merge_across_changes_that_do_not_affect_the_person() -> None:
    schedule = build(
        "UTC",
        [layer("w", ["ann", "bob"], "weekly", "2026-01-05T09:00")],
        overrides=[{"start": "2026-01-06T00:00:00Z", "end": "2026-01-06T06:00:00Z", "add": "sam"}],
    )
    found = segments(schedule, utc(2026, 1, 5, 9), utc(2026, 1, 19, 9))
    assert len(found) == 4  # ann, ann+sam, ann, bob
    assert shifts(found) == [
        (utc(2026, 1, 5, 9), utc(2026, 1, 12, 9), "ann", "layer:w"),
        (utc(2026, 1, 6), utc(2026, 1, 6, 6), "sam", "override"),
        (utc(2026, 1, 12, 9), utc(2026, 1, 19, 9), "bob", "layer:w"),
    ]


def test_diff_of_a_member_replaced_in_a_version() -> None:
    members = ["ann", "bob", "cat"]
    base = build("UTC", [layer("w", members, "weekly", "2026-01-05T09:00")])
    version = {"effective_from": "2026-01-12T09:00:00Z", "members": ["ann", "dan", "cat"]}
    head = build("UTC", [layer("w", members, "weekly", "2026-01-05T09:00", versions=[version])])
    start, end = utc(2026, 1, 5, 9), utc(2026, 2, 2, 9)  # four weeks: ann bob cat ann
    result = diff.compare(base, head, start, end)
    assert result is not None and result.status == "changed"
    assert result.changes == [(utc(2026, 1, 12, 9), utc(2026, 1, 19, 9), ("bob",), ("dan",))]
    assert result.hours == {"bob": -168.0, "dan": 168.0}
    assert sum(result.hours.values()) == 0
    assert result.removed == [(utc(2026, 1, 12, 9), utc(2026, 1, 19, 9), "bob", "layer:w")]
    assert result.added == [(utc(2026, 1, 12, 9), utc(2026, 1, 19, 9), "dan", "layer:w")]
    text = diff.markdown([result], "main", "HEAD", 28)
    assert "| Mon 2026-01-12 09:00 UTC | Mon 2026-01-19 09:00 UTC | bob | dan |" in text
    assert "**On-call time:** bob −7 d, dan +7 d" in text, text
    assert diff.compare(base, base, start, end) is None
    assert "no shift changes" in diff.markdown([], "main", "HEAD", 28)


def test_diff_of_a_schedule_added_or_removed() -> None:
    schedule = build("UTC", [layer("w", ["ann", "bob"], "weekly", "2026-01-05T09:00")])
    start, end = utc(2026, 1, 5, 9), utc(2026, 1, 19, 9)
    added = diff.compare(None, schedule, start, end)
    removed = diff.compare(schedule, None, start, end)
    assert added is not None and removed is not None
    assert (added.status, removed.status) == ("added", "removed")
    assert added.added == removed.removed == shifts(segments(schedule, start, end))
    assert added.hours == {"ann": 168.0, "bob": 168.0}
    assert removed.hours == {"ann": -168.0, "bob": -168.0}
    text = diff.markdown([added, removed], "main", "HEAD", 14)
    assert "— new schedule" in text and "— schedule removed" in text
    assert diff.compare(None, None, start, end) is None


# --- escalation -----------------------------------------------------------------------------


def test_escalation_chain_with_severity_conditions_and_repeat() -> None:
    policy = escalation.policy_from_data(
        {
            "id": "p",
            "steps": [
                {"after": "0m", "notify": ["schedule:sched"]},
                {"after": "15m", "notify": ["person:lead"], "when": {"severity": ["SEV1", "SEV2"]}},
                {"after": "1h", "notify": ["person:boss", "schedule:missing"]},
            ],
            "repeat": 1,
        }
    )
    schedule = build("UTC", [layer("h", ["ann", "bob"], "hourly", "2026-01-05T00:00")])
    start = utc(2026, 1, 5, 8, 30)  # shift 8: ann; 09:00-10:00 is bob's

    def plan(severity: str | None) -> list[tuple[int, int, int, str, tuple[str, ...]]]:
        notes = escalation.chain(policy, {"sched": schedule}, start, severity)
        return [(n.minute, n.step, n.round, n.target, n.people) for n in notes]

    assert plan("SEV1") == [
        (0, 1, 1, "schedule:sched", ("ann",)),
        (15, 2, 1, "person:lead", ("lead",)),
        (75, 3, 1, "person:boss", ("boss",)),
        (75, 3, 1, "schedule:missing", ()),
        (75, 1, 2, "schedule:sched", ("bob",)),
        (90, 2, 2, "person:lead", ("lead",)),
        (150, 3, 2, "person:boss", ("boss",)),
        (150, 3, 2, "schedule:missing", ()),
    ]
    # a step that does not apply is skipped with its delay
    assert plan("SEV3") == [
        (0, 1, 1, "schedule:sched", ("ann",)),
        (60, 3, 1, "person:boss", ("boss",)),
        (60, 3, 1, "schedule:missing", ()),
        (60, 1, 2, "schedule:sched", ("bob",)),
        (120, 3, 2, "person:boss", ("boss",)),
        (120, 3, 2, "schedule:missing", ()),
    ]
    assert [n[0] for n in plan(None)] == [n[0] for n in plan("SEV1")]


@pytest.mark.parametrize(("text", "minutes"), [("0m", 0), ("15m", 15), ("90m", 90), ("2h", 120)])
def test_duration_parsing(text: str, minutes: int) -> None:
    assert escalation.duration_minutes(text) == minutes


def test_escalation_to_a_schedule_with_a_gap_notifies_nobody() -> None:
    policy = escalation.policy_from_data(
        {"id": "p", "steps": [{"after": "0m", "notify": ["schedule:office"]}]}
    )
    office = build(
        "UTC",
        [
            layer(
                "o",
                ["ann"],
                "weekly",
                "2026-01-05T09:00",
                restrictions=[{"days": ["mon"], "start": "09:00", "end": "17:00"}],
            )
        ],
    )
    notes = escalation.chain(policy, {"office": office}, utc(2026, 1, 6, 3))
    assert [(n.target, n.people) for n in notes] == [("schedule:office", ())]


# --- iCalendar ------------------------------------------------------------------------------


def test_ical_round_trip_equals_the_preview_shifts() -> None:
    schedule = build(
        "Europe/London",
        [
            layer(
                "night",
                ["ann", "bob"],
                "daily",
                "2026-10-20T01:30",
                restrictions=[{"days": list(DAYS), "start": "22:00", "end": "01:45"}],
            ),
            layer("day", ["cat", "dan"], "weekly", "2026-10-19T09:00"),
        ],
        overrides=[{"start": "2026-10-25T01:15:00Z", "end": "2026-10-25T01:40:00Z", "add": "sam"}],
    )
    rows = shifts(segments(schedule, utc(2026, 10, 22), utc(2026, 10, 29)))
    assert any(s.astimezone(schedule.zone).fold for s, _, _, _ in rows)  # a repeated-hour start
    data = ical.calendar("On call: test", [(schedule, *row) for row in rows], utc(2026, 10, 1))
    parsed = Calendar.from_ical(data)
    events = sorted(
        (e.decoded("dtstart"), e.decoded("dtend"), str(e.get("summary")))
        for e in parsed.walk("VEVENT")
    )
    assert events == sorted((s, e, f"On call: {person} (sched)") for s, e, person, _ in rows)
    tzids = {str(tz.get("tzid")) for tz in parsed.walk("VTIMEZONE")}
    assert tzids == {"Europe/London"}  # RFC 5545: every TZID used has a VTIMEZONE
    assert parsed.get("x-wr-calname") == "On call: test"
