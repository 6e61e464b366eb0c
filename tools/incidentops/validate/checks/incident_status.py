"""An incident's status agrees with which of its timestamps are set.

``resolved`` needs ``resolved_at``; ``closed`` needs ``resolved_at`` and ``closed_at``;
``mitigated`` needs ``mitigated_at``; ``cancelled`` needs ``cancelled_at``; an open incident
(``investigating``, ``identified``, ``mitigated``) has no ``resolved_at`` or ``closed_at``.

Passing::

    status: resolved
    resolved_at: 2026-11-22T11:30:00Z

Failing::

    status: resolved
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule("incident-status", "error", "status disagrees with the timestamps set", ("incident",)),
    )
)

OPEN_STATES = ("investigating", "identified", "mitigated")
_NEEDS: dict[str, tuple[str, ...]] = {
    "mitigated": ("mitigated_at",),
    "resolved": ("resolved_at",),
    "closed": ("resolved_at", "closed_at"),
    "cancelled": ("cancelled_at",),
}
_FORBIDS: dict[str, tuple[str, ...]] = {
    "investigating": ("resolved_at", "closed_at", "cancelled_at"),
    "identified": ("resolved_at", "closed_at", "cancelled_at"),
    "mitigated": ("resolved_at", "closed_at", "cancelled_at"),
    "resolved": ("closed_at", "cancelled_at"),
    "closed": ("cancelled_at",),
    "cancelled": ("closed_at",),
}


def check(ctx: FileContext) -> Iterator[Hit]:
    status = ctx.data.get("status")
    if not isinstance(status, str):
        return
    for key in _NEEDS.get(status, ()):
        if ctx.data.get(key) is None:
            line, column = ctx.at("status")
            yield line, column, f"status is {status} but {key} is not set"
    for key in _FORBIDS.get(status, ()):
        if ctx.data.get(key) is not None:
            line, column = ctx.at(key)
            yield line, column, f"{key} is set but the status is {status}"
