"""The report formats by name; ``auto`` is ``github`` under GitHub Actions, else ``text``."""

from __future__ import annotations

import os
from collections.abc import Callable

from incidentops.validate.report import Report

Renderer = Callable[[Report], str]


def _renderers() -> dict[str, Renderer]:
    from incidentops.validate.report import github, jsonout, sarif, text

    return {
        "text": text.render,
        "json": jsonout.render,
        "github": github.render,
        "sarif": sarif.render,
    }


FORMATS = ("auto", "text", "json", "github", "sarif")


def resolve_format(name: str) -> str:
    if name == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    return name


def render(name: str, report: Report) -> str:
    return _renderers()[resolve_format(name)](report)
