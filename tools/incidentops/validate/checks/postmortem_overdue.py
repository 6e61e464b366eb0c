"""A resolved incident's postmortem is written by its due date.

For severities whose postmortem is ``required``, the postmortem is due
``postmortem_due_days`` after ``resolved_at`` (SEV1 2 days, SEV2 5 by default). Past that
date, a resolved incident with no postmortem, or one not yet ``final``, is reported (a
warning: the incident itself is fine; the learning is late).

Passing (resolved three days ago, SEV2, due in five)::

    status: resolved
    severity: SEV2
    resolved_at: 2026-11-20T10:00:00Z

Failing (SEV1 resolved 2026-11-10, due 2026-11-12; the postmortem is still a draft)::

    status: resolved
    severity: SEV1
    resolved_at: 2026-11-10T10:00:00Z
    postmortem: postmortems/2026/INC-2026-0042.md     # status: draft
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import timedelta

from incidentops.base.timeutil import parse_time
from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "postmortem-overdue",
            "warning",
            "a resolved incident's required postmortem is past its due date and not final",
            ("incident", "postmortem"),
        ),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    for facts in repo.of_kind("incident"):
        info = facts.info
        if info.get("status") != "resolved":
            continue
        severity = repo.config.severity(str(info.get("severity")))
        if severity is None or severity.postmortem != "required":
            continue
        resolved = parse_time(info.get("resolved_at"))
        if resolved is None or severity.postmortem_due_days is None:
            continue
        due = resolved.date() + timedelta(days=severity.postmortem_due_days)
        if repo.today <= due:
            continue
        path = info.get("postmortem")
        written = repo.facts.get(str(path)) if path else None
        status = written.info.get("status") if written is not None else None
        if status == "final":
            continue
        late = (repo.today - due).days
        have = f"its postmortem is {status}" if status else "it has no postmortem"
        yield (
            facts.path,
            repo.ref_line(facts, "postmortem") if path else 1,
            1,
            f"{info.get('id')}'s postmortem was due {due.isoformat()} ({late} day"
            f"{'s' if late != 1 else ''} ago) and {have}",
        )
