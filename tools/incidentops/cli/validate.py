"""The validation commands: ``validate`` (every check, four report formats), ``schema`` (a
kind's JSON Schema) and ``rules`` (every rule's documentation)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from incidentops.base.kinds import KINDS
from incidentops.cli.common import repository_root


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--repo",
    "repo",
    type=click.Path(file_okay=False, exists=True),
    help="Repository root (default: the nearest folder with incidentops.yaml or .git).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "text", "json", "github", "sarif"]),
    default="auto",
    show_default=True,
    help="auto: github under GitHub Actions, else text.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: one per core)."
)
@click.option("--no-cache", is_flag=True, help="Ignore and do not write .incidentops-cache/.")
def validate_command(
    paths: tuple[str, ...],
    repo: str | None,
    fmt: str,
    output: str | None,
    strict: bool,
    jobs: int | None,
    no_cache: bool,
) -> None:
    """Check every file: schemas, references, incident invariants, update cadence, runbook and
    postmortem lint.

    Given PATHS, report only on those files (references still resolve against the whole
    repository). Exit 0 when clean, 1 on errors (--strict: warnings too), 2 on usage errors.
    """
    from incidentops.validate import index as pipeline
    from incidentops.validate.checks import RULES
    from incidentops.validate.report import Report
    from incidentops.validate.report.formats import render, resolve_format

    root = repository_root(repo)
    only: list[str] = []
    for given in paths:
        absolute = Path(given).absolute()
        if not absolute.exists() and not absolute.is_symlink():
            raise click.UsageError(f"{given}: no such file")
        try:
            relative = absolute.relative_to(root).as_posix()
            # a folder reports on every file under it ("." is the whole repository)
            only.append(
                ("" if relative == "." else relative + "/") if absolute.is_dir() else relative
            )
        except ValueError:
            raise click.UsageError(f"{given} is outside the repository {root}") from None
    outcome = pipeline.run(root, only, jobs=jobs, use_cache=not no_cache)
    name = resolve_format(fmt)
    color = (
        name == "text" and output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    )
    text = render(name, Report(outcome.findings, outcome.files_checked, RULES, color))
    if output:
        Path(output).write_text(text, encoding="utf-8")
        if name in {"sarif", "json"}:
            click.echo(
                render("text", Report(outcome.findings, outcome.files_checked, RULES)), nl=False
            )
    else:
        click.echo(text, nl=False)
    failing = {"error", "warning"} if strict else {"error"}
    sys.exit(1 if any(f.level in failing for f in outcome.findings) else 0)


@click.command("schema")
@click.argument("kind", type=click.Choice(KINDS))
def schema_command(kind: str) -> None:
    """Print the JSON Schema for one kind of file."""
    from incidentops.validate.schemas import schema_file

    click.echo(schema_file(kind).read_text(encoding="utf-8"), nl=False)


@click.command("rules")
@click.argument("rule", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True
)
def rules_command(rule: str | None, fmt: str) -> None:
    """List every validate rule, or print one rule's documentation."""
    from incidentops.validate.checks import RULES
    from incidentops.validate.report.ruledocs import markdown, table

    if rule is not None:
        if rule not in RULES:
            raise click.UsageError(f"unknown rule {rule!r}; `incidentops rules` lists them")
        found = RULES[rule]
        click.echo(f"{found.id} ({found.level}): {found.summary}\n\n{found.doc}")
        return
    click.echo(markdown(RULES) if fmt == "markdown" else table(RULES), nl=False)
