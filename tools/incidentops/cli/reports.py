"""Commands that report on records: the postmortem draft and metrics."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from incidentops.cli.common import _at, _errors, _people, _setup, format_option, repo_option

if TYPE_CHECKING:
    from incidentops.base.config import Config


@click.group()
def postmortem() -> None:
    """Postmortems."""


@postmortem.command()
@click.argument("ident", metavar="ID")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write here (default: print)."
)
@repo_option
def draft(ident: str, output: str | None, repo: str | None) -> None:
    """The postmortem pre-filled from the incident (timeline, durations, impact, roles), with
    TODO markers the lint reports as "not yet written"."""
    from incidentops.followup.budgets import impact_lines
    from incidentops.incident.postmortem_draft import draft as make
    from incidentops.repo.store import load

    with _errors():
        root, config, now = _setup(repo)
        _, data = load(root, ident.upper())
        budgets = impact_lines(root, config, data, now)
        text = make(data, config, _people(root, config), now.date(), root, budgets)
    if output:
        target = Path(output).absolute()
        if target.exists():
            raise click.ClickException(f"{output} exists; not overwriting it")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
        _link(root, config, ident.upper(), target)
    else:
        click.echo(text, nl=False)


@click.command()
@click.option("--since", help="Declared at or after (RFC 3339 or '90d ago').")
@click.option("--until", help="Declared before.")
@click.option("--by", type=click.Choice(["severity", "service", "month"]), help="Group by.")
@format_option("text", "json", "markdown")
@repo_option
def metrics(
    since: str | None, until: str | None, by: str | None, fmt: str, repo: str | None
) -> None:
    """Counts, MTTD, MTTA, MTTR (mean, median, p90), time in each status, action-item
    completion and overdue count, from the files alone."""
    from incidentops.metrics import compute as core
    from incidentops.metrics import formats as metrics_report

    with _errors():
        root, _, now = _setup(repo)
        start: datetime | None = _at(since, now, "--since") if since else None
        end: datetime | None = _at(until, now, "--until") if until else None
    from incidentops.validate.index import facts_of

    index = facts_of(root, "incident", "postmortem")
    incidents, postmortems = list(index["incident"].values()), list(index["postmortem"].values())
    report = core.compute(incidents, postmortems, now.date(), start, end, by)
    render = {
        "json": metrics_report.to_json,
        "markdown": metrics_report.to_markdown,
        "text": metrics_report.to_text,
    }[fmt]
    click.echo(render(report), nl=False)


def _link(root: Path, config: Config, ident: str, target: Path) -> None:
    """A draft written where postmortems live is linked from its incident (``postmortem:``),
    so ``validate`` and ``close`` find it."""
    from incidentops.incident.lifecycle import link_postmortem
    from incidentops.loader.discovery import kind_of
    from incidentops.repo import operations

    try:
        relative = target.relative_to(root.resolve()).as_posix()
    except ValueError:
        return
    if kind_of(relative, config) != "postmortem":
        return
    with _errors():
        outcome = operations.change(
            root, ident, lambda data: link_postmortem(data, relative), config
        )
    click.echo(outcome.summary)
