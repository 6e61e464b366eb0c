"""An incident's timestamps follow its lifecycle.

``started_at <= detected_at <= declared_at, acknowledged_at <= mitigated_at <= resolved_at
<= closed_at`` (and ``cancelled_at`` after ``declared_at``). MTTD, MTTA and MTTR are computed
from these, so one out of order corrupts every metric that includes the incident.

Passing::

    started_at: 2026-11-22T10:00:00Z
    detected_at: 2026-11-22T10:04:00Z
    resolved_at: 2026-11-22T11:30:00Z

Failing (resolved before it was detected)::

    detected_at: 2026-11-22T10:04:00Z
    resolved_at: 2026-11-22T09:30:00Z
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime

from incidentops.base.timeutil import parse_time
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "incident-timestamps",
            "error",
            "incident timestamps out of lifecycle order",
            ("incident",),
        ),
    )
)

STAGES: tuple[tuple[str, ...], ...] = (
    ("started_at",),
    ("detected_at",),
    ("declared_at", "acknowledged_at"),
    ("mitigated_at",),
    ("resolved_at",),
    ("closed_at",),
)


def check(ctx: FileContext) -> Iterator[Hit]:
    data = ctx.data
    latest: tuple[str, datetime] | None = None
    for stage in STAGES:
        present = [(key, t) for key in stage if (t := parse_time(data.get(key))) is not None]
        if latest is not None:
            for key, moment in present:
                if moment < latest[1]:
                    line, column = ctx.at(key)
                    yield (
                        line,
                        column,
                        (f"{key} ({data[key]}) is before {latest[0]} ({data[latest[0]]})"),
                    )
        if present:
            latest = max(present, key=lambda item: item[1])
    declared = parse_time(data.get("declared_at"))
    cancelled = parse_time(data.get("cancelled_at"))
    if declared and cancelled and cancelled < declared:
        line, column = ctx.at("cancelled_at")
        yield line, column, f"cancelled_at ({data['cancelled_at']}) is before declared_at"
