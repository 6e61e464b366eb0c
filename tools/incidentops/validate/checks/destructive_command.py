"""Destructive commands appear only in runbooks that say how to roll back.

A runbook that tells someone to run ``kubectl delete``, ``DROP TABLE``, ``rm -rf`` or
``terraform destroy`` (``runbooks.destructive_commands``) must have a non-empty Rollback
section: under pressure, nobody should run something irreversible without a way back.

Passing::

    ## Remediation
    ```bash
    kubectl delete pod checkout-api-7d9f -n payments
    ```
    ## Rollback
    Pods are recreated by the deployment; nothing to undo.

Failing (same command, no Rollback section).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.base.config import Section
from incidentops.runbook.destructive import matcher
from incidentops.validate.checks import _sections
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "destructive-command",
            "error",
            "a destructive command in a runbook without a Rollback section",
            ("runbook",),
        ),
    )
)


def check(ctx: FileContext) -> Iterator[Hit]:
    body = ctx.body
    if body is None or not ctx.config.destructive_commands:
        return
    rollback = _sections.find(ctx, Section("Rollback", ("Roll back", "Rolling back")))
    if rollback is not None and not rollback.is_empty():
        return
    pattern = matcher(ctx.config.destructive_commands)
    if pattern is None:
        return
    for token, line in body.flat:
        if token["type"] not in ("block_code", "codespan"):
            continue
        match = pattern.search(token.get("raw", ""))
        if match:
            where = body.find_line(match.group(0), line)
            yield (
                where,
                1,
                (
                    f"destructive command '{match.group(0)}' but no Rollback section says how "
                    "to undo it"
                ),
            )
