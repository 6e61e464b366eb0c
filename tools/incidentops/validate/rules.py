"""What a rule is: an ID, a default level, the kinds of file it looks at, and its documentation.

The documentation of a rule is the docstring of the module that defines it: a sentence on what
it checks and why, then a passing and a failing example (yamllint's habit).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType

from incidentops.base.kinds import KINDS as ALL_KINDS
from incidentops.validate.findings import Level


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    summary: str
    kinds: tuple[str, ...] = ALL_KINDS
    doc: str = ""


def documented(module: ModuleType, *rules: Rule) -> Iterator[Rule]:
    """The rules of ``module`` with its docstring as their documentation."""
    doc = inspect.cleandoc(module.__doc__ or "")
    for rule in rules:
        yield Rule(rule.id, rule.level, rule.summary, rule.kinds, rule.doc or doc)
