"""Running an incident from the command line: declare, status, timeline, severity, role,
update, resolve, close, cancel, show, list, postmortem draft, metrics.

Each command parses its options, calls ``operations`` (which calls the pure lifecycle core and
the edges), prints, and exits 0, or 2 with a one-line error naming the problem (nothing is
written then)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from incidentops.config import Config

if TYPE_CHECKING:
    from incidentops.lifecycle import Change
    from incidentops.operations import GitOptions, Outcome


@dataclass
class Context:
    root: Path
    config: Config
    now: datetime
    people: dict[str, Any]


class Failure(click.ClickException):
    exit_code = 2


@contextmanager
def _errors() -> Iterator[None]:
    """The core's typed errors become one line on stderr and exit 2. The edges' error types
    are looked up only if their modules were imported (a command that never edits or pushes
    does not pay for importing GitPython and every check)."""
    from incidentops.lifecycle import LifecycleError
    from incidentops.oncall.repo import OnCallError
    from incidentops.when import TimeError

    try:
        yield
    except (LifecycleError, OnCallError, TimeError) as exc:
        raise Failure(str(exc)) from None
    except Exception as exc:
        edit, gitops = sys.modules.get("incidentops.edit"), sys.modules.get("incidentops.gitops")
        if edit is not None and isinstance(exc, edit.EditError):
            raise Failure(str(exc)) from None
        if gitops is not None and isinstance(exc, gitops.GitOpsError):
            raise Failure(f"git: {exc}") from None
        raise


def _setup(repo: str | None) -> tuple[Path, Config, datetime]:
    from incidentops.cli import repository_root
    from incidentops.clock import now
    from incidentops.validate import load_config

    root = repository_root(repo)
    config, _ = load_config(root)
    return root, config, now()


def _at(text: str | None, now: datetime) -> datetime:
    from incidentops.when import parse_when

    return parse_when(text, now) if text else now


def _actor(given: str | None) -> str | None:
    return given or os.environ.get("INCIDENTOPS_ACTOR") or None


def _git(commit: bool, push: bool, actor: str | None, people: dict[str, Any]) -> GitOptions:
    from incidentops.operations import GitOptions

    person = people.get(actor or "", {})
    email = (person.get("contact") or {}).get("email") if person else None
    author = (str(person.get("name")), str(email)) if person and email else None
    return GitOptions(commit=commit or push, push=push, author=author)


def _people(root: Path, config: Config) -> dict[str, Any]:
    from incidentops.oncall.repo import from_directory

    return from_directory(root, config).people


def _print(outcome: Outcome) -> None:
    click.echo(outcome.summary + (f" ({outcome.sha[:8]})" if outcome.sha else ""))
    for note in outcome.notes:
        click.echo(f"  {note}")


repo_option = click.option(
    "--repo",
    type=click.Path(file_okay=False, exists=True),
    help="Repository root (default: found from the current folder).",
)
at_option = click.option(
    "--at", "when", help="When it happened (RFC 3339 or '10m ago'; default now)."
)
actor_option = click.option("--actor", help="Your handle (default: $INCIDENTOPS_ACTOR).")
commit_option = click.option("--commit", is_flag=True, help="Commit the change (one commit).")
push_option = click.option(
    "--push", is_flag=True, help="Commit and push, retrying when someone else pushed first."
)


def changing(command: Callable[..., None]) -> Callable[..., None]:
    """The options every command that changes an incident takes."""
    for option in (repo_option, push_option, commit_option, actor_option):
        command = option(command)
    return command


def _change(
    repo: str | None,
    ident: str,
    commit: bool,
    push: bool,
    actor: str | None,
    decide: Callable[[dict[str, Any], Context], Change],
) -> None:
    from incidentops import operations

    with _errors():
        root, config, now = _setup(repo)
        c = Context(root, config, now, _people(root, config))
        outcome = operations.change(
            root,
            ident.upper(),
            lambda data: decide(data, c),
            config,
            _git(commit, push, actor, c.people),
        )
    _print(outcome)


def register(main: click.Group) -> None:
    for command in (status, timeline, severity, role, resolve, close, cancel):
        main.add_command(command)


@click.command()
@click.argument("ident", metavar="ID")
@click.argument("state")
@click.option("--note", help="Why, for the timeline.")
@at_option
@changing
def status(
    ident: str,
    state: str,
    note: str | None,
    when: str | None,
    actor: str | None,
    commit: bool,
    push: bool,
    repo: str | None,
) -> None:
    """Move an incident to STATE (investigating, identified, mitigated, resolved, closed,
    cancelled), stamping its time and a timeline event."""
    from incidentops.lifecycle import set_status

    who = _actor(actor)
    _change(
        repo,
        ident,
        commit,
        push,
        who,
        lambda data, c: set_status(data, state.lower(), _at(when, c.now), who, note),
    )


@click.command()
@click.argument("ident", metavar="ID")
@click.option("--kind", required=True, help="alert, action, finding, communication, note, ...")
@click.option("--text", required=True, help="What happened, was decided or was tried.")
@click.option("--result", help="For actions: what happened when it was tried.")
@at_option
@changing
def timeline(
    ident: str,
    kind: str,
    text: str,
    result: str | None,
    when: str | None,
    actor: str | None,
    commit: bool,
    push: bool,
    repo: str | None,
) -> None:
    """Add an event to an incident's timeline (kept in time order)."""
    from incidentops.lifecycle import add_event

    who = _actor(actor)
    _change(
        repo,
        ident,
        commit,
        push,
        who,
        lambda data, c: add_event(data, kind, text, _at(when, c.now), who, result),
    )


@click.command()
@click.argument("ident", metavar="ID")
@click.argument("level")
@click.option("--reason", required=True, help="Why the severity changes.")
@changing
def severity(
    ident: str,
    level: str,
    reason: str,
    actor: str | None,
    commit: bool,
    push: bool,
    repo: str | None,
) -> None:
    """Escalate or downgrade (SEV1..SEV4 or P0..P3); reports roles the new level needs."""
    from incidentops.lifecycle import set_severity

    who = _actor(actor)
    _change(
        repo,
        ident,
        commit,
        push,
        who,
        lambda data, c: set_severity(data, level, reason, c.now, who, c.config),
    )


@click.command()
@click.argument("ident", metavar="ID")
@click.argument("role_name", metavar="ROLE")
@click.argument("handle")
@changing
def role(
    ident: str,
    role_name: str,
    handle: str,
    actor: str | None,
    commit: bool,
    push: bool,
    repo: str | None,
) -> None:
    """Assign ROLE (commander, communications, technical, scribe) to HANDLE; a handoff is a
    timeline event."""
    from incidentops.lifecycle import set_role

    who = _actor(actor)
    _change(
        repo,
        ident,
        commit,
        push,
        who,
        lambda data, c: set_role(
            data, role_name, handle.lstrip("@"), c.now, who, c.config, c.people
        ),
    )


@click.command()
@click.argument("ident", metavar="ID")
@click.option("--summary", required=True, help="What fixed it, for the timeline.")
@at_option
@changing
def resolve(
    ident: str,
    summary: str,
    when: str | None,
    actor: str | None,
    commit: bool,
    push: bool,
    repo: str | None,
) -> None:
    """Resolve an incident."""
    from incidentops.lifecycle import resolve as decide

    who = _actor(actor)
    _change(
        repo, ident, commit, push, who, lambda data, c: decide(data, summary, _at(when, c.now), who)
    )


@click.command()
@click.argument("ident", metavar="ID")
@changing
def close(ident: str, actor: str | None, commit: bool, push: bool, repo: str | None) -> None:
    """Close a resolved incident; refused without a final postmortem where the severity
    requires one."""
    from incidentops.lifecycle import close as decide

    who = _actor(actor)

    def decision(data: dict[str, Any], c: Context) -> Change:
        return decide(data, c.now, who, c.config, _postmortem_status(data, c.root, c.config))

    _change(repo, ident, commit, push, who, decision)


@click.command()
@click.argument("ident", metavar="ID")
@click.option("--reason", required=True, help="Why (a false alarm, a duplicate of ...).")
@changing
def cancel(
    ident: str, reason: str, actor: str | None, commit: bool, push: bool, repo: str | None
) -> None:
    """Cancel an open incident."""
    from incidentops.lifecycle import cancel as decide

    who = _actor(actor)
    _change(repo, ident, commit, push, who, lambda data, c: decide(data, reason, c.now, who))


def _postmortem_status(data: dict[str, Any], root: Path, config: Config) -> str | None:
    from incidentops.loader import LoadProblem, load_yaml, read_text, split_front_matter

    path = data.get("postmortem")
    if not isinstance(path, str):
        return None
    try:
        text, _ = read_text(root.resolve(), path, config.max_file_bytes)
        front = load_yaml(split_front_matter(text)[0]).value
    except LoadProblem:
        return None
    return str(front.get("status")) if isinstance(front, dict) else None


__all__ = ["json", "register", "sys"]
