"""Status updates: what each audience's template is given (``update_context``: the customer
context holds nothing internal) and which template an update uses (``update_text``). Shared
by ``incidentops update`` and the ``/update`` slash-command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.base.timeutil import parse_time
from incidentops.incident.render import AUDIENCES, render

_STATUS_LABELS = {
    "investigating": "Investigating",
    "identified": "Identified",
    "mitigated": "Monitoring",
    "resolved": "Resolved",
    "closed": "Resolved",
    "cancelled": "Cancelled",
}


def update_context(
    incident: dict[str, Any],
    config: Config,
    audience: str,
    message: str,
    now: datetime,
    next_update: datetime | None,
) -> dict[str, Any]:
    """What template ``update-<audience>`` needs, from an incident's plain data (see the
    module docstring); the customer context holds nothing internal."""
    from incidentops.incident.postmortem_draft import postmortem_due  # it imports this module

    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}; one of {', '.join(AUDIENCES)}")
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    status = str(incident.get("status", ""))
    severity = config.severity(str(incident.get("severity", "")))
    context: dict[str, Any] = {
        "audience": audience,
        "message": message,
        "status": status,
        "status_label": _STATUS_LABELS.get(status, status.capitalize()),
        "severity": severity.level if severity else str(incident.get("severity", "")),
        "now": now.isoformat(),
        "next_update": next_update.isoformat() if next_update else None,
        "cadence_minutes": severity.update_cadence_minutes if severity else None,
        "workaround": None,
    }
    if audience == "customer":
        return context
    impact = _dict(incident.get("impact"))
    timeline = [e for e in _dicts(incident.get("timeline")) if e.get("kind") == "action"]
    links = _dict(incident.get("links"))
    context.update(
        {
            "id": incident.get("id"),
            "title": incident.get("title"),
            "services": [str(s) for s in _list(incident.get("services"))],
            "impact": {
                key: impact.get(key)
                for key in ("users_affected", "revenue_usd", "customer_facing", "description")
            },
            "actions": [
                {key: e.get(key) for key in ("at", "actor", "text", "result")}
                for e in sorted(timeline, key=lambda e: str(e.get("at", "")))[-3:]
            ],
            "roles": _dict(incident.get("roles")),
            "started_at": incident.get("started_at") or incident.get("declared_at"),
            "channel": links.get("channel"),
            "issue": links.get("issue"),
        }
    )
    if audience in ("executive", "resolved"):
        start = parse_time(context["started_at"])
        end = parse_time(incident.get("resolved_at")) or parse_time(incident.get("cancelled_at"))
        due = postmortem_due(incident, config, now.astimezone(UTC).date())
        context.update(
            {
                "ended_at": end.isoformat() if end else None,
                "duration_seconds": ((end or now) - start).total_seconds() if start else None,
                "summary": incident.get("summary"),
                "postmortem": {
                    "required": severity.postmortem if severity else "none",
                    "due": due.isoformat() if due else None,
                },
                "action_items": [],
            }
        )
    return context


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in _list(value) if isinstance(item, dict)]


def template_for(incident: dict[str, Any], audience: str) -> str:
    """The first internal update uses ``update-initial``; once resolved, internal and
    executive updates use ``update-resolved``; otherwise ``update-<audience>``."""
    first = len(incident.get("updates") or []) == 1 and audience == "internal"
    if first:
        return "update-initial"
    if incident.get("status") == "resolved" and audience != "customer":
        return "update-resolved"
    return f"update-{audience}"


def update_text(
    incident: dict[str, Any],
    config: Config,
    audience: str,
    message: str,
    now: datetime,
    root: Path | None,
) -> str:
    """The update as published, for an incident that already records it."""
    severity = config.severity(str(incident.get("severity", "")))
    upcoming = now + timedelta(minutes=severity.update_cadence_minutes) if severity else None
    context = update_context(incident, config, audience, message, now, upcoming)
    return render(template_for(incident, audience), context, root)
