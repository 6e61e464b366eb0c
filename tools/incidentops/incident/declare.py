"""Declaring an incident (pure): classify, assign roles from who is on call, link runbooks,
and build the new incident's data and the summary to print.

Classification follows incident-practice.md, first rule that matches wins:

- SEV1 if any of complete_outage, data_loss, security_breach, revenue_impact, or
  affected_users_pct > 50 — "immediate all-hands response required";
- SEV2 if any of partial_outage, critical_feature_down, affected_users_pct > 20,
  performance_degradation_pct > 50 — "urgent response required";
- SEV3 if any of minor_feature_issue, affected_users_pct > 5,
  performance_degradation_pct > 20 — "standard response required";
- otherwise SEV4 — "monitor and fix during business hours".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from incidentops.base.config import Severity
from incidentops.incident.lifecycle import LifecycleError, stamp
from incidentops.oncall.engine import who
from incidentops.oncall.escalation import chain
from incidentops.oncall.repo import OnCall

FLAGS = (
    "complete_outage",
    "data_loss",
    "security_breach",
    "revenue_impact",
    "partial_outage",
    "critical_feature_down",
    "minor_feature_issue",
)
NUMBERS = ("affected_users_pct", "performance_degradation_pct")
INDICATORS = FLAGS + NUMBERS
_TRUE = {"true", "yes", "1", "on", "y", "x"}
_FALSE = {"false", "no", "0", "off", "n", ""}


def parse_indicators(pairs: Iterable[str]) -> dict[str, Any]:
    """``NAME=VALUE`` strings (``complete_outage=true``, ``affected_users_pct=30``)."""
    found: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().replace("-", "_")
        if name not in INDICATORS:
            raise LifecycleError(f"unknown indicator {name!r} (one of {', '.join(INDICATORS)})")
        if name in NUMBERS:
            try:
                number = float(value)
            except ValueError:
                raise LifecycleError(
                    f"{name} needs a number from 0 to 100, not {value!r}"
                ) from None
            if not 0 <= number <= 100:
                raise LifecycleError(f"{name} needs a number from 0 to 100, not {value!r}")
            found[name] = number
        else:
            word = value.strip().lower() if sep else "true"
            if word not in _TRUE | _FALSE:
                raise LifecycleError(f"{name} needs true or false, not {value!r}")
            found[name] = word in _TRUE
    return found


def classify(indicators: dict[str, Any]) -> tuple[str, str]:
    """(severity level, the reason in one line)."""
    users = float(indicators.get("affected_users_pct") or 0)
    slow = float(indicators.get("performance_degradation_pct") or 0)
    rules: list[tuple[str, list[str], str]] = [
        (
            "SEV1",
            [
                *(f for f in FLAGS[:4] if indicators.get(f)),
                *(["affected_users_pct > 50"] if users > 50 else []),
            ],
            "immediate all-hands response required",
        ),
        (
            "SEV2",
            [
                *(f for f in FLAGS[4:6] if indicators.get(f)),
                *(["affected_users_pct > 20"] if users > 20 else []),
                *(["performance_degradation_pct > 50"] if slow > 50 else []),
            ],
            "urgent response required",
        ),
        (
            "SEV3",
            [
                *(["minor_feature_issue"] if indicators.get("minor_feature_issue") else []),
                *(["affected_users_pct > 5"] if users > 5 else []),
                *(["performance_degradation_pct > 20"] if slow > 20 else []),
            ],
            "standard response required",
        ),
    ]
    for level, matched, why in rules:
        if matched:
            return level, f"{', '.join(matched)}: {why}"
    return "SEV4", "no major indicator: monitor and fix during business hours"


@dataclass
class Declaration:
    data: dict[str, Any]
    severity: Severity
    reason: str
    unfilled: list[str] = field(default_factory=list)
    next_update: datetime | None = None


def assign_roles(
    severity: Severity, services: list[str], oncall: OnCall, at: datetime, commander: str | None
) -> tuple[dict[str, str], list[str]]:
    """Commander: given, else the primary on call for the first service that has someone.
    The other roles from the services' escalation chains, in notification order, never the
    same person twice while others are available. Unfilled roles are returned, not invented."""
    candidates: list[str] = []
    primary: str | None = None
    for name in services:
        service = oncall.services.get(name, {})
        schedule = oncall.schedules.get(str(service.get("schedule")))
        if schedule is not None:
            for entry in who(schedule, at):
                primary = primary or entry.person
                candidates.append(entry.person)
        policy = oncall.policies.get(str(service.get("escalation")))
        if policy is not None:
            for note in chain(policy, oncall.schedules, at, severity.level):
                candidates.extend(note.people)
    roles: dict[str, str] = {}
    wanted = list(severity.roles) or ["commander"]
    if commander or primary:
        roles["commander"] = commander or str(primary)
    used = set(roles.values())
    for role in wanted:
        if role in roles:
            continue
        pick = next((c for c in candidates if c not in used), None)
        if pick is not None:
            roles[role] = pick
            used.add(pick)
    unfilled = [role for role in severity.roles if role not in roles]
    return roles, unfilled


def runbooks_for(
    services: list[str], alerts: list[str], runbooks: Iterable[tuple[str, dict[str, Any]]]
) -> list[str]:
    linked = []
    for path, front in runbooks:
        if set(front.get("services") or ()) & set(services) or set(front.get("alerts") or ()) & set(
            alerts
        ):
            linked.append(path)
    return sorted(linked)


def build(
    ident: str,
    title: str,
    severity: Severity,
    reason: str,
    services: list[str],
    at: datetime,
    started_at: datetime | None,
    summary: str | None,
    declared_by: str | None,
    roles: dict[str, str],
    runbooks: list[str],
    unfilled: list[str],
    indicators: dict[str, Any],
) -> Declaration:
    data: dict[str, Any] = {
        "id": ident,
        "title": title,
        "severity": severity.level,
        "status": "investigating",
        "services": services,
    }
    if summary:
        data["summary"] = summary
    if started_at is not None:
        if started_at > at:
            raise LifecycleError("--started-at is in the future")
        data["started_at"] = stamp(started_at)
    data["declared_at"] = stamp(at)
    if declared_by:
        data["declared_by"] = declared_by
    if roles:
        data["roles"] = roles
    users = indicators.get("affected_users_pct")
    if indicators:
        described = f"about {users:g}% of users affected; {reason}" if users else reason
        data["impact"] = {"description": described}
    if runbooks:
        data["runbooks"] = runbooks
    event: dict[str, Any] = {"at": stamp(at), "kind": "declared"}
    if declared_by:
        event["actor"] = declared_by
    event["text"] = f"Declared {severity.level} ({reason})"
    data["timeline"] = [event]
    data["updates"] = []
    return Declaration(
        data, severity, reason, unfilled, at + timedelta(minutes=severity.update_cadence_minutes)
    )
