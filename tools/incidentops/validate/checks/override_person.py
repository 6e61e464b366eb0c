"""An override's ``replace`` or ``remove`` names someone who is in one of the schedule's layers.

Replacing someone who is never on call in this schedule does nothing, which usually means the
wrong schedule or a misspelt handle: the cover the override promised will not happen.

Passing::

    layers:
      - {id: weekly, members: [alice, bob], rotation: {type: weekly, handoff: "2026-01-05T09:00"}}
    overrides:
      - {start: ..., end: ..., replace: alice, with: carol}

Failing::

    overrides:
      - {start: ..., end: ..., replace: dave, with: carol}
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
            "override-person",
            "warning",
            "an override replaces or removes someone not in any layer",
            ("schedule",),
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    members: set[str] = set()
    layers = ctx.data.get("layers")
    for layer in layers if isinstance(layers, list) else []:
        if not isinstance(layer, dict):
            continue
        members.update(str(m) for m in layer.get("members") or ())
        for version in layer.get("versions") or ():
            if isinstance(version, dict):
                members.update(str(m) for m in version.get("members") or ())
    overrides = ctx.data.get("overrides")
    for index, item in enumerate(overrides if isinstance(overrides, list) else []):
        if not isinstance(item, dict):
            continue
        for key in ("replace", "remove"):
            person = item.get(key)
            if isinstance(person, str) and person not in members:
                line, column = ctx.at("overrides", index, key)
                yield (
                    line,
                    column,
                    (
                        f"{key}: {person} is not a member of any layer of this schedule, "
                        "so the override changes nothing"
                    ),
                )
