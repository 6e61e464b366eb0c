"""The issue form: parsing the body GitHub renders (pure), and `forms sync` keeping its
dropdowns in step with oncall/services.yaml (console script)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from conftest import REPO, run_cli
from github_world import form_body
from incidentops.base.config import Config
from incidentops.incident import issue_form as forms

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _form() -> forms.Form:
    return forms.load(REPO, Config())


def test_the_repository_form_parses_a_rendered_body() -> None:
    answers = forms.parse(
        _form(),
        "[Incident]: Checkout down",
        form_body(ticked=("Complete outage", "Data loss")),
        NOW,
    )
    assert answers.problems == []
    assert answers.title == "Checkout down"
    assert answers.values["service"] == "checkout-api"
    assert answers.values["complete_outage"] is True and answers.values["data_loss"] is True
    assert "partial_outage" not in answers.values
    assert answers.values["affected_users_pct"] == 30.0
    assert answers.values["started"] == datetime(2026, 11, 23, 11, 40, tzinfo=UTC)


def test_a_later_fields_heading_typed_in_the_summary_stays_there() -> None:
    summary = "Pool exhausted.\n\n### Commander\n\n@not-a-login (this is part of the summary)"
    answers = forms.parse(_form(), "x", form_body(summary=summary, commander="@praman"), NOW)
    assert answers.problems == []
    assert answers.values["commander"] == "@praman"
    assert answers.values["summary"] == summary


def test_a_heading_inside_the_summary_stays_in_the_summary() -> None:
    summary = "First line\n\n### Service\n\nsearch\n\n### Commander\n\n@praman"
    body = form_body(summary=summary)
    answers = forms.parse(_form(), "x", body, NOW)
    # the form's own Commander heading comes after the summary, so the typed one is text
    assert answers.values["service"] == "checkout-api"
    assert answers.values["summary"].startswith("First line")
    assert "### Service" in answers.values["summary"]


def test_missing_headings_and_unticked_boxes_are_empty_not_errors() -> None:
    body = "### Service\n\nsearch\n\n### Severity\n\nSEV3\n\n### Summary\n\nslow\n"
    answers = forms.parse(_form(), "Search slow", body, NOW)
    assert answers.problems == []
    assert answers.values == {"service": "search", "severity": "SEV3", "summary": "slow"}
    without = forms.parse(_form(), "Search slow", body.replace("SEV3", "_No response_"), NOW)
    assert without.problems == [("Severity", "is required")]


def test_a_body_rendered_from_dispatch_inputs_parses_back() -> None:
    inputs = {
        "service": "auth",
        "severity": "SEV3",
        "impact": "minor_feature_issue, partial-outage",
        "affected_users_pct": "7",
        "summary": "Login slow\nfor some",
    }
    answers = forms.parse(_form(), "Login slow", forms.render_body(_form(), inputs), NOW)
    assert answers.problems == []
    assert answers.values["severity"] == "SEV3"
    assert answers.values["minor_feature_issue"] and answers.values["partial_outage"]
    assert answers.values["summary"] == "Login slow\nfor some"


def test_forms_sync_regenerates_the_dropdowns_and_keeps_comments(sample: Path) -> None:
    shutil.copytree(REPO / ".github", sample / ".github")
    assert run_cli("forms", "sync", "--check", cwd=sample).returncode == 0
    services = sample / "oncall" / "services.yaml"
    services.write_text(
        services.read_text(encoding="utf-8")
        + "  - name: billing\n    team: payments\n    tier: 2\n"
        "    schedule: payments-primary\n    escalation: payments-standard\n",
        encoding="utf-8",
    )
    check = run_cli("forms", "sync", "--check", cwd=sample)
    assert check.returncode == 1 and "service options: missing billing" in check.stdout
    validate = run_cli("validate", cwd=sample)
    assert validate.returncode == 1 and "[form-drift]" in validate.stdout
    path = sample / ".github" / "ISSUE_TEMPLATE" / "declare-incident.yml"
    before = path.read_text(encoding="utf-8")
    assert run_cli("forms", "sync", cwd=sample).returncode == 0
    after = path.read_text(encoding="utf-8")
    assert "        - auth\n        - billing\n        - checkout-api\n" in after
    assert after.splitlines()[:8] == before.splitlines()[:8]  # the header comments
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert changed == ["        - billing"]
    assert run_cli("validate", cwd=sample).returncode == 0
    again = run_cli("forms", "sync", cwd=sample)
    assert "in step" in again.stdout
