"""Incident metrics from the files alone: counts, MTTD/MTTA/MTTR, time in each status and
action-item completion, overall and per severity, service or month. Pure: plain incident and
postmortem data in, a :class:`Report` out; the renderers turn it into JSON, text or Markdown.

Definitions (DESIGN §3; every duration in seconds)

Selection
    An incident is placed in time by ``declared_at``, or ``started_at`` when ``declared_at`` is
    missing or unparseable (its *anchor*). With ``since``/``until`` only incidents whose anchor is
    in ``[since, until)`` are selected; an incident with no anchor is selected only when neither
    bound is given. Naive bounds are taken as UTC.

Groups
    ``overall`` holds every selected incident. ``by="severity"`` groups by the ``severity``
    field, ``by="service"`` by each entry of ``services`` (an incident with two services counts
    in both groups, so group counts can add up to more than the overall count), ``by="month"``
    by the anchor's ``YYYY-MM`` in UTC. A missing value groups under ``"unknown"``. Groups are
    sorted by key, ``"unknown"`` last.

Counts
    ``count`` is every selected incident; ``open`` (investigating, identified, mitigated),
    ``resolved``, ``closed``, ``cancelled`` and ``other`` (any other status value) add up to it.

Response times (cancelled incidents excluded)
    MTTD = ``detected_at - started_at``, MTTA = ``acknowledged_at - detected_at``,
    MTTR = ``resolved_at - started_at``. An incident contributes to a metric only when both
    timestamps parse and the difference is not negative (a negative one breaks the lifecycle
    invariant, which ``validate`` reports); ``n`` says how many did.

Time in each status (cancelled incidents excluded)
    From the lifecycle timestamps, taken as a forward path of milestones::

        declared_at -> identified -> mitigated_at -> resolved_at -> closed_at
        (investigating) (identified)  (mitigated)    (resolved)

    There is no ``identified_at`` field, so the *identified* moment is the ``at`` of the first
    timeline event of kind ``status`` whose new state is ``identified`` (``"Status
    investigating -> identified ..."`` as people write it, or ``"Status: identified"`` as
    ``incidentops`` writes it). Milestones that are missing are skipped: a status's time runs from
    its milestone to the next milestone present, so an incident resolved straight from
    investigating spends ``resolved_at - declared_at`` in investigating. A status whose milestone
    is missing gets no value; the current status of an open incident has no end yet and gets no
    value either (no clock is read, so the numbers depend on the files only); a negative interval
    (out-of-order timestamps) is skipped. The lifecycle timestamps are preferred to the timeline
    because they are structured and checked by ``validate``; the price is that regressions and
    reopenings are not modelled: each milestone counts once, at the time recorded in the file
    (``mitigated_at`` after a regression is the latest mitigation), and time after a reopen is
    attributed to the status before it. ``closed`` is final and has no duration.

Statistics
    ``n``, ``mean``, ``median`` (the mean of the two middle values when ``n`` is even) and ``p90``
    by nearest rank: the ``ceil(0.9 * n)``-th smallest value. All ``None`` when ``n`` is 0.

Action items
    From the postmortems whose ``incident`` is a selected incident's ``id`` (all selected
    incidents, cancelled too), counted in every group of that incident. ``total``; ``done``;
    ``wont_do``; ``open`` = everything else (open, in-progress or an unknown status);
    ``completion_rate = done / (total - wont_do)`` (``None`` when that is 0); ``overdue`` = open
    items whose ``due`` date is before ``today``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any

from incidentops.timeutil import parse_date

GROUPINGS = ("severity", "service", "month")
PHASES = ("investigating", "identified", "mitigated", "resolved")
RESPONSE = ("mttd", "mtta", "mttr")
UNKNOWN = "unknown"
_OPEN = frozenset(("investigating", "identified", "mitigated"))
_FINAL = frozenset(("resolved", "closed", "cancelled"))
_BUCKETS = ("open", "resolved", "closed", "cancelled", "other")
_ARROW = re.compile(r"(?:->|→)\s*([A-Za-z-]+)")
_STATUS_WORD = re.compile(r"\bstatus\b\s*:?\s*([A-Za-z-]+)", re.IGNORECASE)
JSON_VERSION = 1


@dataclass(frozen=True)
class Stat:
    n: int
    mean: float | None
    median: float | None
    p90: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "mean": self.mean, "median": self.median, "p90": self.p90}


@dataclass(frozen=True)
class ActionItems:
    total: int
    done: int
    wont_do: int
    open: int
    overdue: int

    @property
    def completion_rate(self) -> float | None:
        denominator = self.total - self.wont_do
        return self.done / denominator if denominator else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "done": self.done,
            "wont_do": self.wont_do,
            "open": self.open,
            "overdue": self.overdue,
            "completion_rate": self.completion_rate,
        }


@dataclass(frozen=True)
class Group:
    key: str
    count: int
    open: int
    resolved: int
    closed: int
    cancelled: int
    other: int
    mttd: Stat
    mtta: Stat
    mttr: Stat
    time_in_status: dict[str, Stat]  # keys: PHASES, in that order
    action_items: ActionItems

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "count": self.count,
            "status": {
                "open": self.open,
                "resolved": self.resolved,
                "closed": self.closed,
                "cancelled": self.cancelled,
                "other": self.other,
            },
            "mttd": self.mttd.to_dict(),
            "mtta": self.mtta.to_dict(),
            "mttr": self.mttr.to_dict(),
            "time_in_status": {p: self.time_in_status[p].to_dict() for p in PHASES},
            "action_items": self.action_items.to_dict(),
        }


@dataclass(frozen=True)
class Report:
    today: date
    since: datetime | None
    until: datetime | None
    by: str | None
    overall: Group  # key "all"
    groups: tuple[Group, ...]  # empty when by is None

    def group(self, key: str) -> Group:
        for group in self.groups:
            if group.key == key:
                return group
        raise KeyError(key)


# --- statistics -------------------------------------------------------------------------------


def stat(values: Sequence[float]) -> Stat:
    """n, mean, median and nearest-rank p90 of ``values`` (any order)."""
    n = len(values)
    if not n:
        return Stat(0, None, None, None)
    ordered = sorted(values)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Stat(n, math.fsum(ordered) / n, median, ordered[math.ceil(0.9 * n) - 1])


# --- accumulation -----------------------------------------------------------------------------


@dataclass
class _Acc:
    key: str
    count: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_BUCKETS, 0))
    durations: dict[str, list[float]] = field(
        default_factory=lambda: {name: [] for name in (*RESPONSE, *PHASES)}
    )
    items: list[int] = field(default_factory=lambda: [0, 0, 0, 0, 0])

    def build(self) -> Group:
        d = self.durations
        s = self.statuses
        return Group(
            key=self.key,
            count=self.count,
            open=s["open"],
            resolved=s["resolved"],
            closed=s["closed"],
            cancelled=s["cancelled"],
            other=s["other"],
            mttd=stat(d["mttd"]),
            mtta=stat(d["mtta"]),
            mttr=stat(d["mttr"]),
            time_in_status={p: stat(d[p]) for p in PHASES},
            action_items=ActionItems(*self.items),
        )


def _time(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo is not None else None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    return None


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _new_state(text: str) -> str | None:
    """The state a status event's text moves to: ``"Status a -> b"`` gives b, ``"Status: b"``
    gives b, ``"Status: regressed to b"`` gives b, ``"Status: reopened"`` gives investigating."""
    arrow = _ARROW.search(text)
    if arrow:
        return arrow.group(1).lower()
    match = _STATUS_WORD.search(text)
    if not match:
        return None
    word = match.group(1).lower()
    if word == "regressed":
        rest = re.search(r"regressed\s+to\s+([A-Za-z-]+)", text, re.IGNORECASE)
        return rest.group(1).lower() if rest else None
    return "investigating" if word == "reopened" else word


def identified_at(timeline: Any) -> str | None:
    """When the timeline says the cause was identified (for the per-file summaries)."""
    moment = _identified_at(timeline)
    return moment.isoformat() if moment else None


def _identified_at(timeline: Any) -> datetime | None:
    if not isinstance(timeline, list):
        return None
    for event in timeline:
        if (
            isinstance(event, dict)
            and event.get("kind") == "status"
            and isinstance(event.get("text"), str)
            and "identified" in event["text"].lower()
            and _new_state(event["text"]) == "identified"
        ):
            moment = _time(event.get("at"))
            if moment is not None:
                return moment
    return None


def _diff(end: datetime | None, start: datetime | None) -> float | None:
    if end is None or start is None:
        return None
    seconds = (end - start).total_seconds()
    return seconds if seconds >= 0 else None


def _durations(data: dict[str, Any]) -> list[tuple[str, float]]:
    """(metric, seconds) for a non-cancelled incident: RESPONSE metrics and PHASES times."""
    started = _time(data.get("started_at"))
    detected = _time(data.get("detected_at"))
    acknowledged = _time(data.get("acknowledged_at"))
    resolved = _time(data.get("resolved_at"))
    out: list[tuple[str, float]] = []
    for name, value in (
        ("mttd", _diff(detected, started)),
        ("mtta", _diff(acknowledged, detected)),
        ("mttr", _diff(resolved, started)),
    ):
        if value is not None:
            out.append((name, value))
    milestones = (
        ("investigating", _time(data.get("declared_at"))),
        (
            "identified",
            _time(data["identified_at"])
            if "identified_at" in data
            else _identified_at(data.get("timeline")),
        ),
        ("mitigated", _time(data.get("mitigated_at"))),
        ("resolved", resolved),
        ("closed", _time(data.get("closed_at"))),
    )
    present = [(phase, moment) for phase, moment in milestones if moment is not None]
    for (phase, start), (_, end) in pairwise(present):
        value = _diff(end, start)
        if value is not None:
            out.append((phase, value))
    return out


def _group_keys(data: dict[str, Any], by: str | None, anchor: datetime | None) -> list[str]:
    if by is None:
        return []
    if by == "severity":
        severity = data.get("severity")
        return [str(severity) if isinstance(severity, str | int) else UNKNOWN]
    if by == "service":
        services = data.get("services")
        if not isinstance(services, list):
            return [UNKNOWN]
        keys = list(dict.fromkeys(str(s) for s in services if isinstance(s, str | int)))
        return keys or [UNKNOWN]
    return [anchor.astimezone(UTC).strftime("%Y-%m")] if anchor is not None else [UNKNOWN]


def _item_tally(postmortem: dict[str, Any], today: date) -> list[int]:
    """[total, done, wont_do, open, overdue] of one postmortem's action items."""
    tally = [0, 0, 0, 0, 0]
    items = postmortem.get("action_items")
    if not isinstance(items, list):
        return tally
    for item in items:
        if not isinstance(item, dict):
            continue
        tally[0] += 1
        status = item.get("status")
        if status == "done":
            tally[1] += 1
        elif status == "wont-do":
            tally[2] += 1
        else:
            tally[3] += 1
            due = item.get("due")
            due_date = due if isinstance(due, date) else parse_date(due)
            if isinstance(due_date, datetime):
                due_date = due_date.date()
            if due_date is not None and due_date < today:
                tally[4] += 1
    return tally


def compute(
    incidents: Iterable[dict[str, Any]],
    postmortems: Iterable[dict[str, Any]],
    today: date,
    since: datetime | None = None,
    until: datetime | None = None,
    by: str | None = None,
) -> Report:
    """The metrics of ``incidents`` (see the module docstring for every definition)."""
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r} (one of {', '.join(GROUPINGS)})")
    since, until = _utc(since), _utc(until)
    bounded = since is not None or until is not None

    tallies: dict[str, list[int]] = {}
    for postmortem in postmortems:
        if isinstance(postmortem, dict) and isinstance(postmortem.get("incident"), str):
            known = tallies.setdefault(postmortem["incident"], [0, 0, 0, 0, 0])
            for i, number in enumerate(_item_tally(postmortem, today)):
                known[i] += number

    overall = _Acc("all")
    groups: dict[str, _Acc] = {}
    for data in incidents:
        if not isinstance(data, dict):
            continue
        anchor = _time(data.get("declared_at")) or _time(data.get("started_at"))
        if anchor is None:
            if bounded:
                continue
        elif (since is not None and anchor < since) or (until is not None and anchor >= until):
            continue
        accs = [overall]
        for key in _group_keys(data, by, anchor):
            acc = groups.get(key)
            if acc is None:
                acc = groups[key] = _Acc(key)
            accs.append(acc)

        status = data.get("status")
        if not isinstance(status, str):
            status = None
        bucket = "open" if status in _OPEN else status if status in _FINAL else "other"
        durations = [] if status == "cancelled" else _durations(data)
        incident_id = data.get("id")
        items = tallies.get(incident_id) if isinstance(incident_id, str) else None
        for acc in accs:
            acc.count += 1
            acc.statuses[bucket] += 1
            for name, seconds in durations:
                acc.durations[name].append(seconds)
            if items is not None:
                for i, number in enumerate(items):
                    acc.items[i] += number

    ordered = sorted(groups.values(), key=lambda acc: (acc.key == UNKNOWN, acc.key))
    return Report(
        today=today,
        since=since,
        until=until,
        by=by,
        overall=overall.build(),
        groups=tuple(acc.build() for acc in ordered),
    )


# --- renderers --------------------------------------------------------------------------------
