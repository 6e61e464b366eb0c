"""Commands that create or read incident records: declare, update, show, list, postmortem
draft, metrics."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import click

from incidentops.cli.common import (
    TEXT,
    _actor,
    _at,
    _errors,
    _git,
    _people,
    _setup,
    at_option,
    changing,
    known_actor,
    notify_after,
    repo_option,
)


@click.command()
@click.option("--title", type=TEXT, required=True, help="What is broken, in a line.")
@click.option("--severity", "level", help="SEV1..SEV4 or P0..P3 (else from --indicator).")
@click.option(
    "--indicator",
    "indicators",
    multiple=True,
    metavar="NAME=VALUE",
    help="complete_outage, data_loss, security_breach, revenue_impact, "
    "partial_outage, critical_feature_down, minor_feature_issue (true/false), "
    "affected_users_pct, performance_degradation_pct (0-100).",
)
@click.option("--service", "services", multiple=True, required=True, help="Affected service.")
@click.option("--alert", "alerts", multiple=True, help="Alert that fired (links runbooks).")
@click.option("--summary", type=TEXT, help="What is known so far.")
@click.option("--started-at", "started", help="When it started (default: unknown).")
@click.option("--commander", help="Handle of the incident commander (default: on call).")
@at_option
@changing
def declare(
    title: str,
    level: str | None,
    indicators: tuple[str, ...],
    services: tuple[str, ...],
    alerts: tuple[str, ...],
    summary: str | None,
    started: str | None,
    commander: str | None,
    when: str | None,
    actor: str | None,
    commit: bool,
    push: bool,
    repo: str | None,
) -> None:
    """Declare an incident: the next ID, severity (given or classified), roles from who is on
    call, linked runbooks; writes incidents/<year>/<ID>.yaml."""
    from incidentops.incident import declare as core
    from incidentops.incident.lifecycle import LifecycleError, severity_of
    from incidentops.oncall.repo import from_directory
    from incidentops.repo import operations
    from incidentops.repo.records import records

    with _errors():
        root, config, now = _setup(repo)
        at = _at(when, now)
        oncall = from_directory(root, config)
        unknown = [s for s in services if s not in oncall.services]
        if unknown:
            raise LifecycleError(
                f"unknown service {unknown[0]!r} (known: {', '.join(sorted(oncall.services))})"
            )
        if commander and commander.lstrip("@") not in oncall.people:
            raise LifecycleError(f"unknown person {commander!r} (not in oncall/people.yaml)")
        found = core.parse_indicators(indicators)
        if level:
            severity, reason = severity_of(config, level), "given"
        elif found:
            chosen, reason = core.classify(found)
            severity = severity_of(config, chosen)
        else:
            raise LifecycleError("give --severity, or --indicator NAME=VALUE to classify")
        roles, unfilled = core.assign_roles(
            severity, list(services), oncall, at, commander.lstrip("@") if commander else None
        )
        named = (*services, *alerts)
        suggested = records(root, config, "runbook", mentioning=named)
        runbooks = core.runbooks_for(list(services), list(alerts), suggested)
        who = _actor(actor)
        known_actor(who, oncall.people)
        started_at = _at(started, now, "--started-at") if started else None
        declaration: dict[str, core.Declaration] = {}

        def build(ident: str) -> dict[str, Any]:
            made = core.build(
                ident,
                title.strip(),
                severity,
                reason,
                list(services),
                at,
                started_at,
                summary,
                who,
                roles,
                runbooks,
                unfilled,
                found,
            )
            declaration["made"] = made
            return made.data

        git = _git(commit, push, who, oncall.people)
        outcome = operations.declare(root, build, at.year, config, git)
    made = declaration["made"]
    click.echo(
        f"Declared {outcome.ident} ({outcome.path})"
        + (f", commit {outcome.sha[:8]}" if outcome.sha else "")
    )
    click.echo(f"  {'severity':<15}{severity.level} ({reason})")
    for name in severity.roles or ("commander",):
        click.echo(f"  {name:<15}{roles.get(name, 'UNFILLED: assign with incidentops role')}")
    click.echo(
        f"  updates        every {severity.update_cadence_minutes} min; next due "
        f"{made.next_update:%H:%M} UTC"
        if made.next_update
        else ""
    )
    for path in runbooks:
        click.echo(f"  runbook        {path}")
    click.echo(
        "Next: post the initial update (incidentops update "
        f"{outcome.ident} --audience internal --message ...), record what you try "
        f"(incidentops timeline {outcome.ident} --kind action ...)."
    )
    notify_after(root, config, now, outcome.ident, git)


@click.command()
@click.argument("ident", metavar="ID")
@click.option("--audience", type=click.Choice(["internal", "customer", "executive"]), required=True)
@click.option("--message", type=TEXT, required=True, help="The update in a sentence or two.")
@click.option("--status", "state", help="Status to report (default: the incident's).")
@changing
def update(
    ident: str,
    audience: str,
    message: str,
    state: str | None,
    actor: str | None,
    commit: bool,
    push: bool,
    repo: str | None,
) -> None:
    """Render a status update for an audience from its template, record it, print it."""
    from incidentops.incident.recording import add_update
    from incidentops.incident.updates import update_text
    from incidentops.repo import operations

    who = _actor(actor)
    with _errors():
        root, config, now = _setup(repo)
        people = _people(root, config)
        known_actor(who, people)
        git = _git(commit, push, who, people)
        outcome = operations.change(
            root,
            ident.upper(),
            lambda data: add_update(data, audience, message, now, who, state),
            config,
            git,
        )
        text = update_text(outcome.data, config, audience, message, now, root)
    click.echo(text, nl=not text.endswith("\n"))
    click.echo(f"-- recorded: {outcome.summary}" + (f" ({outcome.sha[:8]})" if outcome.sha else ""))
    notify_after(root, config, now, outcome.ident, git)


@click.command()
@click.argument("ident", metavar="ID")
@click.option("--events", default=8, show_default=True, help="Timeline events to show.")
@repo_option
def show(ident: str, events: int, repo: str | None) -> None:
    """What someone joining needs: status, severity, roles, elapsed time, the last update and
    when the next is due (or how overdue), the latest timeline events, runbooks."""
    from incidentops.base.timeutil import minutes, parse_time
    from incidentops.incident.lifecycle import OPEN, severity_of
    from incidentops.repo.store import load

    with _errors():
        root, config, now = _setup(repo)
        _, data = load(root, ident.upper())
        level = severity_of(config, str(data.get("severity")))
    started = parse_time(data.get("started_at")) or parse_time(data.get("declared_at")) or now
    ended = parse_time(data.get("resolved_at")) or parse_time(data.get("cancelled_at")) or now
    lines = [
        f"{data.get('id')}  {data.get('title')}",
        f"  {level.level} {data.get('status')}, services {', '.join(data.get('services') or [])}",
        f"  {'open for' if data.get('status') in OPEN else 'lasted'} "
        f"{minutes((ended - started).total_seconds())} (since {started:%Y-%m-%d %H:%M} UTC)",
    ]
    for name, handle in (data.get("roles") or {}).items():
        lines.append(f"  {name:<15}{handle}")
    updates = [u for u in data.get("updates") or [] if parse_time(u.get("at"))]
    if data.get("status") in OPEN:
        moments = [moment for u in updates if (moment := parse_time(u["at"])) is not None]
        last = max(moments, default=None)
        cadence = timedelta(minutes=level.update_cadence_minutes)
        due = (last or parse_time(data.get("declared_at")) or now) + cadence
        late = (now - due).total_seconds()
        lines.append(
            "  last update  "
            + (f"{minutes((now - last).total_seconds())} ago; " if last else "none yet; ")
            + (f"OVERDUE by {minutes(late)}" if late > 0 else f"next due in {minutes(-late)}")
            + f" ({level.level}: every {level.update_cadence_minutes} min)"
        )
    lines.append("  timeline:")
    for event in (data.get("timeline") or [])[-events:]:
        result = f" -> {_first_line(event['result'])}" if event.get("result") else ""
        text = _first_line(event.get("text"))
        lines.append(f"    {event.get('at')}  {event.get('kind'):<13} {text}{result}")
    for path in data.get("runbooks") or []:
        lines.append(f"  runbook  {path}")
    click.echo("\n".join(lines))


def _first_line(value: Any) -> str:
    """A timeline text in one line (a runbook step's command and output follow in the file)."""
    text = str(value).strip()
    first = text.split("\n", 1)[0]
    return first + " …" if first != text else first


@click.command("list")
@click.option("--open", "only_open", is_flag=True, help="Only open incidents.")
@click.option("--severity", "level", help="Only this severity.")
@click.option("--service", help="Only incidents affecting this service.")
@click.option("--since", help="Declared at or after (RFC 3339 or '30d ago').")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@repo_option
def list_incidents(
    only_open: bool,
    level: str | None,
    service: str | None,
    since: str | None,
    fmt: str,
    repo: str | None,
) -> None:
    """Incidents, newest first, filtered."""
    from incidentops.base.timeutil import parse_time
    from incidentops.incident.lifecycle import OPEN, severity_of
    from incidentops.validate.index import facts_of

    with _errors():
        root, config, now = _setup(repo)
        wanted = severity_of(config, level).level if level else None
        start = _at(since, now, "--since") if since else None
    rows = []
    for info in facts_of(root, "incident")["incident"].values():
        declared = parse_time(info.get("declared_at"))
        if (
            (only_open and info.get("status") not in OPEN)
            or (wanted and info.get("severity") != wanted)
            or (service and service not in (info.get("services") or []))
            or (start and (declared is None or declared < start))
        ):
            continue
        rows.append(
            {
                k: info.get(k)
                for k in ("id", "severity", "status", "declared_at", "services", "title")
            }
        )
    rows.sort(key=lambda r: (str(r["declared_at"]), str(r["id"])), reverse=True)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(
            f"{row['id']}  {row['severity']}  {row['status']:<13} "
            f"{str(row['declared_at'])[:16]}  {','.join(row['services'] or [])}  "
            f"{row['title']}"
        )
    click.echo(f"{len(rows)} incident{'s' if len(rows) != 1 else ''}")
