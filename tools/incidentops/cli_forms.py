"""``incidentops forms sync``: the issue form's dropdowns from the services and severities."""

from __future__ import annotations

import sys

import click

from incidentops.cli_common import repo_option
from incidentops.cli_github import _errors


@click.group()
def forms() -> None:
    """The Declare incident issue form."""


@forms.command()
@click.option("--check", is_flag=True, help="Only report drift (exit 1), write nothing.")
@repo_option
def sync(check: bool, repo: str | None) -> None:
    """Regenerate the form's Service and Severity options from oncall/services.yaml and the
    configured severities, keeping its comments and layout."""
    from incidentops.cli import repository_root
    from incidentops.github import form as forms_core
    from incidentops.oncall.repo import from_directory
    from incidentops.validate import load_config

    with _errors():
        root = repository_root(repo)
        config, _ = load_config(root)
        form = forms_core.load(root, config)
        services = sorted(from_directory(root, config).services)
        drift = forms_core.drift(form, config, services)
        if not drift:
            click.echo(f"{form.path}: in step with oncall/services.yaml and the severities")
            return
        for ident, what in drift:
            click.echo(f"{form.path}: {ident} options: {what}")
        if check:
            sys.exit(1)
        path = root / form.path
        text = path.read_text(encoding="utf-8")
        path.write_text(forms_core.synced_text(text, form, config, services), encoding="utf-8")
        click.echo(f"{form.path}: options regenerated")
