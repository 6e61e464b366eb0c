"""Relative links in runbooks and postmortems resolve, and so do their ``#anchors``.

A runbook that sends someone to ``../search/slow-queries.md#diagnostics`` in the middle of an
outage must not lead nowhere. Links to other Markdown files in the repository are checked for
the file and, when it is a runbook or postmortem, the heading anchor (GitHub's slugs:
lower case, punctuation dropped, spaces to hyphens). External URLs are not fetched.

Passing::

    See [slow queries](../search/slow-queries.md#diagnostics).

Failing::

    See [slow queries](../search/slow-query.md#diagnostic).
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
            "broken-link",
            "error",
            "a relative link or anchor that does not resolve",
            ("runbook", "postmortem"),
        ),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    for facts in repo.facts.values():
        for target, anchor, line, url in facts.info.get("links", ()):
            if target.startswith("../") or target == "..":
                yield facts.path, line, 1, f"link {url!r} leaves the repository"
                continue
            known = repo.facts.get(target)
            if known is None and not repo.exists(target):
                yield facts.path, line, 1, f"link {url!r}: {target} does not exist"
                continue
            anchors = known.info.get("anchors") if known is not None else None
            if anchor and anchors is not None and anchor.lower() not in anchors:
                yield facts.path, line, 1, f"link {url!r}: no heading #{anchor} in {target}"
