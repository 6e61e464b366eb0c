"""``incidentops notify``: send what is pending, test a target, see what went where.

Every lifecycle command already delivers its own events after it lands; ``notify flush`` is
what the scheduled workflow runs, so a Slack outage at declare time delays the channel, it
does not drop it. ``--dry-run`` prints each payload with secrets masked and sends nothing."""

from __future__ import annotations

import click

from incidentops.cli.common import Failure, _errors, _git, _people, _setup, repo_option


@click.group()
def notify() -> None:
    """Notifications: Slack, Teams, PagerDuty, Statuspage, e-mail and signed webhooks."""


@notify.command("flush")
@click.argument("ident", metavar="[ID]", required=False)
@click.option("--dry-run", is_flag=True, help="Print what would be sent (secrets masked).")
@click.option("--commit", is_flag=True, help="Commit the deliveries record.")
@click.option("--push", is_flag=True, help="Commit and push the record, retrying on a race.")
@repo_option
def flush_command(
    ident: str | None, dry_run: bool, commit: bool, push: bool, repo: str | None
) -> None:
    """Send every pending event (of ID, or of every incident), add overdue-update and
    escalation events that are due, and record what was sent. Exit 1 if a send failed."""
    from incidentops.github.notifying import deliver

    with _errors():
        root, config, now = _setup(repo)
        git = _git(commit, push, None, _people(root, config))
        report = deliver(root, config, now, ident.upper() if ident else None, git, dry_run)
    for line in report.lines:
        click.echo(line)
    if not dry_run:
        click.echo(
            f"{report.sent} sent, {report.failed} failed"
            + (f" (recorded in {report.sha[:8]})" if report.sha else "")
        )
    if report.failed:
        raise SystemExit(1)


@notify.command("test")
@click.argument("name", metavar="TARGET")
@click.option("--dry-run", is_flag=True, help="Print the test message instead of sending it.")
@repo_option
def test_command(name: str, dry_run: bool, repo: str | None) -> None:
    """Send a test message to TARGET (PagerDuty: a trigger resolved at once; Statuspage:
    reads the page's components, nothing is published)."""
    from incidentops.github.notifying import probe

    with _errors():
        root, config, now = _setup(repo)
        click.echo(probe(root, config, now, name, dry_run))


@notify.command("status")
@click.argument("ident", metavar="ID")
@repo_option
def status_command(ident: str, repo: str | None) -> None:
    """What each target was sent about incident ID, what is pending and the last error."""
    from incidentops.github.notifying import status_lines

    with _errors():
        root, config, now = _setup(repo)
        lines = status_lines(root, config, now, ident.upper())
    for line in lines:
        click.echo(line)


__all__ = ["Failure", "notify"]
