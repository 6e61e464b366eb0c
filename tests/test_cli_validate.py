"""`incidentops validate` end to end through the installed console script."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import run_cli

ANSI = re.compile(r"\x1b\[")


def test_sample_repository_is_clean(sample: Path) -> None:
    result = run_cli("validate", "--strict", cwd=sample)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout
    assert not ANSI.search(result.stdout)


def test_broken_file_reports_path_line_and_exits_1(sample: Path) -> None:
    incident = next(sample.glob("incidents/*/*.yaml"))
    lines = incident.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("severity:"))
    lines[number] = "severity: SEV9"
    incident.write_text("\n".join(lines) + "\n")
    result = run_cli("validate", cwd=sample)
    assert result.returncode == 1
    relative = incident.relative_to(sample).as_posix()
    assert relative in result.stdout
    assert re.search(rf"  {number + 1}:\d+ +error +severity: 'SEV9' is not one of", result.stdout)
    assert "[schema]" in result.stdout


def test_run_goes_on_after_a_file_that_does_not_parse(sample: Path) -> None:
    files = sorted(sample.glob("incidents/*/*.yaml"))
    files[0].write_text("id: [unclosed\n")
    files[1].write_text(files[1].read_text().replace("severity: ", "sevrity: ", 1))
    result = run_cli("validate", "--format", "json", cwd=sample)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    rules = {(f["path"], f["rule"]) for f in report["findings"]}
    assert (files[0].relative_to(sample).as_posix(), "yaml-syntax") in rules
    assert (files[1].relative_to(sample).as_posix(), "schema") in rules
    assert any("did you mean 'severity'" in f["message"] for f in report["findings"])


def test_warnings_fail_only_with_strict(sample: Path) -> None:
    incident = next(sample.glob("incidents/*/*.yaml"))
    text = incident.read_text()
    incident.write_text(text.split("\n", 1)[1])  # drop the yaml-language-server line
    assert run_cli("validate", cwd=sample).returncode == 0
    strict = run_cli("validate", "--strict", cwd=sample)
    assert strict.returncode == 1
    assert "[schema-comment]" in strict.stdout


def test_paths_limit_the_report_but_references_still_resolve(sample: Path) -> None:
    incidents = sorted(sample.glob("incidents/*/*.yaml"))
    incidents[0].write_text(incidents[0].read_text().replace("severity: ", "sevrity: ", 1))
    target = incidents[1].relative_to(sample).as_posix()
    result = run_cli("validate", target, cwd=sample)
    assert result.returncode == 0, result.stdout
    assert "1 file" not in result.stdout or "no problems" in result.stdout
    whole = run_cli("validate", cwd=sample)
    assert whole.returncode == 1


def test_usage_errors_exit_2(sample: Path, tmp_path: Path) -> None:
    assert run_cli("validate", "no/such/file.yaml", cwd=sample).returncode == 2
    assert run_cli("validate", "--format", "xml", cwd=sample).returncode == 2
    assert run_cli("validate", "--repo", str(tmp_path / "missing"), cwd=sample).returncode == 2
    bare = tmp_path / "not-a-repository"
    bare.mkdir()
    lost = run_cli("validate", cwd=bare)
    assert lost.returncode == 2
    assert "not inside a repository" in lost.stderr
    assert run_cli("schema", "nonsense", cwd=sample).returncode == 2


def test_github_format_under_actions(sample: Path) -> None:
    incident = next(sample.glob("incidents/*/*.yaml"))
    incident.write_text(incident.read_text().replace("severity: ", "severity: SEV9 #", 1))
    result = run_cli("validate", cwd=sample, env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    relative = incident.relative_to(sample).as_posix()
    assert re.search(
        rf"^::error file={re.escape(relative)},line=\d+,col=\d+,", result.stdout, re.MULTILINE
    )


def test_sarif_output_file(sample: Path) -> None:
    result = run_cli("validate", "--format", "sarif", "--output", "out.sarif", cwd=sample)
    assert result.returncode == 0, result.stdout
    log = json.loads((sample / "out.sarif").read_text())
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["tool"]["driver"]["name"] == "incidentops"
    assert log["runs"][0]["results"] == []


def test_schema_and_rules_commands(sample: Path) -> None:
    schema = json.loads(run_cli("schema", "incident", cwd=sample, check=True).stdout)
    assert schema["$id"].endswith("incident.schema.json")
    listing = run_cli("rules", cwd=sample, check=True).stdout
    assert "update-cadence" in listing
    one = run_cli("rules", "blameless", cwd=sample, check=True).stdout
    assert "Passing" in one and "Failing" in one
    assert run_cli("rules", "no-such-rule", cwd=sample).returncode == 2


def test_version_is_fast_enough_to_call_often(sample: Path) -> None:
    result = run_cli("--version", cwd=sample, check=True)
    assert result.stdout.startswith("incidentops, version ")
