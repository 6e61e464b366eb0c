"""What each event says, as plain text (pure): one headline per incident and one line per event,
from the incident as it is now. Adapters dress it for their service (Slack mrkdwn, an Adaptive
Card, an e-mail); people's text is escaped there, never trusted as markup."""

from __future__ import annotations

from typing import Any

STATUS_WORDS = {
    "investigating": "Investigating",
    "identified": "Identified",
    "mitigated": "Mitigated",
    "resolved": "Resolved",
    "closed": "Closed",
    "cancelled": "Cancelled",
}


def headline(incident: dict[str, Any]) -> str:
    """``INC-2026-0043 [SEV2] Checkout errors — Investigating``"""
    status = STATUS_WORDS.get(str(incident.get("status")), str(incident.get("status")))
    return f"{incident.get('id')} [{incident.get('severity')}] {incident.get('title')} — {status}"


def roles_line(incident: dict[str, Any]) -> str:
    roles = mapping(incident.get("roles"))
    return ", ".join(f"{role}: {holder}" for role, holder in roles.items()) or "no roles yet"


def update_of(incident: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    updates = listed(incident.get("updates"))
    index = int(event.get("update", -1))
    found = updates[index] if 0 <= index < len(updates) else {}
    return found if isinstance(found, dict) else {}


def event_line(incident: dict[str, Any], event: dict[str, Any]) -> str:
    """One line saying what happened (without the update's own text)."""
    kind, ident = event.get("kind"), incident.get("id")
    by = f" by {event['by']}" if event.get("by") else ""
    if kind == "declared":
        return f"{ident} declared {incident.get('severity')}{by}: {incident.get('title')}"
    if kind == "severity":
        return f"{ident} severity {event.get('before')} → {event.get('after')}{by}"
    if kind == "status":
        return f"{ident} status {event.get('before')} → {event.get('after')}{by}"
    if kind == "role":
        return f"{ident}: {event.get('after')} is {event.get('role')}{by}"
    if kind == "update":
        return f"{ident} {event.get('audience')} update{by}"
    if kind == "acknowledged":
        return f"{ident} acknowledged{by}"
    if kind in ("resolved", "cancelled", "reopened"):
        return f"{ident} {kind}{by}"
    if kind == "postmortem":
        return f"{ident} postmortem opened: {event.get('after')}"
    if kind == "overdue":
        return f"{ident}: the next status update was due at {event.get('due')} and none is posted"
    if kind == "escalation":
        people = ", ".join(event.get("people", ())) or "nobody on call"
        return f"{ident} is not acknowledged: escalation step {event.get('step')} ({people})"
    return f"{ident}: {kind}"


def event_text(incident: dict[str, Any], event: dict[str, Any]) -> str:
    """The event's line, then the people's text it carries (an update's, a summary)."""
    line = event_line(incident, event)
    if event.get("kind") == "update":
        return f"{line}\n{update_of(incident, event).get('text', '')}"
    if event.get("kind") == "declared" and incident.get("summary"):
        return f"{line}\n{incident['summary']}"
    return line


def link_of(incident: dict[str, Any], repository_url: str | None) -> str | None:
    links = mapping(incident.get("links"))
    if repository_url and isinstance(links.get("issue"), int):
        return f"{repository_url.rstrip('/')}/issues/{links['issue']}"
    return None


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
