"""The documentation keeps up with the code: every command in the README, every rule in
docs/rules.md (generated, and current)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click

from incidentops.cli import main
from incidentops.validate.checks import RULES
from incidentops.validate.report.ruledocs import markdown

REPO = Path(__file__).resolve().parents[1]


def _commands(group: click.Group, prefix: str) -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in _commands(main, "incidentops"):
        assert command.help, f"{name} has no help text"
        assert f"`{name}" in readme or f"$ {name}" in readme, f"{name} is not in README.md"


def test_every_option_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in _commands(main, "incidentops"):
        for parameter in command.params:
            if isinstance(parameter, click.Option):
                longest = max(parameter.opts, key=len)
                assert longest in readme, f"{name} {longest} is not in README.md"


def test_rules_doc_is_generated_and_current() -> None:
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == markdown(RULES), (
        "run: incidentops rules --format markdown > docs/rules.md"
    )


def test_every_rule_has_examples() -> None:
    for rule in RULES.values():
        assert "Passing" in rule.doc and "Failing" in rule.doc, rule.id
