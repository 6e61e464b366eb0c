"""Identifiers are unique: incident IDs, people's handles and GitHub logins, service names,
schedule and escalation-policy IDs.

Two incidents with one ID (two people declaring at once on different branches) would merge
their histories in every report; the second definition is an error naming the first.

Passing::

    people:
      - {handle: alice, name: Alice Nguyen, timezone: Europe/London}
      - {handle: bob, name: Bob Okafor, timezone: Europe/London}

Failing::

    people:
      - {handle: alice, name: Alice Nguyen, timezone: Europe/London}
      - {handle: alice, name: Alice Martin, timezone: America/New_York}
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(sys.modules[__name__], Rule("duplicate-id", "error", "an identifier defined twice"))
)

_UNIQUE = ("incident", "person", "github", "service", "schedule", "escalation")


def check(repo: Repository) -> Iterator[RepoHit]:
    first: dict[tuple[str, str], tuple[str, int]] = {}
    for path in sorted(repo.facts):
        facts = repo.facts[path]
        for kind in _UNIQUE:
            for value, line, column in facts.defines.get(kind, ()):
                key = (kind, str(value))
                if key in first:
                    where = f"{first[key][0]}:{first[key][1]}"
                    yield path, line, column, f"duplicate {kind} {value!r} (first at {where})"
                else:
                    first[key] = (path, line)
