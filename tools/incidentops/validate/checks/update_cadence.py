"""Status updates were published at the severity's cadence while the incident was open.

Each gap between consecutive published ``updates`` (and from ``declared_at`` to the first,
and from the last to ``resolved_at``) longer than the severity's ``update_cadence_minutes``
is a warning naming the gap. Defaults: SEV1 15 min, SEV2 30, SEV3 60, SEV4 daily.

Passing (SEV2)::

    declared_at: 2026-11-22T10:00:00Z
    updates:
      - {at: 2026-11-22T10:20:00Z, audience: internal, text: ...}
      - {at: 2026-11-22T10:45:00Z, audience: internal, text: ...}

Failing (SEV2, "no update for 47 min; SEV2 expects one every 30 min")::

    declared_at: 2026-11-22T10:00:00Z
    updates:
      - {at: 2026-11-22T10:47:00Z, audience: internal, text: ...}
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from incidentops.base.timeutil import minutes, parse_time
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "update-cadence",
            "warning",
            "status updates further apart than the severity's cadence",
            ("incident",),
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    data = ctx.data
    severity = ctx.config.severity(str(data.get("severity")))
    declared = parse_time(data.get("declared_at"))
    if severity is None or declared is None:
        return
    cadence = severity.update_cadence_minutes * 60
    updates: list[Any] = data["updates"] if isinstance(data.get("updates"), list) else []
    marks = sorted(
        (moment, index)
        for index, update in enumerate(updates)
        if isinstance(update, dict) and (moment := parse_time(update.get("at"))) is not None
    )
    previous = declared
    for moment, index in marks:
        gap = (moment - previous).total_seconds()
        if gap > cadence:
            line, column = ctx.at("updates", index, "at")
            yield line, column, _message(gap, previous.isoformat(), severity.level, cadence)
        previous = max(previous, moment)
    ended = parse_time(data.get("resolved_at")) or parse_time(data.get("cancelled_at"))
    if ended is not None and (ended - previous).total_seconds() > cadence:
        key = "resolved_at" if data.get("resolved_at") else "cancelled_at"
        line, column = ctx.at(key)
        yield (
            line,
            column,
            _message(
                (ended - previous).total_seconds(), previous.isoformat(), severity.level, cadence
            ),
        )


def _message(gap: float, since: str, level: str, cadence: int) -> str:
    return (
        f"no update for {minutes(gap)} (since {since}); "
        f"{level} expects one every {minutes(cadence)}"
    )
