"""The root cause of a serious incident is traced with five whys.

For severities with ``five_whys: true`` (defaults SEV1 and SEV2) the postmortem's Root cause
section holds a chain of at least five list items asking or answering "why", ending at a
process or system cause rather than a person.

Passing::

    ## Root cause
    1. **Why did checkout fail?** The connection pool was exhausted.
    2. **Why was it exhausted?** ...
    (five items)

Failing: a Root cause section with a paragraph and no why-chain.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "five-whys",
            "warning",
            "a serious incident's postmortem lacks a five-whys chain",
            ("postmortem",),
        ),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    incidents = repo.incidents
    for facts in repo.of_kind("postmortem"):
        incident = incidents.get(str(facts.info.get("incident")))
        if incident is None:
            continue
        severity = repo.config.severity(str(incident.info.get("severity")))
        whys = int(facts.info.get("whys", 0))
        if severity is not None and severity.five_whys and whys < 5:
            yield (
                facts.path,
                1,
                1,
                (f"{severity.level} postmortem: Root cause has {whys} of 5 'why' steps"),
            )
