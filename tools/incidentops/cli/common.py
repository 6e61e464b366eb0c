"""What the command-line commands share: the one-line error handling (exit 2), finding the
repository and the clock, times, the actor and their git identity, the options every
changing command takes, and applying one lifecycle change."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from incidentops.base.config import Config

if TYPE_CHECKING:
    from incidentops.incident.lifecycle import Change
    from incidentops.repo.operations import GitOptions, Outcome


@dataclass
class Context:
    root: Path
    config: Config
    now: datetime
    people: dict[str, Any]


def repository_root(path: str | None) -> Path:
    from incidentops.base.config import find_root

    if path is not None:
        return Path(path).resolve()
    start = Path.cwd().resolve()
    root = find_root(start)
    if root is None:
        raise click.UsageError(f"{start} is not inside a repository (no incidentops.yaml or .git)")
    return root


class Failure(click.ClickException):
    exit_code = 2


class PersonText(click.ParamType):  # type: ignore[type-arg]
    """Free text a person types: stored exactly (CRLF made LF), or refused while the options
    are parsed, naming the option, when it holds a character no YAML file can hold."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from incidentops.base.holdable import people_text, unholdable

        text = people_text(str(value))
        reason = unholdable(text)
        if reason:
            # one line, like every other refusal (click's usage error adds usage and a hint)
            option = param.opts[0] if param is not None and param.opts else "the text"
            raise Failure(f"Invalid value for '{option}': {reason}; nothing was changed")
        return text


TEXT = PersonText()


# The core's typed errors, each by (module, class): one line on stderr, exit 2.
_ONE_LINE = (
    ("incidentops.base.when", "TimeError", ""),
    ("incidentops.incident.lifecycle", "LifecycleError", ""),
    ("incidentops.oncall.repo", "OnCallError", ""),
    ("incidentops.repo.edit", "EditError", ""),
    ("incidentops.repo.gitops", "GitOpsError", "git: "),
    ("incidentops.notify.targets", "TargetError", ""),
    ("incidentops.notify.send", "DeliveryError", ""),
)


@contextmanager
def _errors() -> Iterator[None]:
    """The core's typed errors become one line on stderr and exit 2. Each type is looked up
    only if its module was imported (an error of a module never imported cannot have been
    raised), so a command that never edits or pushes pays for importing none of them."""
    try:
        yield
    except Exception as exc:
        for module_name, name, prefix in _ONE_LINE:
            module = sys.modules.get(module_name)
            if module is not None and isinstance(exc, getattr(module, name)):
                raise Failure(f"{prefix}{exc}") from None
        raise


@contextmanager
def github_errors() -> Iterator[None]:
    """The command line's typed errors (lifecycle, on call, edits, git), and the GitHub
    edge's: each one line on stderr and exit 2."""
    from incidentops.github.api import GitHubError
    from incidentops.github.event import EventError
    from incidentops.incident.issue_form import FormError

    with _errors():
        try:
            yield
        except (EventError, FormError, GitHubError) as exc:
            raise Failure(str(exc)) from None


def _setup(repo: str | None) -> tuple[Path, Config, datetime]:
    from incidentops.base.clock import now
    from incidentops.validate.index import load_config

    root = repository_root(repo)
    config, _ = load_config(root)
    return root, config, now()


def _at(text: str | None, now: datetime, option: str = "--at") -> datetime:
    from incidentops.base.when import TimeError, parse_when

    try:
        return parse_when(text, now) if text else now
    except TimeError as exc:
        raise Failure(f"{option}: {exc}") from None


def _actor(given: str | None) -> str | None:
    return given or os.environ.get("INCIDENTOPS_ACTOR") or None


def known_actor(who: str | None, people: dict[str, Any]) -> None:
    """Refuse an actor who is not a person in oncall/people.yaml: the file would not validate."""
    if who is None or who in people:
        return
    source = "INCIDENTOPS_ACTOR" if who == os.environ.get("INCIDENTOPS_ACTOR") else "--actor"
    shown = who if len(who) <= 40 else who[:37] + "..."
    raise Failure(f"{source}: {shown!r} is not a handle in oncall/people.yaml")


def _git(commit: bool, push: bool, actor: str | None, people: dict[str, Any]) -> GitOptions:
    from incidentops.repo.operations import GitOptions

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
    from incidentops.repo import operations

    with _errors():
        root, config, now = _setup(repo)
        c = Context(root, config, now, _people(root, config))
        known_actor(actor, c.people)
        git = _git(commit, push, actor, c.people)
        outcome = operations.change(root, ident.upper(), lambda data: decide(data, c), config, git)
    _print(outcome)
    notify_after(root, config, now, outcome.ident, git)


def notify_after(root: Path, config: Config, now: datetime, ident: str, git: GitOptions) -> None:
    """Send the change's notifications (no-op without targets); a failed send is one line and
    stays pending for `incidentops notify flush`, the change itself has landed."""
    from incidentops.github.notifying import after_change

    after_change(root, config, now, ident, git, lambda line: click.echo(line, err=True))


def format_option(*choices: str, default: str | None = None) -> Callable[..., Any]:
    """``--format`` (into ``fmt``) with ``choices``; the default is the first unless given."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default or choices[0],
        show_default=True,
    )


class ClickTerminal:
    """A terminal for an interactive walk (``runbook run``): what to show, and the person's
    answers through click's prompts (Ctrl-C or end of input at a prompt means quit)."""

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
