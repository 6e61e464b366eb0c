"""Every alerting rule file the config names can be read.

``alerts.rules`` in ``incidentops.yaml`` lists globs of Prometheus rule files (and Kubernetes
``PrometheusRule`` documents); a file there that is not valid YAML, is too large or too deeply
nested is reported with its line, and its alerts are not checked until it is fixed.

Passing: ``alerts/checkout.yaml`` holding ``groups: [{name: checkout, rules: [...]}]``.

Failing: ``alerts/checkout.yaml`` with an unclosed ``[`` on line 4.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule("alert-rules", "error", "an alerting rule file that cannot be read", ("config",)),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    for problem in repo.alert_rules[1]:
        yield problem.path, problem.line, problem.column, problem.message
