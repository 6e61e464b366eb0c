"""Alerting rules read safely in both shapes, runbook URLs resolved, and the alert report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from incidentops.alerts.links import nearest, resolve
from incidentops.alerts.rules import alerts_of
from incidentops.base.config import Config

PLAIN = """groups:
  - name: one
    rules:
      - record: job:up:sum
        expr: sum(up)
      - alert: First
        expr: up == 0
        labels: {severity: page}
        annotations: {runbook_url: "https://r.example/a/b"}
"""
OPERATOR = """apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: x}
spec:
  groups:
    - name: two
      rules:
        - alert: Second
          expr: up == 0
---
# a second document in the same file
groups:
  - name: three
    rules:
      - alert: Third
        expr: up == 0
"""


def test_both_shapes_several_documents_and_recording_rules() -> None:
    found, problems = alerts_of("alerts/x.yaml", PLAIN, Config())
    assert problems == []
    [first] = found
    assert (first.name, first.line, first.severity, first.runbook_url, first.url_line) == (
        "First",
        6,
        "page",
        "https://r.example/a/b",
        9,
    )
    found, problems = alerts_of("alerts/y.yaml", OPERATOR, Config())
    assert problems == [] and [(a.name, a.line) for a in found] == [("Second", 8), ("Third", 15)]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("groups:\n  - name: x\n    rules: [\n", 4),
        ("groups: []\n---\ngroups:\n  - {name: x, rules: [{alert: A, alert: B}]}\n", 4),
        ("a: &x [*x]\n", 1),
    ],
)
def test_a_rule_file_that_does_not_parse_is_one_problem_with_its_line(text: str, line: int) -> None:
    found, problems = alerts_of("alerts/bad.yaml", text, Config())
    assert found == [] and len(problems) == 1 and problems[0].line == line


@pytest.mark.parametrize(
    "text", ["", "just text\n", "- a list\n", "groups: 3\n", "groups: [{rules: 5}]\n", "spec: 1\n"]
)
def test_files_that_hold_no_alerts_hold_no_alerts(text: str) -> None:
    assert alerts_of("alerts/x.yaml", text, Config()) == ([], [])


RUNBOOKS = ["runbooks/checkout-api/high-error-rate.md", "runbooks/search/index-lag.md"]


@pytest.mark.parametrize(
    ("pattern", "url", "looked_for", "found"),
    [
        (
            "https://r.example/{path}",
            "https://r.example/checkout-api/high-error-rate",
            "runbooks/checkout-api/high-error-rate.md",
            True,
        ),
        (
            "https://r.example/{path}/",
            "https://r.example/checkout-api/high-error-rate",
            "runbooks/checkout-api/high-error-rate.md",
            True,
        ),
        (
            "https://r.example/{path}",
            "https://r.example/Checkout-API/High-Error-Rate/",
            "runbooks/Checkout-API/High-Error-Rate.md",
            True,
        ),
        (
            "https://R.example/{path}",
            "https://r.example/search/index-lag?x=1#mitigation",
            "runbooks/search/index-lag.md",
            True,
        ),
        (
            "https://github.com/acme/inc/blob/main/runbooks/{path}.md",
            "https://github.com/acme/inc/blob/main/runbooks/search/index-lag.md",
            "runbooks/search/index-lag.md",
            True,
        ),
        (
            "https://r.example/{path}",
            "https://r.example/search/index-lag.html",
            "runbooks/search/index-lag.md",
            True,
        ),
        (
            "https://r.example/{path}",
            "https://r.example/search/index-lags",
            "runbooks/search/index-lags.md",
            False,
        ),
        ("https://r.example/{path}", "https://elsewhere.example/search/index-lag", None, False),
    ],
)
def test_runbook_urls_resolve_ignoring_case_slashes_queries(
    pattern: str, url: str, looked_for: str | None, found: bool
) -> None:
    resolved = resolve(url, pattern, RUNBOOKS)
    assert resolved.looked_for == looked_for
    assert (resolved.runbook is not None) == found


def test_without_a_pattern_no_url_is_resolved_and_nearest_names_help() -> None:
    assert resolve("https://r.example/search/index-lag", None, RUNBOOKS).looked_for is None
    assert nearest("runbooks/search/index-lags.md", RUNBOOKS) == ["runbooks/search/index-lag.md"]


def test_the_alert_report_on_the_sample(sample: Path) -> None:
    result = run_cli(
        "report", "alerts", "--since", "2026-01-01T00:00:00Z", "--format", "json", cwd=sample
    )
    assert result.returncode == 0, result.stderr
    rows = {r["alert"]: r for r in json.loads(result.stdout)["alerts"]}
    # INC-2026-0001 (Feb, mitigated after 39 min) and INC-2026-0003 (Jun, 44 min) list it
    high = rows["CheckoutApiHighErrorRate"]
    assert high["incidents"] == ["INC-2026-0001", "INC-2026-0003"]
    assert high["median_mitigate_seconds"] == (39 * 60 + 44 * 60) / 2
    assert high["runbooks"] == [
        "runbooks/checkout-api/database-connection-exhaustion.md",
        "runbooks/checkout-api/high-error-rate.md",
    ]
    assert rows["AuthJwksFetchErrors"]["cancelled_or_sev4"] == 1  # INC-2026-0004, cancelled
    assert all(r["noise_candidate"] is None for r in rows.values())


def test_a_noisy_alert_is_flagged_with_its_reason(sample: Path) -> None:
    for number in range(3):
        path = sample / f"incidents/2026/INC-2026-00{20 + number}.yaml"
        source = (sample / "incidents/2026/INC-2026-0004.yaml").read_text(encoding="utf-8")
        path.write_text(
            source.replace("INC-2026-0004", f"INC-2026-00{20 + number}"), encoding="utf-8"
        )
    result = run_cli(
        "report", "alerts", "--since", "2026-01-01T00:00:00Z", "--format", "markdown", cwd=sample
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("| AuthJwksFetchErrors"))
    assert "candidate: 4 of 4 incidents cancelled or SEV4" in line


def test_a_broken_rule_file_is_named_and_the_rest_reported(sample: Path) -> None:
    (sample / "alerts/broken.yaml").write_text("groups: [\n", encoding="utf-8")
    result = run_cli("report", "alerts", cwd=sample)
    assert result.returncode == 0
    assert result.stderr.startswith("alerts/broken.yaml:2: YAML syntax error")
    assert "CheckoutApiHighErrorRate" in result.stdout and "Traceback" not in result.stderr
    check = run_cli("validate", "--format", "json", cwd=sample)
    assert any(f["rule"] == "alert-rules" for f in json.loads(check.stdout)["findings"])


def test_the_alert_cache_is_refreshed_on_change_and_never_trusted(sample: Path) -> None:
    (sample / "alerts/extra.yaml").write_text(
        "groups: [{name: x, rules: [{alert: NotCovered, expr: up == 0}]}]\n", encoding="utf-8"
    )

    def findings() -> list[tuple[str, int, str]]:
        result = run_cli("validate", "--format", "json", cwd=sample)
        return [
            (f["path"], f["line"], f["rule"])
            for f in json.loads(result.stdout)["findings"]
            if f["rule"].startswith(("alert", "runbook-"))
        ]

    cold = findings()
    assert cold == [("alerts/extra.yaml", 1, "alert-no-runbook")]
    cache = sample / ".incidentops-cache/alerts.json"
    assert findings() == cold and cache.exists()  # warm: from the cache, the same
    document = json.loads(cache.read_text(encoding="utf-8"))
    for entry in document["entries"].values():
        entry["alerts"] = [{"name": "Injected", "evil": True}]
    cache.write_text(json.dumps(document), encoding="utf-8")
    assert findings() == cold  # a tampered entry is read again from the rule file
    (sample / "alerts/extra.yaml").write_text("groups: []\n", encoding="utf-8")
    assert findings() == []  # a changed file is read again


def test_directives_and_document_ends_keep_their_documents() -> None:
    text = (
        "%YAML 1.2\n---\ngroups: [{name: a, rules: [{alert: A, expr: x}]}]\n...\n"
        "%YAML 1.2\n---\ngroups: [{name: b, rules: [{alert: B, expr: x}]}]\n"
    )
    found, problems = alerts_of("alerts/d.yaml", text, Config())
    assert problems == [] and [(a.name, a.line) for a in found] == [("A", 3), ("B", 7)]


def test_many_documents_share_one_alias_budget() -> None:
    one = (
        "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    )
    assert alerts_of("alerts/one.yaml", one, Config())[1] == []  # one document: within budget
    many = "---\n".join([one] * 200)
    found, problems = alerts_of("alerts/many.yaml", many, Config())
    assert found == [] and len(problems) == 1 and "alias" in problems[0].message


def test_an_index_html_url_resolves() -> None:
    resolved = resolve(
        "https://r.example/search/index-lag/index.html", "https://r.example/{path}", RUNBOOKS
    )
    assert resolved.runbook == "runbooks/search/index-lag.md"
