"""Alerts from Prometheus rule files: ``groups: [{name, rules: [{alert, expr, for, labels,
annotations}]}]``, or the same groups under ``spec`` in a Kubernetes ``PrometheusRule``;
several YAML documents per file. Recording rules (``record:``) are not alerts. A file that
does not parse is one problem with its line, never an exception."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.loader import LoadProblem
from incidentops.loader.discovery import glob_regex, static_prefix
from incidentops.loader.yamlsafe import load_yaml_all


@dataclass(frozen=True)
class Alert:
    name: str
    path: str  # the rule file
    line: int  # of the rule's `alert:`
    severity: str | None  # its `severity` label
    runbook_url: str | None  # its `runbook_url` annotation
    url_line: int


@dataclass(frozen=True)
class RuleProblem:
    path: str
    line: int
    column: int
    message: str


def _groups(value: Any) -> list[Any]:
    if not isinstance(value, dict):
        return []
    if value.get("kind") == "PrometheusRule" or "spec" in value:
        value = value.get("spec") if isinstance(value.get("spec"), dict) else {}
    groups = value.get("groups")
    return groups if isinstance(groups, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def alerts_of(path: str, text: str, config: Config) -> tuple[list[Alert], list[RuleProblem]]:
    """The alerting rules in one file's text, and why it could not be read if it cannot."""
    try:
        documents = load_yaml_all(text)
    except LoadProblem as problem:
        return [], [RuleProblem(path, problem.line, problem.column, problem.message)]
    found: list[Alert] = []
    for document in documents:
        for g, group in enumerate(_groups(document.value)):
            rules = group.get("rules") if isinstance(group, dict) else None
            for r, rule in enumerate(rules if isinstance(rules, list) else ()):
                if not isinstance(rule, dict) or not isinstance(rule.get("alert"), str):
                    continue  # a recording rule, or not a rule at all
                prefix: tuple[str | int, ...] = ("groups", g, "rules", r)
                if "spec" in _mapping(document.value):
                    prefix = ("spec", *prefix)
                labels: dict[str, Any] = _mapping(rule.get("labels"))
                url = _mapping(rule.get("annotations")).get("runbook_url")
                line = document.position((*prefix, "alert"))[0]
                url_line = (
                    document.position((*prefix, "annotations", "runbook_url"))[0] if url else line
                )
                found.append(
                    Alert(
                        rule["alert"],
                        path,
                        line,
                        str(labels["severity"]) if labels.get("severity") is not None else None,
                        str(url) if isinstance(url, str) and url.strip() else None,
                        url_line,
                    )
                )
    return found, []


def rule_files(root: Path, config: Config) -> list[str]:
    """The rule files the ``alerts.rules`` globs name, sorted (only the folders the globs can
    reach are walked; symbolic links are left out)."""
    found = set()
    for pattern in config.alert_rules:
        regex = glob_regex(pattern)
        base = root / static_prefix(pattern)
        if not base.is_dir() or base.is_symlink():
            continue
        for path in base.rglob("*"):
            if path.is_symlink() or not path.is_file():
                continue
            relative = path.relative_to(root).as_posix()
            if regex.match(relative):
                found.add(relative)
    return sorted(found)
