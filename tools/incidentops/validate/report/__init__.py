"""Findings -> text for people, JSON for programs, GitHub annotations, SARIF for code scanning.

``Report`` is what every format is given; ``formats`` picks one by name; one module per format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from incidentops.validate.findings import Finding
from incidentops.validate.rules import Rule


@dataclass(frozen=True)
class Report:
    findings: Sequence[Finding]
    files_checked: int
    rules: Mapping[str, Rule]
    color: bool = False
