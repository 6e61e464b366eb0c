"""Time zones are IANA names the system knows (``Europe/London``, ``America/New_York``).

A schedule's ``timezone`` decides when every handoff happens; a person's is used for
follow-the-sun previews and handoff summaries. ``CET`` or ``GMT+1`` style names and typos are
errors, because a schedule in an unknown zone cannot be evaluated at all.

Passing::

    timezone: Australia/Lord_Howe

Failing::

    timezone: Europe/Londn
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "unknown-timezone",
            "error",
            "a time zone that is not a known IANA name",
            ("schedule", "people"),
        ),
    )
)


def known(name: object) -> bool:
    if not isinstance(name, str) or not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check(ctx: FileContext) -> Iterator[Hit]:
    places: list[tuple[object, tuple[str | int, ...]]] = []
    if ctx.kind == "schedule":
        places.append((ctx.data.get("timezone"), ("timezone",)))
    else:
        people = ctx.data.get("people")
        for index, person in enumerate(people if isinstance(people, list) else []):
            if isinstance(person, dict) and "timezone" in person:
                places.append((person["timezone"], ("people", index, "timezone")))
    for name, path in places:
        if isinstance(name, str) and not known(name):
            line, column = ctx.at(*path)
            yield (
                line,
                column,
                f"unknown time zone {name!r} (use an IANA name such as Europe/London)",
            )
