"""Every schedule has someone on call at every moment of the look-ahead window.

``validate`` evaluates each schedule over ``validate.oncall_lookahead_days`` (default 28) from
today — layers, restrictions, versions and overrides — and reports each interval with nobody
on call, so a rotation with a hole cannot be merged. ``incidentops oncall gaps`` lists them
for any window.

Passing: a weekday layer restricted to office hours plus a layer with no restrictions.

Failing (nobody outside 09:00-17:00 on weekdays, nor at weekends)::

    layers:
      - id: office-hours
        members: [alice, bob]
        rotation: {type: weekly, handoff: "2026-01-05T09:00"}
        restrictions: [{days: [mon, tue, wed, thu, fri], start: "09:00", end: "17:00"}]
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "coverage-gap",
            "error",
            "a schedule with nobody on call in the look-ahead window",
            ("schedule",),
        ),
    )
)

_SHOWN = 5  # gaps listed per schedule; the rest are counted


def check(repo: Repository) -> Iterator[RepoHit]:
    from incidentops.oncall.engine import segments
    from incidentops.oncall.model import ScheduleError, schedule_from_data
    from incidentops.oncall.views import gaps_text

    start = datetime.combine(repo.today, time(), UTC)
    end = start + timedelta(days=repo.config.oncall_lookahead_days)
    for facts in repo.of_kind("schedule"):
        data = facts.info.get("data")
        if not isinstance(data, dict):
            continue
        try:
            schedule = schedule_from_data(data)
        except (ScheduleError, KeyError, TypeError, ValueError):
            continue  # schema and unknown-timezone report why
        holes = gaps_text(schedule, segments(schedule, start, end))
        line = facts.info.get("layers_line", 1)
        for text in holes[:_SHOWN]:
            yield facts.path, line, 1, text.split(": ", 1)[1]
        if len(holes) > _SHOWN:
            yield (
                facts.path,
                line,
                1,
                (
                    f"and {len(holes) - _SHOWN} more gaps in the next "
                    f"{repo.config.oncall_lookahead_days} days (incidentops oncall gaps)"
                ),
            )
