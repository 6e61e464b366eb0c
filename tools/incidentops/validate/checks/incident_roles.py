"""An open incident has every role its severity requires.

Defaults (``severities[].roles`` in ``incidentops.yaml``): SEV1 commander, communications,
technical and scribe; SEV2 commander, communications and technical; SEV3 commander; SEV4
none. A missing role is a warning while the incident is open: someone has to own it.

Passing::

    severity: SEV3
    status: investigating
    roles: {commander: alice}

Failing::

    severity: SEV2
    status: investigating
    roles: {commander: alice}
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from incidentops.validate.checks.incident_status import OPEN_STATES
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "incident-roles",
            "warning",
            "an open incident lacks a role its severity requires",
            ("incident",),
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    data = ctx.data
    severity = ctx.config.severity(str(data.get("severity")))
    if severity is None or data.get("status") not in OPEN_STATES:
        return
    roles: dict[str, Any] = data["roles"] if isinstance(data.get("roles"), dict) else {}
    missing = [role for role in severity.roles if not roles.get(role)]
    if missing:
        line, column = ctx.at("roles") if "roles" in data else ctx.at("severity")
        yield line, column, f"{severity.level} needs a {', '.join(missing)} (roles.{missing[0]})"
