"""The alert report over the repository: the alerting rules, the runbooks that list them, and
the incidents they started (from the index)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from incidentops.alerts.links import link
from incidentops.alerts.report import Noise, Row, rows
from incidentops.alerts.rules import RuleProblem
from incidentops.base.config import Config


def build(
    root: Path, config: Config, since: datetime, until: datetime
) -> tuple[list[Row], list[RuleProblem]]:
    from incidentops.runbook.find import fronts
    from incidentops.validate.cache import alert_rules
    from incidentops.validate.index import facts_of

    alerts, problems = alert_rules(root, config)  # the rule files validate read, if unchanged
    listed: dict[str, list[str]] = {}
    runbooks = fronts(root, config)
    for path, front in runbooks.items():
        for name in front.get("alerts") or ():
            listed.setdefault(str(name), []).append(path)
    linked = link(alerts, listed, config.runbook_url, sorted(runbooks))
    incidents = list(facts_of(root, "incident")["incident"].values())
    noise = Noise(config.noise_min_incidents, config.noise_share)
    return rows(linked, incidents, since, until, noise), problems
