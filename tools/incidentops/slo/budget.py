"""The arithmetic of an error budget, exact and explained.

For one service and window:

- **Budget** = (1 - target) x the window's length: 99.9% over 30 days is 43.2 minutes.
- **Downtime charged**: each incident naming the service (cancelled ones aside) is an interval
  from ``started_at`` (else ``declared_at``) to ``mitigated_at`` (else ``resolved_at``; with
  ``until: resolved``, ``resolved_at`` only), an open incident up to the moment asked about,
  weighted by its severity's charge. The intervals are merged: at every instant the heaviest
  incident covering it is charged, once, so two overlapping incidents never count twice.
  Each instant is credited to one incident (the heaviest, then the earliest to start), so the
  incidents' shares add up to the total. Intervals are clipped at the window's edges.
- **Burn rate** over the last 1 h, 6 h and 3 d: the downtime charged in that span over the
  span's length, divided by (1 - target). 1.0 spends the budget exactly over the window; the
  SRE Workbook pages at 14.4 over 1 h and 6 over 6 h for a 30-day window.
- **Runs out**: the remaining budget divided by the spend rate of the last hour (downtime
  that leaves a rolling window meanwhile is not counted back).

Times are UTC throughout; durations are computed in whole seconds from RFC 3339 stamps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from incidentops.base.timeutil import parse_time
from incidentops.slo.model import BURN_SPANS as SPAN_NAMES
from incidentops.slo.model import SLO

_LENGTHS = {"1h": timedelta(hours=1), "6h": timedelta(hours=6), "3d": timedelta(days=3)}
BURN_SPANS = tuple((name, _LENGTHS[name]) for name in SPAN_NAMES)
_OPEN = frozenset({"investigating", "identified", "mitigated"})


@dataclass(frozen=True)
class Interval:
    """The part of one incident that counts against a service's SLO."""

    incident: str
    start: datetime
    end: datetime
    weight: float


@dataclass
class Budget:
    slo: SLO
    at: datetime
    start: datetime
    end: datetime
    length: timedelta
    budget_minutes: float
    spent_minutes: float
    by_incident: list[tuple[str, float]] = field(default_factory=list)
    burn: dict[str, float] = field(default_factory=dict)
    runs_out_at: datetime | None = None

    @property
    def remaining_minutes(self) -> float:
        return self.budget_minutes - self.spent_minutes

    @property
    def spent_fraction(self) -> float:
        return self.spent_minutes / self.budget_minutes

    @property
    def exhausted(self) -> bool:
        return self.spent_minutes >= self.budget_minutes


def _moment(value: Any) -> datetime | None:
    moment = parse_time(value)
    return moment.astimezone(UTC) if moment is not None else None


def intervals(slo: SLO, incidents: Iterable[dict[str, Any]], at: datetime) -> list[Interval]:
    """Every incident's charged interval for ``slo``'s service, as known at ``at``. Incidents
    that started after ``at`` are not known yet; those without the timestamps the charge needs
    are left out (``validate`` warns about them: slo-timestamps)."""
    found = []
    for info in incidents:
        if slo.service not in (info.get("services") or ()) or info.get("status") == "cancelled":
            continue
        weight = slo.weight(info.get("severity"))
        start = _moment(info.get("started_at")) or _moment(info.get("declared_at"))
        if weight <= 0 or start is None or start >= at:
            continue
        end = end_of(slo, info)
        if end is None:
            if info.get("status") not in _OPEN:
                continue
            end = at
        end = min(end, at)
        if end > start:
            found.append(Interval(str(info.get("id")), start, end, weight))
    return found


def end_of(slo: SLO, info: dict[str, Any]) -> datetime | None:
    """Where an incident stops being charged: mitigated, else resolved (``until: resolved``:
    resolved only)."""
    if slo.until == "mitigated":
        return _moment(info.get("mitigated_at")) or _moment(info.get("resolved_at"))
    return _moment(info.get("resolved_at"))


def charged(found: list[Interval], lo: datetime, hi: datetime) -> tuple[float, dict[str, float]]:
    """Weighted downtime in seconds within [lo, hi], overlaps charged once, and each
    incident's share of it (a sweep over the start and end points: O(n log n) for n
    incidents that do not overlap much)."""
    events: list[tuple[datetime, int, int]] = []
    for index, item in enumerate(found):
        start, end = max(item.start, lo), min(item.end, hi)
        if end > start:
            events.append((start, 1, index))
            events.append((end, -1, index))
    events.sort(key=lambda e: (e[0], e[1]))  # ends before starts at the same instant
    active: set[int] = set()
    total = 0.0
    shares: dict[str, float] = {}
    previous: datetime | None = None
    for moment, change, index in events:
        if previous is not None and active and moment > previous:
            best = min(active, key=lambda i: (-found[i].weight, found[i].start, found[i].incident))
            seconds = (moment - previous).total_seconds() * found[best].weight
            total += seconds
            shares[found[best].incident] = shares.get(found[best].incident, 0.0) + seconds
        if change > 0:
            active.add(index)
        else:
            active.discard(index)
        previous = moment
    return total, shares


def budget(slo: SLO, incidents: Iterable[dict[str, Any]], at: datetime) -> Budget:
    """``slo``'s budget at ``at`` from every incident known then."""
    at = at.astimezone(UTC)
    found = intervals(slo, incidents, at)
    start, end, length = slo.window.bounds(at)
    allowed = 1.0 - slo.target
    seconds, shares = charged(found, start, end)
    result = Budget(
        slo,
        at,
        start,
        end,
        length,
        budget_minutes=allowed * length.total_seconds() / 60,
        spent_minutes=seconds / 60,
        by_incident=sorted(
            ((ident, s / 60) for ident, s in shares.items()), key=lambda x: (-x[1], x[0])
        ),
    )
    for name, span in BURN_SPANS:
        spent, _ = charged(found, at - span, at)
        result.burn[name] = spent / span.total_seconds() / allowed
    rate = result.burn["1h"] * allowed  # minutes of downtime per minute, lately
    if result.exhausted:
        result.runs_out_at = at
    elif rate > 0:
        try:
            result.runs_out_at = at + timedelta(minutes=result.remaining_minutes / rate)
        except OverflowError:  # a trickle: not within any date a calendar holds
            result.runs_out_at = None
    return result


def budgets(slos: Iterable[SLO], incidents: Iterable[dict[str, Any]], at: datetime) -> list[Budget]:
    every = list(incidents)
    return [budget(slo, every, at) for slo in slos]
