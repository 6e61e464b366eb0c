"""Runbooks are reviewed on schedule: ``last_reviewed`` plus ``review_every_days`` (default
``runbooks.review_every_days``, 90) is not in the past.

A stale runbook is worse than none: its commands drift from the system they operate.

Passing (checked on 2026-11-23)::

    last_reviewed: 2026-10-01
    review_every_days: 90

Failing (review was due on 2026-08-30)::

    last_reviewed: 2026-06-01
    review_every_days: 90
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import timedelta

from incidentops.base.timeutil import parse_date
from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "runbook-review-overdue", "warning", "a runbook whose review is overdue", ("runbook",)
        ),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    for facts in repo.of_kind("runbook"):
        reviewed = parse_date(facts.info.get("last_reviewed"))
        if reviewed is None:
            continue
        every = facts.info.get("review_every_days") or repo.config.review_every_days
        due = reviewed + timedelta(days=int(every))
        if due < repo.today:
            late = (repo.today - due).days
            yield (
                facts.path,
                facts.info.get("reviewed_line", 1),
                1,
                (f"review overdue: last reviewed {reviewed}, due {due} ({late} days ago)"),
            )
