"""What an incident cost each of its services' error budgets, for its postmortem's Impact
section: the same numbers ``incidentops slo`` shows, at the moment the incident ended."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.base.timeutil import parse_time


def impact_lines(root: Path, config: Config, incident: dict[str, Any], now: datetime) -> list[str]:
    """One line per service of ``incident`` that has an SLO (none when no service has one or
    an SLO cannot be computed: ``validate`` says why)."""
    from incidentops.oncall.repo import from_directory
    from incidentops.slo.budget import budget
    from incidentops.slo.formats import spent_by
    from incidentops.slo.model import SLOError, slo_of
    from incidentops.validate.index import facts_of

    catalogue = from_directory(root, config).services
    slos = []
    for name in incident.get("services") or ():
        try:
            found = slo_of(catalogue.get(str(name)) or {})
        except SLOError:
            continue
        if found is not None:
            slos.append(found)
    if not slos:
        return []
    at = parse_time(incident.get("resolved_at")) or now
    incidents = list(facts_of(root, "incident")["incident"].values())
    ident = str(incident.get("id"))
    if not any(str(i.get("id")) == ident for i in incidents):
        incidents.append(incident)  # a draft of an incident not yet on disk in this tree
    return [spent_by(budget(slo, incidents, at), ident) for slo in slos]
