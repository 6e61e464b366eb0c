"""Every alert has a runbook.

An alert pages someone; the first thing they need is the runbook. An alert is linked to a
runbook when a runbook's front matter lists it in ``alerts:``, or when its ``runbook_url``
annotation leads to a runbook in this repository (``alerts.runbook_url`` says how URLs map onto
``runbooks/``). Fix: list the alert in its runbook's ``alerts:`` (write one if there is none).

Passing::

    # runbooks/checkout-api/high-error-rate.md
    alerts: [CheckoutApiHighErrorRate]

Failing: ``alert: CheckoutApiLatencyHigh`` in ``alerts/checkout.yaml``, listed by no runbook
and without a ``runbook_url``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule("alert-no-runbook", "error", "an alert no runbook covers", ("runbook",)),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    for linked in repo.alert_links:
        if not linked.runbooks:
            alert = linked.alert
            how = "" if alert.runbook_url else " or give it a runbook_url annotation"
            yield (
                alert.path,
                alert.line,
                1,
                f"alert {alert.name} has no runbook: list it in a runbook's `alerts:`{how}",
            )
