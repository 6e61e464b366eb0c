"""``incidentops forms sync``: the issue form's dropdowns from the services and severities."""

from __future__ import annotations

import sys

import click

from incidentops.cli.common import github_errors, repo_option


@click.group()
def forms() -> None:
    """The Declare incident issue form."""


@forms.command()
@click.option("--check", is_flag=True, help="Only report drift (exit 1), write nothing.")
@repo_option
def sync(check: bool, repo: str | None) -> None:
    """Regenerate the form's Service and Severity options from oncall/services.yaml and the
    configured severities, keeping its comments and layout."""
    from incidentops.cli.common import repository_root
    from incidentops.incident import issue_form as forms_core
    from incidentops.oncall.repo import from_directory
    from incidentops.repo.form_sync import write_synced
    from incidentops.validate.index import load_config

    with github_errors():
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
        write_synced(root, form, config, services)
        click.echo(f"{form.path}: options regenerated")
