"""Times as people type them: RFC 3339, ``now``, ``+2d``, ``-3h``, ``10m ago``, ``in 2 weeks``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_WORDS = {
    "sec": "s",
    "second": "s",
    "min": "m",
    "minute": "m",
    "hour": "h",
    "day": "d",
    "week": "w",
}
_RELATIVE = re.compile(
    r"^(?:(?P<sign>[+-])\s*|in\s+)?(?P<n>\d+)\s*(?P<unit>[smhdw]|sec|second|min|minute|hour|day"
    r"|week)s?(?P<ago>\s+ago)?$"
)


# Times outside these years are typing mistakes, and the arithmetic done with them (next
# update due, durations, on-call look-ahead) must not overflow Python's datetime.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class TimeError(ValueError):
    """Text that is not a time; the message says what is accepted."""


def parse_when(text: str, now: datetime) -> datetime:
    """An aware datetime for ``text``; RFC 3339 needs an offset (``Z`` or ``+01:00``).
    Times before 1970 or from the year 9000 on are refused."""
    try:
        moment = _parse(text, now)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, TimeError):
            raise
        moment = None
    if moment is None or not EARLIEST <= moment < LATEST:
        raise TimeError(f"{_shown(text)} is out of range: give a time from 1970 to 8999")
    return moment


def _shown(text: str) -> str:
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _parse(text: str, now: datetime) -> datetime:
    value = text.strip().lower()
    if value == "now":
        return now
    match = _RELATIVE.match(value)
    if match:
        unit = _WORDS.get(match["unit"], match["unit"])
        delta = timedelta(seconds=int(match["n"]) * _UNITS[unit])
        return now - delta if match["ago"] or match["sign"] == "-" else now + delta
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise TimeError(
            f"{_shown(text)} is not a time: use RFC 3339 with an offset (2026-11-22T10:15:00Z), "
            "'now', or a relative time such as '+2d', '-3h', '10m ago'"
        ) from None
    if moment.tzinfo is None:
        raise TimeError(f"{_shown(text)} has no UTC offset: add Z or +HH:MM")
    return moment.astimezone(UTC)
