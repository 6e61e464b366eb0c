"""What ``metrics.compute`` returns: a :class:`Report` of :class:`Group` values, each with
counts, :class:`Stat` summaries (n, mean, median, p90 by nearest rank) and action-item
tallies, with ``to_dict`` for the versioned JSON output."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

PHASES = ("investigating", "identified", "mitigated", "resolved")
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
