"""For people: findings grouped by file, sorted by line, then one summary line."""

from __future__ import annotations

import click

from incidentops.validate.findings import count_by_level
from incidentops.validate.report import Report

_COLORS = {"error": "red", "warning": "yellow", "info": "blue"}


def render(report: Report) -> str:
    lines: list[str] = []
    current = None
    for finding in sorted(report.findings):
        if finding.path != current:
            if current is not None:
                lines.append("")
            current = finding.path
            lines.append(click.style(finding.path, bold=True) if report.color else finding.path)
        level = f"{finding.level:<7}"  # padded before styling: escape codes have no width
        if report.color:
            level = click.style(level, fg=_COLORS[finding.level])
        where = f"{finding.line}:{finding.column}"
        lines.append(f"  {where:<8} {level} {finding.message}  [{finding.rule}]")
    counts = count_by_level(list(report.findings))
    files = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''}"
    if not report.findings:
        summary = f"{files} checked: no problems"
    else:
        parts = [f"{n} {level}{'s' if n != 1 else ''}" for level, n in counts.items() if n]
        summary = f"{files} checked: {', '.join(parts)}"
    if lines:
        lines.append("")
    lines.append(summary)
    return "\n".join(lines) + "\n"
