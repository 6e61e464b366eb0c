"""The Declare form's dropdowns regenerated from their source (the services and the
configured severities), the file's comments and layout kept: the one write ``forms sync``
makes."""

from __future__ import annotations

import io
from pathlib import Path

from incidentops.base.config import Config
from incidentops.incident.issue_form import Form, wanted_options
from incidentops.repo.edit import rewrite_file
from incidentops.repo.roundtrip import yaml_for


def synced_text(text: str, form: Form, config: Config, services: list[str]) -> str:
    """The form file with its dropdown options regenerated, comments and layout kept."""
    yaml = yaml_for(text)
    data = yaml.load(text)
    wanted = wanted_options(config, services)
    for item in data["body"]:
        ident = item.get("id") if hasattr(item, "get") else None
        if ident in wanted and item.get("type") == "dropdown":
            options = item["attributes"]["options"]
            options[:] = wanted[ident]
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def write_synced(root: Path, form: Form, config: Config, services: list[str]) -> None:
    """Rewrite the form file in place with its options in step."""
    path = root / form.path
    original = path.read_bytes()
    text = synced_text(original.decode("utf-8"), form, config, services)
    rewrite_file(root, form.path, text, original)
