"""The root command: the click group, its one-line handling of unexpected errors, and the
one place every command is registered. Exit 0 / 1 (findings) / 2 (usage or refusal) / 70.

Imports of the core happen inside commands so that ``incidentops --version`` stays fast.
"""

from __future__ import annotations

import os
import sys

import click

from incidentops import __version__


class _Commands(click.Group):
    """The root group: an unexpected error is one line (exit 70, EX_SOFTWARE), never a
    traceback in an on-call engineer's terminal or a workflow log; INCIDENTOPS_DEBUG=1 shows
    the traceback for a bug report."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:  # `| head` stopped reading: not an error worth a word
            # the Python docs' recipe: point stdout at devnull so the final flush is quiet
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
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


def _register() -> None:
    """Every command, added here and nowhere else: command modules never import each other."""
    from incidentops.cli import (
        followup,
        forms,
        github,
        incident,
        notify,
        oncall,
        records,
        reports,
        runbook,
        slo,
        validate,
    )

    commands = (
        validate.validate_command,
        validate.schema_command,
        validate.rules_command,
        incident.ack,
        incident.status,
        incident.timeline,
        incident.severity,
        incident.role,
        incident.resolve,
        incident.close,
        incident.cancel,
        records.declare,
        records.update,
        records.show,
        records.list_incidents,
        reports.postmortem,
        reports.metrics,
        slo.slo,
        runbook.runbook,
        followup.actions,
        followup.report,
        oncall.oncall,
        notify.notify,
        github.github,
        forms.forms,
    )
    for command in commands:
        main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
