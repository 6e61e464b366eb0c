"""What a change tells the world: the notification events between two versions of an incident.

Events are found by comparing the incident before and after a change, not by asking each
command to announce itself, so a change made by any command (the command line, a slash-command,
the form, a hand edit replayed through ``operations``) produces the same events. Each event is
a small mapping, as stored in the incident's deliveries file (``schemas/deliveries``)::

    {id: 3, kind: severity, at: "2026-11-23T12:00:00Z", before: SEV3, after: SEV2, by: grace}

The IDs are numbered on within the incident and never change: a target's record says which
IDs it has been sent, so redelivery is decided by ID, never by comparing text.
"""

from __future__ import annotations

from typing import Any

EVENT_NAMES = (
    "declared",
    "severity",
    "status",
    "role",
    "update",
    "acknowledged",
    "resolved",
    "cancelled",
    "reopened",
    "postmortem",
    "overdue",
    "escalation",
)


def _status_event(before: str, after: str) -> str:
    if after in ("resolved", "cancelled"):
        return after
    if before == "resolved" and after == "investigating":
        return "reopened"
    return "status"


def between(
    before: dict[str, Any] | None, after: dict[str, Any], at: str, by: str | None = None
) -> list[dict[str, Any]]:
    """The events of going from ``before`` (None: the incident is new) to ``after``, without
    IDs (``numbered`` gives them). ``at`` is the change's time; ``by`` who made it."""
    found: list[dict[str, Any]] = []

    def add(kind: str, **fields: Any) -> None:
        event: dict[str, Any] = {"kind": kind, "at": at}
        event.update({k: v for k, v in fields.items() if v is not None})
        if by and "by" not in event:
            event["by"] = by
        found.append(event)

    if before is None:
        add("declared", at=str(after.get("declared_at") or at), by=after.get("declared_by") or by)
        # the declaration carries its severity, status and first roles: nothing else to say
        before = after
    if before.get("severity") != after.get("severity"):
        add("severity", before=_text(before.get("severity")), after=_text(after.get("severity")))
    old_status, new_status = str(before.get("status")), str(after.get("status"))
    if old_status != new_status:
        add(_status_event(old_status, new_status), before=old_status, after=new_status)
    old_roles: dict[str, Any] = _mapping(before.get("roles"))
    new_roles: dict[str, Any] = _mapping(after.get("roles"))
    for role, holder in new_roles.items():
        if old_roles.get(role) != holder:
            add("role", role=str(role), before=_text(old_roles.get(role)), after=_text(holder))
    if not before.get("acknowledged_at") and after.get("acknowledged_at"):
        add("acknowledged", at=str(after["acknowledged_at"]), by=after.get("acknowledged_by") or by)
    old_updates: list[Any] = _list(before.get("updates"))
    new_updates: list[Any] = _list(after.get("updates"))
    for index in range(len(old_updates), len(new_updates)):
        update = new_updates[index] if isinstance(new_updates[index], dict) else {}
        add(
            "update",
            at=str(update.get("at") or at),
            audience=str(update.get("audience")),
            update=index,
            by=update.get("author") or by,
        )
    if not before.get("postmortem") and after.get("postmortem"):
        add("postmortem", after=str(after["postmortem"]))
    return found


def numbered(existing: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``new`` events with IDs following ``existing``'s."""
    last = max((int(e.get("id", 0)) for e in existing), default=0)
    return [
        {"id": last + n, **{k: v for k, v in event.items() if k != "id"}}
        for n, event in enumerate(new, start=1)
    ]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
