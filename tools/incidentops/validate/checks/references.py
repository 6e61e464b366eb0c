"""Everything a file names exists: people, services, runbooks, schedules, escalation policies,
incidents, postmortems and alerts.

A handle in ``roles``, a service in ``services``, a runbook path, the ``schedule`` of a service,
an action item's ``owner``: a typo in any of them silently breaks paging or reporting, so each
is checked against what the repository defines (``oncall/people.yaml``,
``oncall/services.yaml``, the runbook and postmortem files, ``oncall/schedules/``,
``oncall/escalation/``). Runbook ``alerts`` are checked when any service lists its alerts.

Passing::

    roles: {commander: alice}      # alice is in oncall/people.yaml

Failing::

    roles: {commander: alcie}      # unknown person 'alcie' (did you mean 'alice'?)
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterator

from incidentops.loader.discovery import kind_of
from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule("unknown-reference", "error", "a name or path that the repository does not define"),
    )
)

_WHERE = {
    "person": "oncall/people.yaml",
    "service": "oncall/services.yaml",
    "schedule": "oncall/schedules/",
    "escalation": "oncall/escalation/",
    "runbook": "runbooks/",
    "incident": "incidents/",
    "postmortem": "postmortems/",
    "alert": "the alerts of oncall/services.yaml",
}
_FILES = ("runbook", "postmortem")  # kinds named by their path
_DEFINED_BY = {
    "person": "people",
    "service": "services",
    "alert": "services",
    "schedule": "schedule",
    "escalation": "escalation",
    "incident": "incident",
}


def check(repo: Repository) -> Iterator[RepoHit]:
    defined = repo.defined
    for facts in repo.facts.values():
        for kind, value, _, _ in facts.refs:
            if kind == "alert" and "alert" not in defined:
                continue
            names = defined.get(kind, {})
            if value in names:
                continue
            if _present_but_unloaded(repo, kind, value) or _DEFINED_BY.get(kind) in repo.unloaded:
                continue  # the file that would define it did not load; its finding says why
            hint = difflib.get_close_matches(value, list(names), n=1)
            advice = f"; did you mean {hint[0]!r}?" if hint else ""
            for line, column in repo.places(facts, kind, value):
                yield (
                    facts.path,
                    line,
                    column,
                    (f"unknown {kind} {value!r} (not in {_WHERE.get(kind, kind)}){advice}"),
                )


def _present_but_unloaded(repo: Repository, kind: str, path: str) -> bool:
    """A runbook or postmortem path naming a file of that kind that exists but did not load
    (bad YAML, no front matter...): it is not an unknown reference."""
    return (
        kind in _FILES
        and ".." not in path.split("/")
        and kind_of(path, repo.config) == kind
        and repo.exists(path)
    )
