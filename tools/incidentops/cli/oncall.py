"""``incidentops oncall ...``: who is on call, previews, diffs, gaps, escalation, handoff, iCal."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from incidentops.cli.common import repo_option

if TYPE_CHECKING:
    from incidentops.oncall.model import Schedule
    from incidentops.oncall.repo import OnCall


def _context(repo: str | None) -> tuple[Path, OnCall, datetime]:
    from incidentops.base.clock import now
    from incidentops.cli.common import repository_root
    from incidentops.oncall.repo import OnCallError, from_directory
    from incidentops.validate.index import load_config

    root = repository_root(repo)
    config, _ = load_config(root)
    try:
        return root, from_directory(root, config), now()
    except OnCallError as exc:
        raise click.ClickException(str(exc)) from None


def _when(text: str, now: datetime) -> datetime:
    from incidentops.base.when import TimeError, parse_when

    try:
        return parse_when(text, now)
    except TimeError as exc:
        raise click.BadParameter(str(exc)) from None


def _pick(oncall: OnCall, schedule: str | None, service: str | None) -> list[Schedule]:
    from incidentops.oncall.repo import OnCallError

    try:
        if schedule:
            return [oncall.schedule(schedule)]
        if service:
            return [oncall.schedule(oncall.service(service)["schedule"])]
    except OnCallError as exc:
        raise click.UsageError(str(exc)) from None
    if not oncall.schedules:
        raise click.UsageError("no schedules in this repository (oncall/schedules/*.yaml)")
    return [oncall.schedules[k] for k in sorted(oncall.schedules)]


schedule_option = click.option("--schedule", "schedule", help="Schedule ID (default: all).")
service_option = click.option("--service", help="The schedule of this service.")


@click.group()
def oncall() -> None:
    """Who is on call, previews, rotation diffs, gaps, escalation, handoffs and calendars."""


def _answer(
    repo: str | None, when: str, schedule: str | None, service: str | None, fmt: str
) -> None:
    from incidentops.oncall.engine import person_spans
    from incidentops.oncall.views import now_json, now_text

    _, model, now = _context(repo)
    at = _when(when, now)
    chosen = _pick(model, schedule, service)
    names = {h: str(p.get("name", h)) for h, p in model.people.items()}
    answers = [(s, person_spans(s, at)) for s in chosen]
    if fmt == "json":
        documents = [now_json(s, at, spans) for s, spans in answers]
        click.echo(json.dumps(documents[0] if len(documents) == 1 else documents, indent=2))
    else:
        click.echo("\n".join(now_text(s, at, spans, names) for s, spans in answers), nl=False)
    if any(not spans for _, spans in answers):
        sys.exit(1)


@oncall.command()
@schedule_option
@service_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@repo_option
def now(schedule: str | None, service: str | None, fmt: str, repo: str | None) -> None:
    """Who is on call now: person, layer or override, since and until when.

    Exit 1 when a schedule has nobody on call (a coverage gap)."""
    _answer(repo, "now", schedule, service, fmt)


@oncall.command()
@click.argument("time")
@schedule_option
@service_option
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@repo_option
def at(time: str, schedule: str | None, service: str | None, fmt: str, repo: str | None) -> None:
    """Who is on call at TIME (RFC 3339, or relative: +2d, -3h, 10m ago)."""
    _answer(repo, time, schedule, service, fmt)


@oncall.command()
@schedule_option
@click.option("--days", type=click.IntRange(1, 3660), default=14, show_default=True)
@click.option("--from", "start", default="now", show_default=True, help="Start of the window.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@repo_option
def preview(schedule: str | None, days: int, start: str, fmt: str, repo: str | None) -> None:
    """The shifts (start, end, person, source) over the next days, in the schedule's zone."""
    from incidentops.oncall.engine import segments
    from incidentops.oncall.views import preview as render

    _, model, now = _context(repo)
    begin = _when(start, now)
    parts = [
        render(chosen, segments(chosen, begin, begin + timedelta(days=days)), fmt)
        for chosen in _pick(model, schedule, None)
    ]
    if fmt == "json" and len(parts) > 1:  # one JSON document: an array, one per schedule
        click.echo(json.dumps([json.loads(part) for part in parts], indent=2))
    else:
        click.echo("\n".join(parts), nl=False)


@oncall.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--days", type=click.IntRange(1, 366), default=28, show_default=True)
@click.option("--from", "start", default="now", show_default=True, help="Start of the window.")
@repo_option
def diff(base: str, head: str | None, days: int, start: str, repo: str | None) -> None:
    """Whose shifts change between two git revisions (HEAD default: the working tree), as
    Markdown for a pull-request comment."""
    from incidentops.oncall.diff import between
    from incidentops.oncall.repo import OnCallError
    from incidentops.validate.index import load_config

    root, _, now = _context(repo)
    config, _ = load_config(root)
    try:
        text = between(root, config, base, head, _when(start, now), days)
    except OnCallError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(text, nl=False)


@oncall.command()
@schedule_option
@click.option("--days", type=click.IntRange(1, 3660), default=28, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@repo_option
def gaps(schedule: str | None, days: int, fmt: str, repo: str | None) -> None:
    """Every interval with nobody on call in the next days, per schedule. Exit 1 if any."""
    from incidentops.oncall.engine import segments
    from incidentops.oncall.views import gaps_text, iso

    _, model, now = _context(repo)
    found: dict[str, list[str]] = {}
    documents = []
    for chosen in _pick(model, schedule, None):
        parts = segments(chosen, now, now + timedelta(days=days))
        holes = [s for s in parts if not s.oncall]
        found[chosen.id] = gaps_text(chosen, parts)
        documents.append(
            {
                "schedule": chosen.id,
                "gaps": [{"start": iso(h.start, chosen), "end": iso(h.end, chosen)} for h in holes],
            }
        )
    if fmt == "json":
        click.echo(json.dumps(documents, indent=2))
    else:
        for ident, lines in found.items():
            click.echo("\n".join(lines) if lines else f"{ident}: no gaps in the next {days} days")
    sys.exit(1 if any(found.values()) else 0)


@oncall.command()
@click.option("--service", required=True, help="The service whose policy to follow.")
@click.option("--at", "when", default="now", show_default=True, help="When the incident starts.")
@click.option("--severity", help="SEV1..SEV4 (or P0..P3): steps with conditions are filtered.")
@repo_option
def escalation(service: str, when: str, severity: str | None, repo: str | None) -> None:
    """The escalation chain for a service: who is notified at which minute."""
    from incidentops.oncall.escalation import chain
    from incidentops.oncall.repo import OnCallError
    from incidentops.oncall.views import escalation_text
    from incidentops.validate.index import load_config

    root, model, now = _context(repo)
    at = _when(when, now)
    try:
        entry = model.service(service)
    except OnCallError as exc:
        raise click.UsageError(str(exc)) from None
    level = None
    if severity:
        config, _ = load_config(root)
        found = config.severity(severity.upper())
        if found is None:
            raise click.BadParameter(f"unknown severity {severity!r}")
        level = found.level
    policy = model.policies.get(entry.get("escalation", ""))
    if policy is None:
        raise click.ClickException(f"{service} has no escalation policy in oncall/escalation/")
    steps = chain(policy, model.schedules, at, level)
    click.echo(
        escalation_text(policy.name, at, model.schedules.get(entry.get("schedule", "")), steps),
        nl=False,
    )


@oncall.command()
@click.option("--schedule", "schedule", required=True, help="Schedule ID.")
@click.option("--at", "when", default="now", show_default=True, help="When the handoff is given.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True
)
@repo_option
def handoff(schedule: str, when: str, fmt: str, repo: str | None) -> None:
    """The handoff summary: who hands to whom, open incidents, action items, overrides, stale
    runbooks."""
    from incidentops.oncall.handoff import build, render
    from incidentops.repo.records import records
    from incidentops.validate.index import load_config

    root, model, now = _context(repo)
    config, _ = load_config(root)
    at = _when(when, now)
    chosen = _pick(model, schedule, None)[0]
    summary = build(
        chosen,
        at,
        model.services,
        records(root, config, "incident", open_only=True),
        records(root, config, "postmortem"),
        records(root, config, "runbook"),
        config.review_every_days,
    )
    click.echo(render(summary, fmt, at.date()), nl=False)


@oncall.command()
@click.option("--schedule", "schedule", help="One schedule's shifts.")
@click.option("--person", help="One person's shifts across every schedule.")
@click.option("--days", type=click.IntRange(1, 3660), default=90, show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the .ics here.")
@repo_option
def ical(
    schedule: str | None, person: str | None, days: int, output: str | None, repo: str | None
) -> None:
    """An iCalendar (RFC 5545) feed of shifts, for one schedule or one person."""
    from incidentops.oncall.engine import segments
    from incidentops.oncall.ical import calendar
    from incidentops.oncall.views import shifts

    if bool(schedule) == bool(person):
        raise click.UsageError("give exactly one of --schedule or --person")
    _, model, now = _context(repo)
    if person and person not in model.people:
        raise click.UsageError(f"unknown person {person!r} (not in oncall/people.yaml)")
    from incidentops.oncall.engine import longest_step

    end = now + timedelta(days=days)
    chosen = _pick(model, schedule, None)
    # start a shift early so the one in progress appears whole, not cut at "now"
    found = [
        (s, start, stop, who, source)
        for s in chosen
        for start, stop, who, source in shifts(segments(s, now - longest_step(s), end))
        if stop > now and (person is None or who == person)
    ]
    name = f"On call: {schedule or person}"
    data = calendar(name, found, now)
    if output:
        Path(output).write_bytes(data)
        click.echo(f"{len(found)} shifts written to {output}")
    else:
        click.echo(data.decode("utf-8"), nl=False)
