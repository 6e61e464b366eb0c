"""An alert's ``runbook_url`` leads to a runbook in this repository.

With ``alerts.runbook_url`` set (e.g. ``https://runbooks.example.com/{path}``, ``{path}``
standing for the runbook's path under ``runbooks/`` without ``.md``), each ``runbook_url``
annotation is resolved to a file, ignoring case (Hugo lower-cases paths), a trailing slash, a
query and a fragment. A URL that leads nowhere, or is not under the pattern, is reported with
the path it looked for and the nearest runbook names. Fix the URL or move the runbook.

Passing: ``runbook_url: https://runbooks.example.com/checkout-api/High-Error-Rate/`` with
``runbooks/checkout-api/high-error-rate.md`` present.

Failing: ``runbook_url: https://runbooks.example.com/checkout-api/high-error-rates``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule("runbook-url", "error", "a runbook_url that leads to no runbook", ("runbook",)),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    from incidentops.alerts.links import nearest

    pattern = repo.config.runbook_url
    if not pattern:
        return
    runbooks = sorted(f.path for f in repo.of_kind("runbook"))
    for linked in repo.alert_links:
        url, alert = linked.url, linked.alert
        if url is None or url.runbook is not None:
            continue
        if url.looked_for is None:
            message = f"{alert.name}: runbook_url {url.url} is not under {pattern}"
        else:
            close = nearest(url.looked_for, runbooks)
            hint = f"; nearest: {', '.join(close)}" if close else ""
            message = (
                f"{alert.name}: runbook_url {url.url} leads to no runbook "
                f"(looked for {url.looked_for}){hint}"
            )
        yield alert.path, alert.url_line, 1, message
