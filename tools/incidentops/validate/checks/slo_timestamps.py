"""Every incident charged against an SLO has the timestamps the charge needs.

A service with an ``slo`` is charged, for each of its incidents, from ``started_at`` (else
``declared_at``) to ``mitigated_at`` (else ``resolved_at``; with ``until: resolved``,
``resolved_at``). A resolved or closed incident without an end cannot be charged, and
``incidentops slo`` leaves it out: its budget would look better than it is. Warning.

Passing: a resolved incident with ``started_at``, ``mitigated_at`` and ``resolved_at``.

Failing: a closed SEV1 of ``checkout-api`` (which has an SLO) without ``resolved_at`` or
``mitigated_at``.
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
            "slo-timestamps",
            "warning",
            "an incident of a service with an SLO lacks the times its charge needs",
            ("incident",),
        ),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    from incidentops.slo.budget import end_of
    from incidentops.slo.model import SLOError, slo_of

    slos = {}
    for facts in repo.of_kind("services"):
        for service in facts.info.get("slo_services", ()):
            try:
                found = slo_of(service)
            except SLOError:
                continue  # slo-window and the schema say why
            if found is not None:
                slos[found.service] = found
    if not slos:
        return
    for ident, incident in sorted(repo.incidents.items()):
        info = incident.info
        if info.get("status") not in {"resolved", "closed"}:
            continue
        for name in info.get("services") or ():
            slo = slos.get(name)
            if slo is None or slo.weight(info.get("severity")) <= 0:
                continue
            if end_of(slo, info) is None:
                wanted = "resolved_at" if slo.until == "resolved" else "mitigated_at or resolved_at"
                yield (
                    incident.path,
                    1,
                    1,
                    f"{ident} is {info.get('status')} but has no {wanted}: its time cannot be "
                    f"charged against {name}'s SLO",
                )
                break
