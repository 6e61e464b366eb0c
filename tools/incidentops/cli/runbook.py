"""``incidentops runbook``: list a runbook's steps, walk them at a terminal recording each on
the incident's timeline, and show which were tried for an incident."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from incidentops.cli.common import (
    ClickTerminal,
    Failure,
    _errors,
    _git,
    _people,
    _setup,
    actor_option,
    format_option,
    known_actor,
    push_option,
    repo_option,
)

if TYPE_CHECKING:
    from incidentops.base.config import Config
    from incidentops.runbook.session import Done
    from incidentops.runbook.steps import Runbook


@click.group()
def runbook() -> None:
    """Runbooks people run: steps from the Markdown, each recorded on the timeline."""


def _book(root: Path, config: Config, wanted: str) -> Runbook:
    from incidentops.runbook.find import RunbookError, load, resolve

    try:
        return load(root, resolve(root, config, wanted), config)
    except RunbookError as exc:
        raise Failure(str(exc)) from None


@runbook.command()
@click.argument("name", metavar="RUNBOOK")
@format_option("text", "json")
@repo_option
def steps(name: str, fmt: str, repo: str | None) -> None:
    """The steps of RUNBOOK (a path, a file name, a title or an alert it lists)."""
    with _errors():
        root, config, _ = _setup(repo)
        book = _book(root, config, name)
    from incidentops.runbook.views import steps_document, steps_text

    if fmt == "json":
        click.echo(json.dumps(steps_document(book), indent=2))
    else:
        click.echo(steps_text(book), nl=False)


@runbook.command("run")
@click.argument("name", metavar="[RUNBOOK]", required=False)
@click.option("--incident", "ident", help="Record every step on this incident's timeline.")
@click.option(
    "--from", "start", metavar="STEP", help="Start at this step (name or 'Remediation 2')."
)
@click.option("--only", metavar="STEP", help="Run only this step.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="A parameter's value.")
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    help="Seconds a step may run (default runbooks.step_timeout_seconds, 300).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan; run and record nothing.")
@click.option(
    "--yes", is_flag=True, help="Run every step without asking (destructive ones still ask)."
)
@click.option(
    "--allow-destructive", is_flag=True, help="Without a terminal, run destructive steps too."
)
@click.option("--allow-ci", is_flag=True, help="Run under GitHub Actions (refused by default).")
@click.option("--no-commit", is_flag=True, help="Write the timeline, commit nothing.")
@push_option
@actor_option
@repo_option
def run_command(
    name: str | None,
    ident: str | None,
    start: str | None,
    only: str | None,
    params: tuple[str, ...],
    timeout: int | None,
    dry_run: bool,
    yes: bool,
    allow_destructive: bool,
    allow_ci: bool,
    no_commit: bool,
    push: bool,
    actor: str | None,
    repo: str | None,
) -> None:
    """Walk RUNBOOK's steps: show each, ask run / skip / edit / quit, run it with a timeout,
    and with --incident record it on the timeline (one commit per step)."""
    from incidentops.runbook import params as parameters
    from incidentops.runbook import session

    if os.environ.get("GITHUB_ACTIONS") == "true" and not allow_ci:
        raise Failure(
            "refused under GitHub Actions: a runbook runs on a responder's machine (--allow-ci)"
        )
    terminal = ClickTerminal()
    with _errors():
        root, config, _ = _setup(repo)
        people = _people(root, config)
        who = actor or os.environ.get("INCIDENTOPS_ACTOR")
        incident = _incident(root, ident.upper()) if ident else None
        if incident is not None:
            known_actor(who, people)
        book = _book(root, config, name or _suggested(root, config, incident, terminal))
        try:
            declared = parameters.declared(book.front)
            ask = None if not terminal.interactive or dry_run or yes else _asker(terminal)
            values = parameters.resolve(declared, parameters.given(params), ask)
            planned = session.plan(book, start, only)
        except (parameters.ParameterError, session.SessionError) as exc:
            raise Failure(str(exc)) from None
    if dry_run:
        from incidentops.runbook.views import plan_text

        ident_text = str(incident.get("id")) if incident else None
        click.echo(plan_text(book, planned, values, config.interpreters, ident_text), nl=False)
        return
    if not terminal.interactive and not yes:
        raise Failure(
            "not a terminal: give --yes to run the steps without asking (--dry-run to see them)"
        )
    if terminal.interactive:
        # Ctrl-C must reach us to stop a step, even when started from a shell that ignores it
        # (a background job, nohup): Python keeps an inherited SIG_IGN otherwise
        signal.signal(signal.SIGINT, signal.default_int_handler)
    secrets = session.secrets_of(config.secret_env)
    options = session.Options(
        env=session.step_env(
            dict(os.environ), values, book, str(incident.get("id")) if incident else None
        ),
        secrets=secrets,
        timeout=timeout or config.step_timeout_seconds,
        destructive_commands=config.destructive_commands,
        yes=yes,
        allow_destructive=allow_destructive,
        start=start,
        only=only,
    )
    git = _git(not no_commit and (root / ".git").exists(), push and not no_commit, who, people)
    recorder = _recorder(root, config, book, incident, who, secrets, git)
    walked = session.walk(book, root, config.interpreters, terminal, options, recorder)
    ran = [d for d in walked.done if d.outcome != "skipped"]
    click.echo(
        f"{len(ran)} step(s) run, {len(walked.done) - len(ran)} skipped"
        + (", quit" if walked.quit else "")
    )
    if incident is not None and not walked.quit:
        _when_exhausted(root, config, book, str(incident.get("id")), terminal, who, git)


def _asker(terminal: ClickTerminal) -> Any:
    def ask(parameter: Any) -> str:
        hint = f" ({parameter.description})" if parameter.description else ""
        default = f" [{parameter.default}]" if parameter.default is not None else ""
        value = terminal.ask(f"{parameter.name}{hint}{default}")
        return value if value or parameter.default is None else parameter.default

    return ask


def _incident(root: Path, ident: str) -> dict[str, Any]:
    from incidentops.repo.store import load

    _, data = load(root, ident)
    return data


def _suggested(
    root: Path, config: Config, incident: dict[str, Any] | None, terminal: ClickTerminal
) -> str:
    if incident is None:
        raise Failure("name a RUNBOOK, or give --incident to choose among its runbooks")
    offered = [str(p) for p in incident.get("runbooks") or ()]
    if not offered:
        raise Failure(f"{incident.get('id')} suggests no runbook: name one")
    if len(offered) == 1 or not terminal.interactive:
        if len(offered) > 1:
            raise Failure(
                f"{incident.get('id')} suggests {len(offered)} runbooks: "
                f"name one of {', '.join(offered)}"
            )
        return offered[0]
    for number, path in enumerate(offered, start=1):
        terminal.say(f"  {number}. {path}")
    chosen = terminal.ask(f"Which runbook (1-{len(offered)})?").strip()
    if not chosen.isdigit() or not 1 <= int(chosen) <= len(offered):
        raise Failure("no runbook chosen")
    return offered[int(chosen) - 1]


def _write_step(
    root: Path,
    config: Config,
    ident: str,
    who: str | None,
    git: Any,
    text: str,
    result: str | None,
    step: dict[str, Any],
) -> None:
    """One runbook event on the incident's timeline, committed as every change is."""
    from incidentops.base.clock import now
    from incidentops.incident.recording import add_runbook_step
    from incidentops.repo import operations

    with _errors():
        outcome = operations.change(
            root,
            ident,
            lambda data: add_runbook_step(data, now(), who, text, result, step),
            config,
            git,
        )
    click.echo(f"recorded: {outcome.summary}" + (f" ({outcome.sha[:8]})" if outcome.sha else ""))


def _recorder(
    root: Path,
    config: Config,
    book: Runbook,
    incident: dict[str, Any] | None,
    who: str | None,
    secrets: list[str],
    git: Any,
) -> Any:
    from incidentops.runbook.session import recorded_step, recorded_text

    def record(done: Done) -> None:
        if incident is not None:
            text, result = recorded_text(done, book, secrets)
            step = recorded_step(done, book)
            _write_step(root, config, str(incident["id"]), who, git, text, result, step)

    return record


def _when_exhausted(
    root: Path,
    config: Config,
    book: Runbook,
    ident: str,
    terminal: ClickTerminal,
    who: str | None,
    git: Any,
) -> None:
    """Every Remediation step tried and the incident still not mitigated: say how to escalate
    and who is next, and offer to record it."""
    from incidentops.base.clock import now
    from incidentops.oncall.repo import from_directory
    from incidentops.oncall.views import next_on_call
    from incidentops.runbook.status import exhausted

    data = _incident(root, ident)
    remediation = [s.name for s in book.runnable() if s.section == "Remediation"]
    if not exhausted(data, book.path, remediation):
        return
    click.echo(
        f"\nEvery Remediation step of {book.path} has been tried and {ident} is still "
        f"{data.get('status')}."
    )
    if book.escalation:
        click.echo("\n" + book.escalation)
    model = from_directory(root, config)
    click.echo(next_on_call(model, data.get("services") or (), str(data.get("severity")), now()))
    if terminal.interactive:
        answer = terminal.ask("Record the escalation on the timeline? [y/N]").strip().lower()
        if answer in ("y", "yes"):
            _record_escalation(root, config, book, ident, who, git)


def _record_escalation(
    root: Path, config: Config, book: Runbook, ident: str, who: str | None, git: Any
) -> None:
    text = f"Every Remediation step of {book.path} tried without mitigating: escalating"
    step = {"path": book.path, "section": "Remediation", "step": "escalation"}
    _write_step(root, config, ident, who, git, text, None, {**step, "outcome": "escalated"})


@runbook.command()
@click.argument("ident", metavar="ID")
@repo_option
def status(ident: str, repo: str | None) -> None:
    """Per runbook, which steps were tried for incident ID and how each went."""
    from incidentops.runbook.status import text

    with _errors():
        root, _, _ = _setup(repo)
        data = _incident(root, ident.upper())
    click.echo(text(data), nl=False)
