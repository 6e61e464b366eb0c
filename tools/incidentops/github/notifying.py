"""Delivering an incident's notifications after its change is pushed: the one place that
wires ``repo/outbox`` (the deliveries files, committed and pushed) to ``notify/`` (the sends).
The command line and the workflows both come here, so a hand-run ``incidentops status`` and
a ``/status`` comment reach the same people the same way.

A delivery failure never undoes or blocks the incident change: it is recorded in the
deliveries file and ``incidentops notify flush`` (the scheduled workflow) completes it.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.notify.flush import Report, flush
from incidentops.notify.send import Context
from incidentops.notify.targets import targets_of


def repository_url() -> str | None:
    repository = os.environ.get("GITHUB_REPOSITORY")
    server = os.environ.get("GITHUB_SERVER_URL") or "https://github.com"
    return f"{server.rstrip('/')}/{repository}" if repository else None


def deliver(
    root: Path,
    config: Config,
    now: datetime,
    ident: str | None = None,
    git: Any = None,
    dry_run: bool = False,
) -> Report:
    """Send what is pending (for ``ident``, or for every incident) and record it."""
    from incidentops.oncall.repo import from_directory
    from incidentops.repo.outbox import Store

    oncall = from_directory(root, config)
    ctx = Context(config, oncall.people, oncall.services, now, repository_url=repository_url())
    return flush(Store(root, config, git), ctx, targets_of(config), oncall, ident, dry_run)


def safe(config: Config, text: str) -> str:
    """``text`` with every configured secret's value masked."""
    from incidentops.notify.targets import secret_variables
    from incidentops.runbook.mask import masked

    return masked(text, [os.environ[n] for n in secret_variables(config) if os.environ.get(n)])


def after_change(root: Path, config: Config, now: datetime, ident: str, git: Any, say: Any) -> None:
    """Deliver a change's events right after it landed; failures are said, not raised."""
    from incidentops.repo.outbox import has_targets

    if not has_targets(config):
        return
    try:
        report = deliver(root, config, now, ident, git)
    except Exception as error:
        cause = safe(config, f"{type(error).__name__}: {error}")
        say(f"notify: not delivered now ({cause}); `incidentops notify flush` retries")
        return
    for line in report.lines:
        if line != "nothing to send":
            say(f"notify: {line}")


def probe(root: Path, config: Config, now: datetime, name: str, dry_run: bool) -> str:
    from incidentops.notify.probe import test_message
    from incidentops.notify.targets import target_named
    from incidentops.oncall.repo import from_directory

    oncall = from_directory(root, config)
    ctx = Context(config, oncall.people, oncall.services, now, repository_url=repository_url())
    return ctx.safe(test_message(target_named(config, name), ctx, dry_run))


def status_lines(root: Path, config: Config, now: datetime, ident: str) -> list[str]:
    from incidentops.notify.deliver import Job
    from incidentops.notify.probe import status
    from incidentops.oncall.repo import from_directory
    from incidentops.repo.outbox import Store

    oncall = from_directory(root, config)
    ctx = Context(config, oncall.people, oncall.services, now, repository_url=repository_url())
    (incident, record), *_ = Store(root, config).jobs(ident)
    return status(Job(incident, record), ctx)
