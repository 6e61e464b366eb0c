"""Following through after incidents: ``incidentops actions list`` and ``incidentops report
weekly`` (what the rollup issue and the weekly post are made from)."""

from __future__ import annotations

import json

import click

from incidentops.cli.common import _errors, _setup, format_option, repo_option


def _days(text: str) -> int:
    value = text.strip().lower().removesuffix("d").removesuffix("days").strip()
    if not value.isdigit():
        raise click.BadParameter(f"{text!r}: give a number of days, e.g. 7d")
    return int(value)


@click.group()
def actions() -> None:
    """Action items from every postmortem's front matter."""


@actions.command("list")
@click.option("--overdue", is_flag=True, help="Only items past their due date.")
@click.option("--due-within", "within", metavar="DAYS", help="Only items due in DAYS (e.g. 7d).")
@click.option("--owner", help="Only this person's items (a handle).")
@click.option("--all", "everything", is_flag=True, help="Include done and won't-do items.")
@format_option("text", "json", "markdown")
@repo_option
def list_actions(
    overdue: bool,
    within: str | None,
    owner: str | None,
    everything: bool,
    fmt: str,
    repo: str | None,
) -> None:
    """Open action items (overdue ones marked !), grouped by owner, soonest due first.
    With --overdue and --due-within together: items that are either."""
    from incidentops.followup import actions as core

    with _errors():
        root, _, now = _setup(repo)
        days = _days(within) if within else None
        found = core.from_repository(root)
        chosen = core.select(
            found,
            now.date(),
            overdue=overdue,
            due_within=days,
            owner=owner.lstrip("@") if owner else None,
            include_closed=everything,
        )
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "today": now.date().isoformat(),
                    "items": [{**i.as_dict(), "overdue": i.overdue(now.date())} for i in chosen],
                },
                indent=2,
            )
        )
    elif fmt == "markdown":
        click.echo(core.markdown(chosen, now.date()), nl=False)
    else:
        click.echo(core.text(chosen, now.date()), nl=False)


@click.group()
def report() -> None:
    """Reports over the repository's incidents and postmortems."""


@report.command()
@click.option("--until", "until", help="End of the week (default now).")
@format_option("text", "markdown", "json", default="markdown")
@repo_option
def weekly(until: str | None, fmt: str, repo: str | None) -> None:
    """The week in incidents: opened and resolved, MTTD/MTTA/MTTR, action items done and
    overdue, and repeat offenders (services, contributing factors)."""
    from incidentops.cli.common import _at
    from incidentops.followup.weekly import build, to_markdown, to_text

    with _errors():
        root, config, now = _setup(repo)
        end = _at(until, now, "--until") if until else now
        week = build(root, config, end)
    if fmt == "json":
        click.echo(json.dumps(week.to_dict(), indent=2))
    elif fmt == "markdown":
        click.echo(to_markdown(week), nl=False)
    else:
        click.echo(to_text(week), nl=False)


@report.command("alerts")
@click.option("--since", help="Incidents declared from this moment (default 90 days ago).")
@format_option("text", "markdown", "json")
@repo_option
def alerts_report(since: str | None, fmt: str, repo: str | None) -> None:
    """Per alert: its severity label, its runbook, the incidents it started, how many were
    cancelled or SEV4, the median time to mitigate, and whether it looks like noise."""
    from datetime import timedelta

    from incidentops.alerts.report import FORMATS
    from incidentops.cli.common import _at
    from incidentops.followup.alerts import build

    with _errors():
        root, config, now = _setup(repo)
        start = _at(since, now, "--since") if since else now - timedelta(days=90)
        found, problems = build(root, config, start, now)
    for problem in problems:
        click.echo(
            f"{problem.path}:{problem.line}: {problem.message} (its alerts are left out)", err=True
        )
    click.echo(FORMATS[fmt](found, start, now), nl=False)
