"""For programs. Stable shape (documented in the README)::

{"version": 1, "files_checked": N,
 "summary": {"error": N, "warning": N, "info": N},
 "findings": [{"path", "line", "column", "rule", "level", "message"}, ...]}
"""

from __future__ import annotations

import json

from incidentops.validate.findings import count_by_level
from incidentops.validate.report import Report


def render(report: Report) -> str:
    findings = sorted(report.findings)
    document = {
        "version": 1,
        "files_checked": report.files_checked,
        "summary": count_by_level(findings),
        "findings": [finding.as_dict() for finding in findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
