"""``incidentops runbook``: list a runbook's steps, walk them at a terminal recording each on
the incident's timeline, and show which were tried for an incident."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from incidentops.cli.common import (
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
    if fmt == "json":
        rows = [
            {
                "section": s.section,
                "number": s.number,
                "name": s.name if s.runnable else None,
                "title": s.title,
                "language": s.language,
                "line": s.line,
                "runnable": s.runnable,
                "expected": s.expected,
                "excluded_from_run_all": s.annotations.exclude_from_run_all,
            }
            for s in book.steps
        ]
        click.echo(json.dumps({"version": 1, "runbook": book.path, "steps": rows}, indent=2))
        return
    click.echo(f"{book.path}: {book.title}")
    for s in book.steps:
        mark = s.name if s.runnable else f"(shown: {s.language or 'no language'})"
        click.echo(f"  {s.label():<16} {mark:<28} line {s.line:<5} {s.title[:80]}")


class _ClickTerminal:
    def __init__(self) -> None:
        self.interactive = sys.stdin.isatty() and sys.stdout.isatty()

    def say(self, text: str) -> None:
        click.echo(text)

    def output(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def choose(self, prompt: str) -> str:
        try:
            return str(
                click.prompt(prompt, type=click.Choice(["r", "s", "e", "q"]), show_choices=False)
            )
        except click.Abort:
            click.echo("")
            return "q"

    def ask(self, prompt: str) -> str:
        try:
            return str(click.prompt(prompt, default="", show_default=False))
        except click.Abort:
            return ""

    def edit(self, code: str) -> str | None:
        return click.edit(code, extension=".sh", require_save=True)


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
    terminal = _ClickTerminal()
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
        _print_plan(book, planned, values, config, incident)
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


def _asker(terminal: _ClickTerminal) -> Any:
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
    root: Path, config: Config, incident: dict[str, Any] | None, terminal: _ClickTerminal
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


def _print_plan(
    book: Runbook,
    planned: list[Any],
    values: dict[str, str],
    config: Config,
    incident: dict[str, Any] | None,
) -> None:
    click.echo(f"Plan for {book.path} ({book.title}); nothing is run or recorded (--dry-run)")
    for name, value in values.items():
        click.echo(f"  parameter {name}={value!r} (an environment variable, never in the command)")
    for step in planned:
        if step.runnable:
            click.echo(f"  {step.label():<16} {step.name:<28} {config.interpreters[step.language]}")
        else:
            click.echo(f"  {step.label():<16} shown only ({step.language or 'no language'})")
    where = (
        f"{incident.get('id')}'s timeline, one commit per step"
        if incident
        else "nowhere (no --incident)"
    )
    click.echo(f"  recorded on: {where}")


def _recorder(
    root: Path,
    config: Config,
    book: Runbook,
    incident: dict[str, Any] | None,
    who: str | None,
    secrets: list[str],
    git: Any,
) -> Any:
    from incidentops.base.clock import now
    from incidentops.incident.recording import add_runbook_step
    from incidentops.repo import operations
    from incidentops.runbook.session import recorded_text

    def record(done: Done) -> None:
        if incident is None:
            return
        text, result = recorded_text(done, book, secrets)
        step: dict[str, Any] = {
            "path": book.path,
            "section": done.step.section,
            "step": done.step.name,
            "outcome": done.outcome,
        }
        if done.run is not None:
            if done.run.exit_code is not None:
                step["exit_code"] = done.run.exit_code
            step["seconds"] = done.run.seconds
        if done.edited:
            step["edited"] = True
        with _errors():
            outcome = operations.change(
                root,
                str(incident["id"]),
                lambda data: add_runbook_step(data, now(), who, text, result, step),
                config,
                git,
            )
        click.echo(
            f"recorded: {outcome.summary}" + (f" ({outcome.sha[:8]})" if outcome.sha else "")
        )

    return record


def _when_exhausted(
    root: Path,
    config: Config,
    book: Runbook,
    ident: str,
    terminal: _ClickTerminal,
    who: str | None,
    git: Any,
) -> None:
    """Every Remediation step tried and the incident still not mitigated: say how to escalate
    and who is next, and offer to record it."""
    from incidentops.runbook.status import by_runbook

    data = _incident(root, ident)
    if data.get("status") not in ("investigating", "identified"):
        return
    remediation = [s.name for s in book.runnable() if s.section == "Remediation"]
    tried = {t.step for t in by_runbook(data).get(book.path, ()) if t.outcome != "skipped"}
    if not remediation or not set(remediation) <= tried:
        return
    click.echo(
        f"\nEvery Remediation step of {book.path} has been tried and {ident} is still "
        f"{data.get('status')}."
    )
    if book.escalation:
        click.echo("\n" + book.escalation)
    click.echo(_next_on_call(root, config, data))
    if terminal.interactive:
        answer = terminal.ask("Record the escalation on the timeline? [y/N]").strip().lower()
        if answer in ("y", "yes"):
            _record_escalation(root, config, book, ident, who, git)


def _next_on_call(root: Path, config: Config, data: dict[str, Any]) -> str:
    from incidentops.base.clock import now
    from incidentops.oncall.escalation import chain
    from incidentops.oncall.repo import from_directory
    from incidentops.oncall.views import escalation_text

    model = from_directory(root, config)
    lines = []
    for service in data.get("services") or ():
        entry = model.services.get(str(service)) or {}
        policy = model.policies.get(str(entry.get("escalation", "")))
        if policy is None:
            lines.append(f"{service}: no escalation policy in oncall/escalation/")
            continue
        steps = chain(policy, model.schedules, now(), str(data.get("severity")))
        schedule = model.schedules.get(str(entry.get("schedule", "")))
        lines.append(escalation_text(policy.name, now(), schedule, steps).rstrip())
    return "\n".join(lines)


def _record_escalation(
    root: Path, config: Config, book: Runbook, ident: str, who: str | None, git: Any
) -> None:
    from incidentops.base.clock import now
    from incidentops.incident.recording import add_runbook_step
    from incidentops.repo import operations

    text = f"Every Remediation step of {book.path} tried without mitigating: escalating"
    step = {
        "path": book.path,
        "section": "Remediation",
        "step": "escalation",
        "outcome": "escalated",
    }
    with _errors():
        outcome = operations.change(
            root,
            ident,
            lambda data: add_runbook_step(data, now(), who, text, None, step),
            config,
            git,
        )
    click.echo(f"recorded: {outcome.summary}")


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
