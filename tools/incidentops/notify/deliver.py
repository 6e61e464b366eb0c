"""Sending what is pending: per incident and target, the events the target takes and has not
been sent, oldest first; targets run concurrently (one slow service holds up no other), each
target's events in order, stopping at a target's first failure for an incident (a resolve is
never posted before the declaration it follows). Returns, per incident and target, what was
sent, what expired and the remote IDs, for ``repo/outbox.merge`` to record."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from incidentops.base.timeutil import parse_time
from incidentops.notify.route import wants
from incidentops.notify.send import Context, DeliveryError, one_line
from incidentops.notify.targets import Target

DEFAULT_GIVE_UP_HOURS = 24


class Adapter(Protocol):
    def send(
        self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]
    ) -> None: ...

    def preview(
        self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]
    ) -> dict[str, Any]: ...


# type -> (module, class): imported only when a target of that type is configured (slack_sdk
# and pagerduty are not free to import on every run)
ADAPTERS = {
    "slack": ("slack", "Slack"),
    "teams": ("teams", "Teams"),
    "pagerduty": ("pagerduty", "PagerDuty"),
    "statuspage": ("statuspage", "Statuspage"),
    "email": ("email", "Email"),
    "webhook": ("webhook", "Webhook"),
}


def adapter_for(target: Target, ctx: Context) -> Adapter:
    import importlib

    module, name = ADAPTERS[target.type]
    kind: Callable[[Target, Context], Adapter] = getattr(
        importlib.import_module(f"incidentops.notify.{module}"), name
    )
    return kind(target, ctx)


@dataclass
class Job:
    """One incident: its data as it is now, and its deliveries record."""

    incident: dict[str, Any]
    record: dict[str, Any]

    @property
    def ident(self) -> str:
        return str(self.incident.get("id"))


@dataclass
class Result:
    sent: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    remote: dict[str, str] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    lines: list[str] = field(default_factory=list)  # what a person reads

    def as_record(self) -> dict[str, Any]:
        found: dict[str, Any] = {"sent": self.sent, "skipped": self.skipped, "remote": self.remote}
        if self.error:
            found["error"] = self.error
        return found

    @property
    def changed(self) -> bool:
        return bool(self.sent or self.skipped or self.error or self.remote)


def pending(job: Job, target: Target, ctx: Context) -> tuple[list[dict[str, Any]], list[int]]:
    """(events to send, IDs that expired) for ``target``."""
    record = (job.record.get("targets") or {}).get(target.name) or {}
    done = set(record.get("sent", [])) | set(record.get("skipped", []))
    engaged = bool(record.get("sent"))
    hours = int(ctx.config.notify.get("give_up_after_hours", DEFAULT_GIVE_UP_HOURS))
    oldest = ctx.now - timedelta(hours=hours)
    send, expired = [], []
    for event in job.record.get("events", []):
        if int(event["id"]) in done or not wants(target, event, job.incident, engaged):
            continue
        at = parse_time(event.get("at"))
        if at is not None and at < oldest:
            expired.append(int(event["id"]))
        else:
            send.append(event)
            engaged = True
    return send, expired


def run(
    jobs: list[Job], targets: list[Target], ctx: Context, dry_run: bool = False
) -> dict[str, dict[str, Result]]:
    """Deliver every job's pending events to every target; ``dry_run`` sends nothing and puts
    each payload (secrets masked) in the results' lines."""
    results: dict[str, dict[str, Result]] = {job.ident: {} for job in jobs}

    def one_target(target: Target) -> None:
        adapter = adapter_for(target, ctx)
        for job in jobs:
            result = results[job.ident].setdefault(target.name, Result())
            _deliver(job, target, adapter, result, ctx, dry_run)

    with ThreadPoolExecutor(max_workers=max(len(targets), 1)) as pool:
        for future in [pool.submit(one_target, t) for t in targets]:
            future.result()
    return results


def _deliver(
    job: Job, target: Target, adapter: Adapter, result: Result, ctx: Context, dry_run: bool
) -> None:
    import json

    from incidentops.incident.lifecycle import stamp

    send, expired = pending(job, target, ctx)
    result.skipped = expired
    for number in expired:
        result.lines.append(f"{target.name}: {job.ident} event {number} expired, not sent")
    record = (job.record.get("targets") or {}).get(target.name) or {}
    remote = dict(record.get("remote") or {})
    for event in send:
        label = f"{target.name}: {job.ident} event {event['id']} ({event['kind']})"
        try:
            if dry_run:
                shown = json.dumps(
                    adapter.preview(job.incident, event, remote), ensure_ascii=False, indent=2
                )
                result.lines.append(ctx.safe(f"{label} would send:\n{shown}"))
                continue
            adapter.send(job.incident, event, remote)
        except Exception as error:
            cause = (
                str(error)
                if isinstance(error, DeliveryError)
                else (f"{target.name}: unexpected {type(error).__name__}: {error}")
            )
            text = ctx.safe(one_line(cause, 300))
            result.error = {"event": int(event["id"]), "at": stamp(ctx.now), "message": text}
            # the label already names the target; the cause need not say it twice
            result.lines.append(f"{label} failed: {text.removeprefix(target.name + ': ')}")
            break
        result.sent.append(int(event["id"]))
        result.lines.append(f"{label} sent")
    if not dry_run and result.error is None and hasattr(adapter, "archive_due"):
        try:
            if adapter.archive_due(job.incident, remote):
                result.lines.append(f"{target.name}: {job.ident} channel archived")
        except DeliveryError as error:
            result.lines.append(ctx.safe(one_line(str(error), 300)))
    if not dry_run:
        result.remote = {k: v for k, v in remote.items() if record.get("remote", {}).get(k) != v}
