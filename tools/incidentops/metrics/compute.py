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

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from incidentops.base.timeutil import parse_date
from incidentops.incident.durations import as_utc, aware_time, incident_durations
from incidentops.metrics.model import PHASES, ActionItems, Group, Report, stat

GROUPINGS = ("severity", "service", "month")
RESPONSE = ("mttd", "mtta", "mttr")
UNKNOWN = "unknown"
_OPEN = frozenset(("investigating", "identified", "mitigated"))
_FINAL = frozenset(("resolved", "closed", "cancelled"))
_BUCKETS = ("open", "resolved", "closed", "cancelled", "other")


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
    since, until = as_utc(since), as_utc(until)
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
        anchor = aware_time(data.get("declared_at")) or aware_time(data.get("started_at"))
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
        durations = [] if status == "cancelled" else incident_durations(data)
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
