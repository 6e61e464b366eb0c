"""``notify test TARGET``: one harmless message proving a target is wired up, and
``notify status``'s lines (pure but for the test's one send)."""

from __future__ import annotations

from typing import Any

from incidentops.notify.deliver import Job, adapter_for, pending
from incidentops.notify.send import Context
from incidentops.notify.targets import Target, targets_of

TEST_INCIDENT: dict[str, Any] = {
    "id": "INC-0000-0000",
    "title": "incidentops test message: no action needed",
    "severity": "SEV4",
    "status": "resolved",
    "services": [],
    "roles": {},
}


def test_message(target: Target, ctx: Context, dry_run: bool) -> str:
    """Send (or with ``dry_run`` show) the test; the line to print."""
    import json

    adapter: Any = adapter_for(target, ctx)
    event = {"id": 1, "kind": "declared", "at": ctx.now.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if target.type == "statuspage":
        what = "GET components (nothing is published)"
        if dry_run:
            return f"{target.name}: would {what}"
        found = adapter.components_list()
        return f"{target.name}: reached page {target.get('page_id')}: {len(found)} components"
    if target.type == "pagerduty":
        if dry_run:
            return f"{target.name}: would trigger and at once resolve a test alert (info severity)"
        adapter.test()
        return f"{target.name}: test alert triggered and resolved"
    if target.type == "slack":
        if dry_run:
            return f"{target.name}: would post a test message to {target.get('announce_channel')}"
        return f"{target.name}: {adapter.test()}"
    if dry_run:
        shown = json.dumps(adapter.preview(TEST_INCIDENT, event, {}), ensure_ascii=False, indent=2)
        return ctx.safe(f"{target.name} would send:\n{shown}")
    adapter.send(TEST_INCIDENT, event, {})
    return f"{target.name}: test message sent"


def status(job: Job, ctx: Context) -> list[str]:
    lines = [f"{job.ident}: {len(job.record.get('events', []))} events"]
    kinds = {int(e["id"]): e.get("kind") for e in job.record.get("events", [])}
    for target in targets_of(ctx.config):
        record = (job.record.get("targets") or {}).get(target.name) or {}
        send, expired = pending(job, target, ctx)
        parts = [f"sent {_ids(record.get('sent', []), kinds)}"]
        if send:
            parts.append(f"pending {_ids([int(e['id']) for e in send], kinds)}")
        if record.get("skipped") or expired:
            parts.append(f"expired {_ids([*record.get('skipped', []), *expired], kinds)}")
        remote = record.get("remote") or {}
        if remote:
            parts.append(", ".join(f"{k} {v}" for k, v in sorted(remote.items())))
        error = record.get("error")
        if error:
            parts.append(f"last error at {error.get('at')}: {error.get('message')}")
        lines.append(f"  {target.name} ({target.type}): " + "; ".join(parts))
    return lines


def _ids(ids: list[int], kinds: dict[int, Any]) -> str:
    if not ids:
        return "nothing"
    return ", ".join(f"{i} {kinds.get(i, '?')}" for i in sorted(ids))
