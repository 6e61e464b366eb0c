"""A layer's effective-dated versions are in time order, and its active window is not inverted.

Versions are how a rotation changes without rewriting history ("Noah joins at the next
handoff"). Out of order, the file no longer reads as the history it is; an ``active`` window
whose ``until`` is not after its ``from`` means the layer never answers.

Passing::

    versions:
      - {effective_from: 2026-12-07T09:00:00Z, members: [liam, mei, noah]}
      - {effective_from: 2027-02-01T09:00:00Z, members: [mei, noah]}

Failing::

    versions:
      - {effective_from: 2027-02-01T09:00:00Z, members: [mei, noah]}
      - {effective_from: 2026-12-07T09:00:00Z, members: [liam, mei, noah]}
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.base.timeutil import parse_time
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "schedule-versions",
            "error",
            "layer versions out of order, or a layer never active",
            ("schedule",),
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    layers = ctx.data.get("layers")
    for number, layer in enumerate(layers if isinstance(layers, list) else []):
        if not isinstance(layer, dict):
            continue
        previous = None
        for index, version in enumerate(layer.get("versions") or ()):
            moment = (
                parse_time(version.get("effective_from")) if isinstance(version, dict) else None
            )
            if moment is None:
                continue
            if previous is not None and moment <= previous:
                line, column = ctx.at("layers", number, "versions", index, "effective_from")
                yield (
                    line,
                    column,
                    (f"version effective {version['effective_from']} is not after the one above"),
                )
            previous = moment
        active = layer.get("active")
        if isinstance(active, dict):
            start, until = parse_time(active.get("from")), parse_time(active.get("until"))
            if start is not None and until is not None and until <= start:
                line, column = ctx.at("layers", number, "active")
                yield line, column, f"layer {layer.get('id')!r} is never active (until <= from)"
