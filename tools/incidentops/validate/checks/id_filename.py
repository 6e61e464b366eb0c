"""An incident, schedule or escalation policy's ``id`` equals its file name.

The file name is how people and tools find a record (``incidents/2026/INC-2026-0042.yaml``),
so the two must never drift. An incident's year directory must match the year in its ID.

Passing (``incidents/2026/INC-2026-0042.yaml``)::

    id: INC-2026-0042

Failing (same file)::

    id: INC-2026-0043
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import PurePosixPath

from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "id-matches-filename",
            "error",
            "a record's id differs from its file name",
            ("incident", "schedule", "escalation"),
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    ident = ctx.data.get("id")
    if not isinstance(ident, str):
        return
    path = PurePosixPath(ctx.path)
    if ident != path.stem:
        line, column = ctx.at("id")
        yield line, column, f"id {ident!r} does not match the file name {path.name!r}"
    elif ctx.kind == "incident":
        year = ident.split("-")[1] if ident.count("-") >= 2 else ""
        if path.parent.name.isdigit() and path.parent.name != year:
            line, column = ctx.at("id")
            yield line, column, f"{ident} is filed under {path.parent.name}/, not {year}/"
