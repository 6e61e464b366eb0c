"""``incidentops actions list`` and ``incidentops report weekly`` on the sample, through the
console script."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli


def test_actions_list_overdue(sample: Path) -> None:
    result = run_cli("actions", "list", "--overdue", cwd=sample)
    assert result.returncode == 0, result.stderr
    assert "4 item(s), 4 overdue" in result.stdout
    assert " ! INC-2026-0001/AI-3   P1  due 2026-06-30, 146 days overdue" in result.stdout
    assert "postmortems/2026/INC-2026-0003.md:24" in result.stdout


def test_actions_list_filters_and_json(sample: Path) -> None:
    soon = json.loads(
        run_cli("actions", "list", "--due-within", "14d", "--format", "json", cwd=sample).stdout
    )
    assert [i["id"] for i in soon["items"]] == ["AI-1"]  # INC-2026-0005/AI-1 due 2026-12-04
    assert soon["items"][0]["overdue"] is False and soon["today"] == "2026-11-23"
    both = json.loads(
        run_cli(
            "actions", "list", "--overdue", "--due-within", "14d", "--format", "json", cwd=sample
        ).stdout
    )
    assert len(both["items"]) == 5
    mine = run_cli("actions", "list", "--owner", "@tom", cwd=sample).stdout
    assert mine.startswith("tom (")
    assert "marcus" not in mine
    everything = json.loads(
        run_cli("actions", "list", "--all", "--format", "json", cwd=sample).stdout
    )
    assert len(everything["items"]) == 17
    assert {i["status"] for i in everything["items"]} >= {"done", "open", "in-progress"}


def test_actions_list_markdown_and_bad_days(sample: Path) -> None:
    markdown = run_cli("actions", "list", "--overdue", "--format", "markdown", cwd=sample).stdout
    assert (
        "#### marcus (1)" in markdown and "| item | priority | due | status | title |" in markdown
    )
    bad = run_cli("actions", "list", "--due-within", "soon", cwd=sample)
    assert bad.returncode == 2 and "give a number of days" in bad.stderr


def test_weekly_report(sample: Path) -> None:
    result = run_cli("report", "weekly", cwd=sample)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("## Incidents, week to 2026-11-23 12:00 UTC")
    assert "| INC-2026-0009 | SEV3 | mitigated |" in text
    assert "4 overdue" in text
    assert "checkout-api (2)" in text
    data = json.loads(run_cli("report", "weekly", "--format", "json", cwd=sample).stdout)
    assert data["version"] == 1 and data["action_items"]["overdue"] == 4
    assert data["repeat_services"]["search"] == 2
    earlier = json.loads(
        run_cli(
            "report", "weekly", "--until", "2026-06-20T00:00:00Z", "--format", "json", cwd=sample
        ).stdout
    )
    assert earlier["opened"] == [] and earlier["resolved"] == []
    assert earlier["action_items"]["overdue"] < data["action_items"]["overdue"]


def test_repeat_factors_need_two_postmortems(sample: Path) -> None:
    from datetime import UTC, datetime

    from incidentops.followup.weekly import summarise

    week = summarise(
        [],
        [],
        {"a.md": ["Process", "Technology"], "b.md": ["Process", "Process"]},
        datetime(2026, 11, 23, tzinfo=UTC),
    )
    assert week.factors == [("Process", 2)]
