"""``incidentops github ...`` (what the workflows run) and ``incidentops forms sync``."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import click

from incidentops.cli.common import github_errors, repo_option


@click.group()
def github() -> None:
    """Run from GitHub Actions: declare from the issue form, apply slash-commands, preview
    on-call changes. Reads GITHUB_EVENT_PATH, GITHUB_EVENT_NAME, GITHUB_REPOSITORY,
    GITHUB_API_URL and GITHUB_TOKEN as Actions sets them."""


event_option = click.option(
    "--event",
    "event_path",
    envvar="GITHUB_EVENT_PATH",
    required=True,
    type=click.Path(dir_okay=False),
    help="The webhook payload (default: $GITHUB_EVENT_PATH).",
)
event_name_option = click.option(
    "--event-name", envvar="GITHUB_EVENT_NAME", help="Default: $GITHUB_EVENT_NAME."
)
scheduled_event_option = click.option(
    "--event",
    "event_path",
    envvar="GITHUB_EVENT_PATH",
    type=click.Path(dir_okay=False),
    help="The triggering event, if any (default: $GITHUB_EVENT_PATH).",
)
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Print the planned API calls and file diff; change nothing."
)


def _run(
    event_path: str,
    event_name: str | None,
    repo: str | None,
    dry_run: bool,
    flow: Callable[..., int],
    *extra: object,
) -> None:
    from incidentops.base.clock import now
    from incidentops.cli.common import repository_root
    from incidentops.github import event as events
    from incidentops.github.api import Api, Settings
    from incidentops.github.replies import Where
    from incidentops.github.run import Run, branch_name, server_url
    from incidentops.validate.index import load_config

    with github_errors():
        event = (
            events.load(event_path, event_name)
            if event_path
            else events.Event(
                event_name or "manual", None, os.environ.get("GITHUB_REPOSITORY", ""), None
            )
        )
        repository = os.environ.get("GITHUB_REPOSITORY") or event.repository
        if not repository:
            raise events.EventError("no repository: set GITHUB_REPOSITORY (owner/name)")
        root = repository_root(repo)
        config, _ = load_config(root)
        api = Api(
            repository,
            Settings.from_environment(),
            dry_run=dry_run,
            say=click.echo,
            bot_login=config.github.bot_login,
        )
        run = Run(
            root,
            config,
            now(),
            api,
            Where(server_url(), repository, branch_name()),
            dry_run,
            click.echo,
        )
        try:
            code = flow(run, event, *extra)
        finally:
            api.close()
            click.echo(f"-- {api.requests} API request(s)" + (", dry run" if dry_run else ""))
    sys.exit(code)


@github.command()
@event_option
@event_name_option
@repo_option
@dry_run_option
def declare(event_path: str, event_name: str | None, repo: str | None, dry_run: bool) -> None:
    """Declare the incident an issue form (or a workflow_dispatch run) describes: commit and
    push the incident file, retitle and label the issue, comment who does what."""
    from incidentops.github.declaring import from_event

    _run(event_path, event_name, repo, dry_run, from_event)


@github.command()
@event_option
@event_name_option
@repo_option
@dry_run_option
def command(event_path: str, event_name: str | None, repo: str | None, dry_run: bool) -> None:
    """Apply the slash-command in an issue comment to its incident: one commit, labels, a
    reply. Only people with the configured permission (default write) may."""
    from incidentops.github.commanding import from_event

    _run(event_path, event_name, repo, dry_run, from_event)


@github.command("oncall-preview")
@event_option
@event_name_option
@click.option("--days", type=click.IntRange(1, 366), default=28, show_default=True)
@repo_option
@dry_run_option
def oncall_preview(
    event_path: str, event_name: str | None, days: int, repo: str | None, dry_run: bool
) -> None:
    """On a pull request: whose shifts change between base and head, to the job summary
    and one comment kept up to date."""
    from incidentops.github.preview import from_event

    _run(event_path, event_name, repo, dry_run, from_event, days)


@github.command("postmortem")
@click.option(
    "--event",
    "event_path",
    envvar="GITHUB_EVENT_PATH",
    type=click.Path(dir_okay=False),
    help="A push event: open pull requests for incidents it resolved (default: "
    "$GITHUB_EVENT_PATH; a schedule or manual run reconciles).",
)
@event_name_option
@click.option("--incident", "ident", metavar="ID", help="Open this incident's pull request.")
@click.option(
    "--reconcile",
    is_flag=True,
    help="Open every missing one (incidents resolved in the last 30 days that need a "
    "postmortem and have none on main).",
)
@repo_option
@dry_run_option
def postmortem_pull(
    event_path: str | None,
    event_name: str | None,
    ident: str | None,
    reconcile: bool,
    repo: str | None,
    dry_run: bool,
) -> None:
    """Open the postmortem pull request of resolved incidents: branch postmortem/<ID>, the
    draft, the incident's link, reviewers, due date; once, however often it is started."""
    from incidentops.github.postmortem_triggers import run_postmortems

    if event_path is None and not (ident or reconcile):
        raise click.UsageError("give --incident ID, --reconcile, or an event")
    _run(event_path or "", event_name, repo, dry_run, run_postmortems, ident, reconcile)


def _scheduled(name: str, flow_path: str, doc: str) -> click.Command:
    """A command run on a schedule: no event needed (one is read when Actions gives it)."""

    @github.command(name, help=doc)
    @scheduled_event_option
    @event_name_option
    @repo_option
    @dry_run_option
    def command(
        event_path: str | None, event_name: str | None, repo: str | None, dry_run: bool
    ) -> None:
        import importlib

        module, _, function = flow_path.rpartition(".")
        flow = getattr(importlib.import_module(module), function)
        _run(event_path or "", event_name, repo, dry_run, flow)

    return command


_scheduled(
    "rollup",
    "incidentops.github.rollup.rollup",
    "Keep the one issue listing overdue and soon-due action items by owner: edit it when it "
    "changed, close it when nothing is overdue, reopen it when something is again.",
)


@github.command()
@scheduled_event_option
@event_name_option
@click.option(
    "--postmortems",
    is_flag=True,
    help="Instead: one reminder on each postmortem pull request past its due date (daily).",
)
@repo_option
@dry_run_option
def remind(
    event_path: str | None,
    event_name: str | None,
    postmortems: bool,
    repo: str | None,
    dry_run: bool,
) -> None:
    """Remind on incident issues: an overdue status update (once per missed interval, naming
    the commander), a quiet incident (once per quiet spell)."""
    from incidentops.github.remind import remind as flow

    _run(event_path or "", event_name, repo, dry_run, flow, postmortems)


_scheduled(
    "actions-sync",
    "incidentops.github.actions_sync.sync",
    "Open a tracking issue for each action item with track: true, record its number in the "
    "postmortem; mark items done whose tracking issue was closed.",
)
_scheduled(
    "weekly",
    "incidentops.github.rollup.weekly",
    "Post the weekly report to the issue github.weekly_issue names, once per week.",
)
