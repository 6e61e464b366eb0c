"""Which targets hear which event, from ``events`` and ``when`` in incidentops.yaml."""

from __future__ import annotations

from typing import Any

from incidentops.notify import message
from incidentops.notify.targets import Target

# Events that close what an earlier event opened: they follow the incident wherever it went,
# whatever its severity is now (a SEV2 page downgraded to SEV3 must still be resolved).
FOLLOWING = frozenset({"acknowledged", "resolved", "cancelled", "severity", "reopened"})


def event_name(event: dict[str, Any]) -> str:
    if event.get("kind") == "update":
        return f"update:{event.get('audience')}"
    return str(event.get("kind"))


def takes(target: Target, event: dict[str, Any]) -> bool:
    name = event_name(event)
    return name in target.events or (name.startswith("update:") and "update" in target.events)


def wants(target: Target, event: dict[str, Any], incident: dict[str, Any], engaged: bool) -> bool:
    """``engaged``: the target has already been sent something about this incident."""
    if not takes(target, event):
        return False
    if engaged and event.get("kind") in FOLLOWING:
        return True
    if target.severities is not None and str(incident.get("severity")) not in target.severities:
        return False
    services = message.listed(incident.get("services"))
    return target.services is None or any(s in target.services for s in services)
