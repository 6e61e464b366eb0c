"""An alert's runbook lists the alert back (warning).

When a ``runbook_url`` leads to a runbook whose front matter does not list the alert, the
runbook cannot be found from the alert's name (``runbook run ALERT``, the declare suggestion,
the coverage report). Fix: add the alert to the runbook's ``alerts:``.

Passing: ``runbook_url`` to ``runbooks/search/index-lag.md``, which lists
``SearchIndexLagHigh``.

Failing: the same URL on ``SearchIndexLagCritical``, which the runbook does not list.
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
            "alert-not-listed",
            "warning",
            "an alert's runbook_url leads to a runbook that does not list it",
            ("runbook",),
        ),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    for linked in repo.alert_links:
        url = linked.url
        if url is not None and url.runbook is not None and url.runbook not in linked.listed_by:
            yield (
                linked.alert.path,
                linked.alert.url_line,
                1,
                f"{linked.alert.name}: its runbook {url.runbook} does not list it in `alerts:`",
            )
