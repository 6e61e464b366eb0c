"""Running an incident from the command line: declare, ack, status, timeline, severity, role,
update, resolve, close, cancel, show, list, postmortem draft, metrics.

Each command parses its options, calls ``operations`` (which calls the pure lifecycle core and
the edges), prints, and exits 0, or 2 with a one-line error naming the problem (nothing is
written then)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from incidentops.cli.common import (
    TEXT,
    Context,
    Failure,
    _actor,
    _at,
    _change,
    at_option,
    changing,
)

if TYPE_CHECKING:
    from incidentops.incident.lifecycle import Change


@click.command()
@click.argument("ident", metavar="ID")
@click.argument("state")
@click.option("--note", type=TEXT, help="Why, for the timeline.")
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
    from incidentops.incident.lifecycle import set_status

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
@click.option("--by", "by", help="Who acknowledges: a handle (default: the actor).")
@at_option
@changing
def ack(
    ident: str,
    by: str | None,
    when: str | None,
    actor: str | None,
    commit: bool,
    push: bool,
    repo: str | None,
) -> None:
    """Acknowledge an open incident, once: sets acknowledged_at (where MTTA ends and
    escalation stops) and acknowledged_by, and adds an acknowledged timeline event."""
    from incidentops.incident.recording import acknowledge

    who = _actor(actor)
    person = by.lstrip("@") if by else who
    if person is None:
        raise Failure("--by: give the handle of who acknowledges (or --actor / $INCIDENTOPS_ACTOR)")
    _change(
        repo,
        ident,
        commit,
        push,
        who,
        lambda data, c: acknowledge(data, person, _at(when, c.now), who, c.people),
    )


@click.command()
@click.argument("ident", metavar="ID")
@click.option("--kind", required=True, help="alert, action, finding, communication, note, ...")
@click.option("--text", type=TEXT, required=True, help="What happened, was decided or was tried.")
@click.option("--result", type=TEXT, help="For actions: what happened when it was tried.")
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
    from incidentops.incident.recording import add_event

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
@click.option("--reason", type=TEXT, required=True, help="Why the severity changes.")
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
    from incidentops.incident.recording import set_severity

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
    from incidentops.incident.recording import set_role

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
@click.option("--summary", type=TEXT, required=True, help="What fixed it, for the timeline.")
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
    from incidentops.incident.lifecycle import resolve as decide

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
    from incidentops.incident.lifecycle import close as decide
    from incidentops.repo.store import postmortem_status

    who = _actor(actor)

    def decision(data: dict[str, Any], c: Context) -> Change:
        return decide(data, c.now, who, c.config, postmortem_status(c.root, data, c.config))

    _change(repo, ident, commit, push, who, decision)


@click.command()
@click.argument("ident", metavar="ID")
@click.option("--reason", type=TEXT, required=True, help="Why (a false alarm, a duplicate of ...).")
@changing
def cancel(
    ident: str, reason: str, actor: str | None, commit: bool, push: bool, repo: str | None
) -> None:
    """Cancel an open incident."""
    from incidentops.incident.lifecycle import cancel as decide

    who = _actor(actor)
    _change(repo, ident, commit, push, who, lambda data, c: decide(data, reason, c.now, who))
