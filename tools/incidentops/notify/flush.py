"""One delivery round: add the clock's events (overdue updates, escalation steps), send what
is pending to every target, record the results. The caller hands in a ``Store`` (repo/outbox's
``Store`` reads and commits the deliveries files), so this module touches no file itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from incidentops.incident.events import numbered
from incidentops.notify.deliver import Job, run
from incidentops.notify.due import due_events
from incidentops.notify.send import Context
from incidentops.notify.targets import Target
from incidentops.oncall.repo import OnCall


class Store(Protocol):
    def jobs(
        self, ident: str | None, now: datetime | None
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]: ...

    def save(
        self,
        results: dict[str, dict[str, dict[str, Any]]],
        new: dict[str, list[dict[str, Any]]],
    ) -> str | None: ...


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    sha: str | None = None


def flush(
    store: Store,
    ctx: Context,
    targets: list[Target],
    oncall: OnCall,
    ident: str | None = None,
    dry_run: bool = False,
) -> Report:
    report = Report()
    if not targets:
        report.lines.append("no notify target is configured (notify.targets in incidentops.yaml)")
        return report
    jobs = [Job(*found) for found in store.jobs(ident, ctx.now)]
    due = {
        job.ident: found
        for job in jobs
        # only incidents notify has heard of: configuring a target does not start reminding
        # about every incident that was already open
        if job.record.get("events")
        and (found := due_events(job.incident, job.record, ctx.config, oncall, ctx.now))
    }
    # numbered here and recorded with the results, in one commit (`save` renumbers them
    # should a concurrent run have added events first)
    for job in jobs:
        if job.ident in due:
            due[job.ident] = numbered(job.record.get("events", []), due[job.ident])
            job.record["events"] = [*job.record.get("events", []), *due[job.ident]]
    results = run(jobs, targets, ctx, dry_run)
    changed: dict[str, dict[str, dict[str, Any]]] = {}
    for job_ident, per_target in results.items():
        for name, result in per_target.items():
            report.lines.extend(result.lines)
            report.sent += len(result.sent)
            report.failed += 1 if result.error else 0
            if result.changed:
                changed.setdefault(job_ident, {})[name] = result.as_record()
    if (changed or due) and not dry_run:
        report.sha = store.save(changed, due)
    if not report.lines:
        report.lines.append("nothing to send")
    report.lines.extend(ctx.safe(note) for note in ctx.notes)
    return report
