"""An SLO's window is one the error-budget engine can compute.

The schema accepts a duration of hours, days or weeks (``28d``) or a calendar period (``1M``,
``1Q``); this rule checks the two agree with ``isRolling`` and that a rolling window is at
most 366 days, and that every ``charge`` and ``policy.max_burn`` value is a finite number in
range (YAML's ``.nan`` passes a schema's minimum and maximum), so ``incidentops slo`` never
meets an SLO it cannot measure. (An impossible ``target``, 1 or more, 0 or less, is a schema
error.)

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
        Rule(
            "slo-window",
            "error",
            "an SLO the engine cannot compute (its window, charge or policy)",
            ("services",),
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    from incidentops.slo.model import SLOError, slo_of, window_of

    services = ctx.data.get("services")
    for index, service in enumerate(services if isinstance(services, list) else ()):
        slo = service.get("slo") if isinstance(service, dict) else None
        if not isinstance(slo, dict):
            continue
        window = slo.get("timeWindow")
        if isinstance(window, dict) and isinstance(window.get("duration"), str):
            try:
                window_of(window)
            except SLOError as exc:
                line, column = ctx.at("services", index, "slo", "timeWindow")
                yield line, column, f"{service.get('name')}: {exc}"
                continue
        else:
            continue  # absent or not a mapping: the schema says what is wrong
        try:
            slo_of(service)
        except SLOError as exc:
            if not str(exc).startswith("target"):  # the schema reports the target
                line, column = ctx.at("services", index, "slo")
                yield line, column, f"{service.get('name')}: {exc}"
