"""A postmortem and its incident point at each other.

The postmortem's ``incident`` names an incident whose ``postmortem`` field is this file, and
an incident's ``postmortem`` names a postmortem whose ``incident`` is that incident. Reports
and the "closed needs a final postmortem" rule follow these links.

Passing::

    # postmortems/2026/INC-2026-0042.md
    incident: INC-2026-0042
    # incidents/2026/INC-2026-0042.yaml
    postmortem: postmortems/2026/INC-2026-0042.md

Failing (the incident has no ``postmortem:`` field, or names another file).
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
            "postmortem-link",
            "error",
            "a postmortem and its incident do not point at each other",
            ("incident", "postmortem"),
        ),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    incidents = repo.incidents
    for facts in repo.of_kind("postmortem"):
        ident = facts.info.get("incident")
        incident = incidents.get(str(ident))
        if incident is None:
            continue  # unknown-reference reports it
        if incident.info.get("postmortem") != facts.path:
            yield (
                facts.path,
                repo.ref_line(facts, "incident"),
                1,
                (f"{ident} does not point back: set 'postmortem: {facts.path}' in {incident.path}"),
            )
    postmortems = {f.path: f for f in repo.of_kind("postmortem")}
    for ident, incident in incidents.items():
        path = incident.info.get("postmortem")
        postmortem = postmortems.get(str(path))
        if postmortem is not None and postmortem.info.get("incident") != ident:
            yield (
                incident.path,
                repo.ref_line(incident, "postmortem"),
                1,
                (f"{path} is the postmortem of {postmortem.info.get('incident')!r}, not {ident}"),
            )
