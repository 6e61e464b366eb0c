"""Schedule overrides have ``end`` after ``start``, and two overrides touching the same person
do not overlap.

An inverted override never applies, silently; two overlapping ones for the same person (two
people both said they would cover Alice) leave the answer to file order. Both are mistakes
someone meant to catch in review.

Passing::

    overrides:
      - {start: 2026-11-26T14:00:00Z, end: 2026-11-27T14:00:00Z, replace: marcus, with: tom}

Failing::

    overrides:
      - {start: 2026-11-27T14:00:00Z, end: 2026-11-26T14:00:00Z, replace: marcus, with: tom}
      - {start: 2026-11-26T20:00:00Z, end: 2026-11-27T08:00:00Z, replace: marcus, with: ana}
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from incidentops.base.timeutil import parse_time
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "override-window",
            "error",
            "an override that ends before it starts, or overlaps another",
            ("schedule",),
        ),
    )
)


def _people(item: dict[str, Any]) -> set[str]:
    return {str(item[k]) for k in ("replace", "with", "add", "remove") if k in item}


def check(ctx: FileContext) -> Iterator[Hit]:
    overrides = ctx.data.get("overrides")
    if not isinstance(overrides, list):
        return
    spans: list[tuple[int, datetime, datetime, dict[str, Any]]] = []
    for index, item in enumerate(overrides):
        if not isinstance(item, dict):
            continue
        start, end = parse_time(item.get("start")), parse_time(item.get("end"))
        if start is None or end is None:
            continue
        if end <= start:
            line, column = ctx.at("overrides", index, "end")
            yield line, column, f"override ends ({item['end']}) before it starts ({item['start']})"
            continue
        for other_index, other_start, other_end, other in spans:
            shared = _people(item) & _people(other)
            if shared and start < other_end and other_start < end:
                line, column = ctx.at("overrides", index)
                yield (
                    line,
                    column,
                    (
                        f"overlaps override {other_index + 1} for {', '.join(sorted(shared))} "
                        f"({other['start']} to {other['end']})"
                    ),
                )
        spans.append((index, start, end, item))
