"""GitHub Actions workflow commands: one ``::error file=...,line=...::message`` per finding.

Data and property values are escaped as the runner requires (``%``, CR, LF; also ``:`` and
``,`` in properties), so a hostile message cannot start a workflow command of its own.
"""

from __future__ import annotations

import hashlib

from incidentops.validate.report import Report
from incidentops.validate.report.text import render as render_text

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for finding in sorted(report.findings):
        properties = ",".join(
            f"{name}={escape_property(str(value))}"
            for name, value in (
                ("file", finding.path),
                ("line", finding.line),
                ("col", finding.column),
                ("title", f"incidentops {finding.rule}"),
            )
        )
        lines.append(f"::{_COMMAND[finding.level]} {properties}::{escape_data(finding.message)}")
    # the plain report too, for the job log
    log = render_text(Report(report.findings, report.files_checked, report.rules))
    if not lines:
        return log
    # The log repeats messages and paths unescaped, and the runner reads a command on any line
    # (after leading spaces; a legacy `##[` anywhere): stop command processing around it. The
    # token is a hash of the log, so nothing in the log can contain it.
    token = "incidentops-" + hashlib.sha256(log.encode()).hexdigest()
    return "\n".join(lines) + f"\n::stop-commands::{token}\n" + log + f"::{token}::\n"
