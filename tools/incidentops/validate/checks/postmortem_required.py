"""A closed incident whose severity requires a postmortem has one, and it is final.

Severities with ``postmortem: required`` (defaults SEV1 and SEV2) may only be ``closed`` once
their postmortem's front matter says ``status: final``: closing is the promise that the
learning happened.

Passing::

    status: closed
    severity: SEV2
    postmortem: postmortems/2026/INC-2026-0042.md    # status: final

Failing::

    status: closed
    severity: SEV2
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
            "postmortem-required",
            "error",
            "a closed incident lacks the final postmortem it requires",
            ("incident",),
        ),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    postmortems = {f.path: f for f in repo.of_kind("postmortem")}
    for ident, incident in repo.incidents.items():
        info = incident.info
        severity = repo.config.severity(str(info.get("severity")))
        if info.get("status") != "closed" or severity is None or severity.postmortem != "required":
            continue
        path = info.get("postmortem")
        postmortem = postmortems.get(str(path)) if path else None
        if postmortem is not None and postmortem.info.get("status") == "final":
            continue
        line = repo.ref_line(incident, "postmortem") if path else 1  # only now: it re-reads
        if postmortem is None:
            yield (
                incident.path,
                line,
                1,
                (f"{ident} is closed but {severity.level} requires a postmortem and it has none"),
            )
        else:
            yield (
                incident.path,
                line,
                1,
                (
                    f"{ident} is closed but its postmortem is {postmortem.info.get('status')!r}, "
                    "not 'final'"
                ),
            )
