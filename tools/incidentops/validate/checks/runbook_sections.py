"""A runbook has every required section, and none is empty.

Defaults (``runbooks.required_sections``): Symptoms, Diagnostics, Remediation, Escalation,
Verification, Rollback; synonyms count (Meaning/Impact for Symptoms, Diagnosis for
Diagnostics, Mitigation for Remediation, ...). Heading case, numbering and text in parentheses
are ignored. A section holding only comments or a TODO is "not yet written".

Passing::

    ## Symptoms
    Checkout returns HTTP 500 for more than 5% of requests.
    ## Diagnostics
    ...

Failing (no Rollback section)::

    ## Symptoms
    Checkout returns HTTP 500 for more than 5% of requests.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.validate.checks import _sections
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "runbook-sections",
            "error",
            "a required runbook section is missing or empty",
            ("runbook",),
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    return _sections.check(ctx, ctx.config.runbook_sections, "runbook")
