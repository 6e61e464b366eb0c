"""SARIF 2.1.0 for GitHub code scanning: every rule with its description and help, every
finding with its region."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from incidentops import __version__
from incidentops.validate.report import Report

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render(report: Report) -> str:
    used = sorted({f.rule for f in report.findings} | set(report.rules))
    index = {rule: i for i, rule in enumerate(used)}
    rules: list[dict[str, Any]] = []
    for rule_id in used:
        rule = report.rules.get(rule_id)
        summary = rule.summary if rule else rule_id
        rules.append(
            {
                "id": rule_id,
                "name": "".join(part.title() for part in rule_id.split("-")),
                "shortDescription": {"text": summary},
                "fullDescription": {"text": summary},
                "help": {
                    "text": rule.doc if rule else summary,
                    "markdown": rule.doc if rule else summary,
                },
                "defaultConfiguration": {"level": _LEVEL[rule.level] if rule else "error"},
                "helpUri": f"https://github.com/incidentops/incidentops/blob/main/docs/rules.md#{rule_id}",
            }
        )
    results = [
        {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": _LEVEL[finding.level],
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(finding.path), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": max(1, finding.line),
                            "startColumn": max(1, finding.column),
                        },
                    }
                }
            ],
        }
        for finding in sorted(report.findings)
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "incidentops",
                        "version": __version__,
                        "informationUri": "https://github.com/incidentops/incidentops",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
