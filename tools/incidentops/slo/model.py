"""A service's SLO as written in ``oncall/services.yaml``, and the windows it is measured over.

Field names follow the OpenSLO spec (``target``, ``timeWindow`` with ``duration`` and
``isRolling``) so they read familiar::

    slo:
      target: 0.999
      timeWindow: {duration: 30d, isRolling: true}     # or {duration: 1M, isRolling: false}
      charge: {SEV1: 1.0, SEV2: 0.5}                   # the share of an incident's time charged
      until: mitigated                                 # or resolved

A rolling window (``Nh``, ``Nd``, ``Nw``) ends at the moment asked about; a calendar window
(``1M`` a month, ``1Q`` a quarter, in UTC) is the period holding that moment, and its budget is
the whole period's even before it is over.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

# What an incident's time costs, by severity: a SEV1 is a major outage (all of its time
# counts), a SEV2 a partial outage (half), a SEV3 or SEV4 degraded service (none). The status
# page's component states map the same way.
DEFAULT_CHARGE = {"SEV1": 1.0, "SEV2": 0.5, "SEV3": 0.0, "SEV4": 0.0}
UNTIL = ("mitigated", "resolved")
_ROLLING = re.compile(r"([1-9][0-9]{0,3})([hdw])\Z")
_CALENDAR = {"1M": 1, "1Q": 3}  # months per period
_UNIT = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
MAX_ROLLING = timedelta(days=366)


class SLOError(ValueError):
    """An SLO the engine cannot compute, said in one line."""


@dataclass(frozen=True)
class Window:
    duration: str  # as written: 30d, 1M
    rolling: bool

    def bounds(self, at: datetime) -> tuple[datetime, datetime, timedelta]:
        """(start, end, length of the whole window) for the window holding ``at`` (UTC).
        A calendar window's end is ``at`` (what has happened so far); its length is the whole
        period's, which the budget is a share of."""
        at = at.astimezone(UTC)
        if self.rolling:
            length = rolling_length(self.duration)
            return at - length, at, length
        months = _CALENDAR[self.duration]
        first_month = (at.month - 1) // months * months + 1
        start = datetime(at.year, first_month, 1, tzinfo=UTC)
        following = first_month + months
        end_year, end_month = at.year + (following - 1) // 12, (following - 1) % 12 + 1
        return start, at, datetime(end_year, end_month, 1, tzinfo=UTC) - start

    def describe(self) -> str:
        if self.rolling:
            return f"rolling {self.duration}"
        return {"1M": "calendar month", "1Q": "calendar quarter"}[self.duration]


@dataclass(frozen=True)
class SLO:
    service: str
    target: float
    window: Window
    charge: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_CHARGE))
    until: str = "mitigated"
    max_burn: dict[str, float] = field(default_factory=dict)  # the policy: span -> rate

    def weight(self, severity: Any) -> float:
        return self.charge.get(str(severity), 0.0)


def rolling_length(duration: str) -> timedelta:
    match = _ROLLING.match(duration)
    if match is None:
        raise SLOError(f"rolling window {duration!r}: give hours, days or weeks (28d, 4w)")
    length = int(match.group(1)) * _UNIT[match.group(2)]
    if length > MAX_ROLLING:
        raise SLOError(f"rolling window {duration!r} is longer than {MAX_ROLLING.days} days")
    return length


def window_of(value: Any) -> Window:
    """The window a ``timeWindow`` mapping describes, or SLOError saying why not."""
    if not isinstance(value, dict):
        raise SLOError("timeWindow: give {duration: 30d, isRolling: true}")
    duration, rolling = str(value.get("duration", "")), value.get("isRolling", True)
    if not isinstance(rolling, bool):
        raise SLOError("timeWindow.isRolling: true or false")
    if rolling:
        rolling_length(duration)
    elif duration not in _CALENDAR:
        raise SLOError(
            f"calendar window {duration!r}: 1M (a month) or 1Q (a quarter); "
            "for a number of days use isRolling: true"
        )
    return Window(duration, rolling)


BURN_SPANS = ("1h", "6h", "3d")  # the spans budget.BURN_SPANS measures


def _fraction(value: Any, what: str, low: float, high: float | None) -> float:
    """A finite number from ``low`` (a rate: above it) to ``high``, or SLOError naming it."""
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number):
        raise SLOError(f"{what}: {value!r} is not a number")
    if high is None and number <= low:
        raise SLOError(f"{what}: {value!r} must be above {low:g}")
    if high is not None and not low <= number <= high:
        raise SLOError(f"{what}: {value!r} must be from {low:g} to {high:g}")
    return float(number)


def slo_of(service: dict[str, Any]) -> SLO | None:
    """The service's SLO (None when it has none); SLOError when it cannot be computed."""
    raw = service.get("slo")
    if not isinstance(raw, dict):
        return None
    target = raw.get("target")
    if (
        isinstance(target, bool)
        or not isinstance(target, int | float)
        or not math.isfinite(target)
        or not 0 < target < 1
    ):
        raise SLOError(f"target {target!r}: a fraction between 0 and 1 (0.999 for 99.9%)")
    charge = dict(DEFAULT_CHARGE)
    given = raw.get("charge") or {}
    if not isinstance(given, dict):
        raise SLOError("charge: a share from 0 to 1 per severity, e.g. {SEV1: 1.0, SEV2: 0.5}")
    charge.update({str(k): _fraction(v, f"charge.{k}", 0.0, 1.0) for k, v in given.items()})
    until = str(raw.get("until", "mitigated"))
    if until not in UNTIL:
        raise SLOError(f"until {until!r}: one of {', '.join(UNTIL)}")
    policy = raw.get("policy") or {}
    limits = policy.get("max_burn") if isinstance(policy, dict) else None
    if not isinstance(policy, dict) or not isinstance(limits or {}, dict):
        raise SLOError("policy.max_burn: a rate per span, e.g. {1h: 14.4, 6h: 6}")
    max_burn = {}
    for span, rate in (limits or {}).items():
        if str(span) not in BURN_SPANS:
            raise SLOError(f"policy.max_burn.{span}: a span is one of {', '.join(BURN_SPANS)}")
        max_burn[str(span)] = _fraction(rate, f"policy.max_burn.{span}", 0.0, None)
    window = window_of(raw.get("timeWindow"))
    return SLO(str(service.get("name")), float(target), window, charge, until, max_burn)


def window_named(name: str) -> Window:
    """``--window``: ``7d``/``4w``/``12h`` (rolling), ``month`` or ``quarter`` (calendar)."""
    calendar = {"month": "1M", "quarter": "1Q", "1M": "1M", "1Q": "1Q"}
    if name in calendar:
        return Window(calendar[name], rolling=False)
    rolling_length(name)
    return Window(name, rolling=True)
