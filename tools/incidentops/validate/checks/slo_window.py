"""An SLO's window is one the error-budget engine can compute.

The schema accepts a duration of hours, days or weeks (``28d``) or a calendar period (``1M``,
``1Q``); this rule checks the two agree with ``isRolling`` and that a rolling window is at
most 366 days, so ``incidentops slo`` never meets a window it cannot measure. (An impossible
``target``, 1 or more, 0 or less, is a schema error.)

Passing::

    slo: {target: 0.999, timeWindow: {duration: 30d, isRolling: true}}

Failing (a month is a calendar period, not a rolling duration)::

    slo: {target: 0.999, timeWindow: {duration: 1M, isRolling: true}}
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule("slo-window", "error", "an SLO window the engine cannot compute", ("services",)),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    from incidentops.slo.model import SLOError, window_of

    services = ctx.data.get("services")
    for index, service in enumerate(services if isinstance(services, list) else ()):
        slo = service.get("slo") if isinstance(service, dict) else None
        window = slo.get("timeWindow") if isinstance(slo, dict) else None
        if not isinstance(window, dict) or not isinstance(window.get("duration"), str):
            continue  # absent, or the schema says what is wrong
        try:
            window_of(window)
        except SLOError as exc:
            line, column = ctx.at("services", index, "slo", "timeWindow")
            yield line, column, f"{service.get('name')}: {exc}"
