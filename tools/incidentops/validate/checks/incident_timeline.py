"""An incident's timeline is in time order and inside the incident's window.

Events are sorted by ``at`` and none is before the incident started (``started_at``, else
``detected_at``, else ``declared_at``) or after it was closed or cancelled. "What have we
tried, and what was the result?" must be answerable by reading the timeline top to bottom.

Passing::

    timeline:
      - {at: 2026-11-22T10:04:00Z, kind: alert, text: Error rate above 5%}
      - {at: 2026-11-22T10:09:00Z, kind: declared, text: Declared SEV2}

Failing (second event is earlier than the first)::

    timeline:
      - {at: 2026-11-22T10:09:00Z, kind: declared, text: Declared SEV2}
      - {at: 2026-11-22T10:04:00Z, kind: alert, text: Error rate above 5%}
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
            "incident-timeline",
            "warning",
            "timeline out of order or outside the incident",
            ("incident",),
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    data = ctx.data
    events = data.get("timeline")
    if not isinstance(events, list):
        return
    start = next(
        (
            t
            for key in ("started_at", "detected_at", "declared_at")
            if (t := parse_time(data.get(key))) is not None
        ),
        None,
    )
    end = parse_time(data.get("closed_at")) or parse_time(data.get("cancelled_at"))
    previous: datetime | None = None
    for index, event in enumerate(events):
        moment = parse_time(event.get("at")) if isinstance(event, dict) else None
        if moment is None:
            continue
        problems = []
        if previous is not None and moment < previous:
            problems.append("is earlier than the one before it")
        if start is not None and moment < start:
            problems.append("is before the incident started")
        if end is not None and moment > end:
            problems.append("is after the incident ended")
        if problems:  # the position costs a walk of the node tree: only for findings
            line, column = ctx.at("timeline", index, "at")
            for problem in problems:
                yield line, column, f"timeline event {event['at']} {problem}"
        previous = moment
