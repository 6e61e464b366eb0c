"""A runbook lists only alerts that a rule defines (warning).

When alerting rule files are configured (``alerts.rules``), an alert a runbook lists in
``alerts:`` but no rule defines is a renamed or deleted alert: the runbook will never be found
from it. Fix the name, or drop it from the runbook.

Passing: ``alerts: [CheckoutApiHighErrorRate]`` and ``alert: CheckoutApiHighErrorRate`` in a
rule file.

Failing: ``alerts: [CheckoutApiErrorsHigh]`` where the rule is called
``CheckoutApiHighErrorRate``.
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
            "runbook-alert-unknown",
            "warning",
            "a runbook lists an alert no alerting rule defines",
            ("runbook",),
        ),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    alerts, problems = repo.alert_rules
    if not alerts or problems:  # nothing configured, or a file unread: no verdict
        return
    defined = {a.name for a in alerts}
    for facts in repo.of_kind("runbook"):
        for kind, value, where, _ in facts.refs:
            if kind == "alert" and value not in defined:
                line, column = repo.locate(facts.path, where)
                yield facts.path, line, column, f"alert {value} is defined by no alerting rule"
