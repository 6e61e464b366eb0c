"""``incidentops slo``: each service's error budget from the incident record, and
``slo check``, the error-budget policy a deploy workflow can gate releases on."""

from __future__ import annotations

import math
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from incidentops.cli.common import Failure, _at, _errors, _setup, format_option, repo_option

if TYPE_CHECKING:
    from incidentops.base.config import Config
    from incidentops.slo.budget import Budget
    from incidentops.slo.model import SLO

SERVICES = "oncall/services.yaml"  # the default catalogue, named in messages
service_option = click.option(
    "--service", "services", multiple=True, help="Only this service (repeatable)."
)
window_option = click.option(
    "--window",
    help="Measure over this window instead of each SLO's: 7d, 4w (rolling), month or quarter.",
)
at_option = click.option(
    "--at", "when", help="As of this moment (default now): 2026-11-20T12:00Z, 3d ago."
)


@click.group(invoke_without_command=True)
@service_option
@window_option
@at_option
@format_option("text", "markdown", "json")
@repo_option
@click.pass_context
def slo(
    ctx: click.Context,
    services: tuple[str, ...],
    window: str | None,
    when: str | None,
    fmt: str,
    repo: str | None,
) -> None:
    """Error budgets: per service with an SLO, the budget, the downtime its incidents charged,
    what is left, the burn rate over 1 h / 6 h / 3 d and when it runs out."""
    if ctx.invoked_subcommand is not None:
        return
    from incidentops.slo.formats import FORMATS

    with _errors():
        root, config, now = _setup(repo)
        at = _at(when, now)
        found = _budgets(root, config, at, services, window)
    click.echo(FORMATS[fmt](found, at), nl=False)


@slo.command()
@service_option
@click.option(
    "--max-burn",
    "max_burn",
    multiple=True,
    metavar="SPAN=RATE",
    help="Fail when the burn rate over SPAN (1h, 6h, 3d) is above RATE, e.g. 1h=14.4.",
)
@at_option
@repo_option
def check(
    services: tuple[str, ...], max_burn: tuple[str, ...], when: str | None, repo: str | None
) -> None:
    """The error-budget policy: exit 1 when a service has spent its budget (or burns faster
    than --max-burn or its SLO's policy allows), naming the incidents that spent it; GitHub
    annotations under Actions. Exit 0 when every budget holds."""
    with _errors():
        root, config, now = _setup(repo)
        at = _at(when, now)
        found = _budgets(root, config, at, services, None)
        limits = _limits(max_burn)
    problems = []
    for item in found:
        wanted = {**item.slo.max_burn, **limits}
        reasons = []
        if item.exhausted:
            reasons.append("its error budget is spent")
        reasons += [
            f"it burns at {item.burn[span]:.1f}x over {span} (at most {rate:g}x)"
            for span, rate in sorted(wanted.items())
            if item.burn[span] > rate
        ]
        if reasons:
            problems.append((item, "; ".join(reasons)))
    from incidentops.slo.formats import consumed
    from incidentops.validate.report.github import escape_data, escape_property

    places = _places(root, config)
    github = os.environ.get("GITHUB_ACTIONS") == "true"
    for item, why in problems:
        spent = ", ".join(f"{i} {m:.1f} min" for i, m in item.by_incident) or "no incident"
        message = f"{item.slo.service}: {why} ({consumed(item)}; spent by {spent})"
        path, line = places.get(item.slo.service, (SERVICES, 1))
        if github:
            where = f"file={escape_property(path)},line={line},title=error budget"
            click.echo(f"::error {where}::{escape_data(message)}")
        else:
            click.echo(f"{path}:{line}: {message}")
    if problems:
        sys.exit(1)
    click.echo(f"{len(found)} error budget{'s' if len(found) != 1 else ''} within policy")


def _limits(given: tuple[str, ...]) -> dict[str, float]:
    from incidentops.slo.budget import BURN_SPANS

    spans = [name for name, _ in BURN_SPANS]
    limits = {}
    for item in given:
        span, _, rate = item.partition("=")
        try:
            value = float(rate)
        except ValueError:
            value = -1.0
        if span not in spans or not math.isfinite(value) or value <= 0:
            raise Failure(
                f"--max-burn {item!r}: give SPAN=RATE, SPAN one of {', '.join(spans)} (1h=14.4)"
            )
        limits[span] = value
    return limits


def _slos(root: Path, config: Config, only: tuple[str, ...], window: str | None) -> list[SLO]:
    from dataclasses import replace

    from incidentops.oncall.repo import from_directory
    from incidentops.slo.model import SLOError, slo_of, window_named

    catalogue = from_directory(root, config).services
    unknown = [name for name in only if name not in catalogue]
    if unknown:
        raise Failure(f"--service {unknown[0]!r} is not in {SERVICES}")
    found = []
    for name, service in sorted(catalogue.items()):
        if only and name not in only:
            continue
        try:
            item = slo_of(service)
            if item is not None and window:
                item = replace(item, window=window_named(window))
        except SLOError as exc:
            raise Failure(f"{SERVICES}: {name}: slo: {exc}") from None
        if item is not None:
            found.append(item)
    if only and not found:
        raise Failure(f"{', '.join(only)}: no SLO in {SERVICES}")
    return found


def _budgets(
    root: Path, config: Config, at: datetime, only: tuple[str, ...], window: str | None
) -> list[Budget]:
    from incidentops.slo.budget import budgets
    from incidentops.validate.index import facts_of

    slos = _slos(root, config, only, window)
    return budgets(slos, facts_of(root, "incident")["incident"].values(), at)


def _places(root: Path, config: Config) -> dict[str, tuple[str, int]]:
    """service -> (file, line) of its ``slo`` in the catalogue (for messages, annotations)."""
    from incidentops.loader import LoadProblem, load_yaml, read_text
    from incidentops.loader.discovery import discover

    places = {}
    for path, _ in discover(root, config, ("services",)):
        try:
            text, _ = read_text(root, path, config.max_file_bytes)
            document = load_yaml(text)
        except (LoadProblem, OSError):
            continue
        value = document.value if isinstance(document.value, dict) else {}
        for index, service in enumerate(value.get("services") or ()):
            if isinstance(service, dict) and "slo" in service:
                where = document.position(("services", index, "slo"))[0]
                places[str(service.get("name"))] = (path, where)
    return places
