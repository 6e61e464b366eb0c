"""The command line: parse options, call the core, print, exit 0 / 1 (findings) / 2 (usage).

Imports of the core happen inside commands so that ``incidentops --version`` stays fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from incidentops import __version__
from incidentops.kinds import KINDS


class _Commands(click.Group):
    """The root group: an unexpected error is one line (exit 70, EX_SOFTWARE), never a
    traceback in an on-call engineer's terminal or a workflow log; INCIDENTOPS_DEBUG=1 shows
    the traceback for a bug report."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get("INCIDENTOPS_DEBUG"):
                raise
            detail = " ".join(str(exc).split())[:200]
            click.echo(
                f"Error: internal error ({type(exc).__name__}: {detail}); nothing more was "
                "changed. Run again with INCIDENTOPS_DEBUG=1 for the traceback and report it.",
                err=True,
            )
            ctx.exit(70)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="incidentops")
def main() -> None:
    """Incident management out of a Git repository."""


def repository_root(path: str | None) -> Path:
    from incidentops.config import find_root

    if path is not None:
        return Path(path).resolve()
    start = Path.cwd().resolve()
    root = find_root(start)
    if root is None:
        raise click.UsageError(f"{start} is not inside a repository (no incidentops.yaml or .git)")
    return root


@main.command()
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
def validate(
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
    from incidentops import validate as pipeline
    from incidentops.checks import RULES
    from incidentops.report import Report, render, resolve_format

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


@main.command()
@click.argument("kind", type=click.Choice(KINDS))
def schema(kind: str) -> None:
    """Print the JSON Schema for one kind of file."""
    from incidentops.schemas import schema_file

    click.echo(schema_file(kind).read_text(encoding="utf-8"), nl=False)


@main.command()
@click.argument("rule", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True
)
def rules(rule: str | None, fmt: str) -> None:
    """List every validate rule, or print one rule's documentation."""
    from incidentops.checks import RULES
    from incidentops.ruledocs import markdown, table

    if rule is not None:
        if rule not in RULES:
            raise click.UsageError(f"unknown rule {rule!r}; `incidentops rules` lists them")
        found = RULES[rule]
        click.echo(f"{found.id} ({found.level}): {found.summary}\n\n{found.doc}")
        return
    click.echo(markdown(RULES) if fmt == "markdown" else table(RULES), nl=False)


def _register() -> None:
    from incidentops import cli_followup, cli_github, cli_incident, cli_records
    from incidentops.cli_oncall import oncall

    main.add_command(oncall)
    cli_incident.register(main)
    cli_records.register(main)
    cli_github.register(main)
    cli_followup.register(main)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
