"""The pure lifecycle core: transitions, classification, roles, patches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from incidentops.base.config import Config
from incidentops.incident.declare import assign_roles, classify, parse_indicators, runbooks_for
from incidentops.incident.lifecycle import (
    LifecycleError,
    allowed,
    cancel,
    close,
    next_states,
    resolve,
    set_status,
)
from incidentops.incident.recording import add_event, add_update, set_role, set_severity
from incidentops.oncall.repo import from_directory

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CONFIG = Config()


def incident(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "INC-2026-0042",
        "title": "Checkout errors",
        "severity": "SEV2",
        "status": "investigating",
        "services": ["checkout-api"],
        "started_at": "2026-11-23T09:50:00Z",
        "declared_at": "2026-11-23T10:00:00Z",
        "roles": {"commander": "tom"},
        "timeline": [{"at": "2026-11-23T10:00:00Z", "kind": "declared", "text": "Declared"}],
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [
        ("investigating", "identified", True),
        ("investigating", "resolved", True),  # forward skips are fine
        ("identified", "investigating", False),
        ("mitigated", "investigating", True),  # regression
        ("resolved", "investigating", True),  # reopen
        ("resolved", "closed", True),
        ("mitigated", "closed", False),
        ("closed", "identified", False),
        ("cancelled", "investigating", False),
        ("identified", "cancelled", True),
        ("resolved", "cancelled", False),
        ("investigating", "investigating", False),
    ],
)
def test_transitions(current: str, target: str, ok: bool) -> None:
    assert allowed(current, target) is ok


def test_status_stamps_and_records_an_event() -> None:
    change = set_status(incident(), "mitigated", T0 + timedelta(minutes=20), "tom", "rolled back")
    result = change.patch.apply_to_plain(incident())
    assert result["status"] == "mitigated"
    assert result["mitigated_at"] == "2026-11-23T10:20:00Z"
    assert result["timeline"][-1] == {
        "at": "2026-11-23T10:20:00Z",
        "kind": "status",
        "actor": "tom",
        "text": "Status: mitigated — rolled back",
    }
    assert change.summary == "INC-2026-0042: status mitigated"


def test_reopen_clears_resolved_at_and_keeps_history() -> None:
    resolved = resolve(incident(), "fixed", T0 + timedelta(hours=1), "tom").patch.apply_to_plain(
        incident()
    )
    reopened = set_status(resolved, "investigating", T0 + timedelta(hours=2), "tom", "again")
    result = reopened.patch.apply_to_plain(resolved)
    assert "resolved_at" not in result
    assert [e["text"] for e in result["timeline"]][-2:] == [
        "Status: resolved — fixed",
        "Status: reopened — again",
    ]


def test_bad_transition_time_and_text_are_refused() -> None:
    with pytest.raises(LifecycleError, match="cannot go from investigating to closed"):
        set_status(incident(), "closed", T0, "tom")
    with pytest.raises(LifecycleError, match="before the incident started"):
        set_status(incident(), "identified", T0 - timedelta(hours=1), "tom")
    with pytest.raises(LifecycleError, match="unknown status"):
        set_status(incident(), "fixed", T0, "tom")
    with pytest.raises(LifecycleError, match="is empty"):
        add_event(incident(), "note", "   ", T0, "tom")
    with pytest.raises(LifecycleError, match="unknown timeline kind"):
        add_event(incident(), "gossip", "x", T0, "tom")
    assert next_states("closed") == []


def test_backdated_event_is_inserted_in_time_order() -> None:
    data = incident()
    data["timeline"].append({"at": "2026-11-23T10:30:00Z", "kind": "note", "text": "later"})
    change = add_event(
        data, "action", "restarted pods", T0 + timedelta(minutes=10), "tom", result="errors dropped"
    )
    result = change.patch.apply_to_plain(data)
    assert [e["at"] for e in result["timeline"]] == [
        "2026-11-23T10:00:00Z",
        "2026-11-23T10:10:00Z",
        "2026-11-23T10:30:00Z",
    ]
    assert result["timeline"][1]["result"] == "errors dropped"


def test_severity_change_reports_roles_now_missing() -> None:
    change = set_severity(incident(severity="SEV3"), "P1", "more users", T0, "tom", CONFIG)
    result = change.patch.apply_to_plain(incident(severity="SEV3"))
    assert result["severity"] == "SEV2"
    assert "escalated SEV3 -> SEV2" in result["timeline"][-1]["text"]
    assert any("communications, technical" in note for note in change.notes)
    with pytest.raises(LifecycleError, match="unknown severity"):
        set_severity(incident(), "SEV9", "x", T0, "tom", CONFIG)


def test_role_handoff_is_a_timeline_event() -> None:
    people = {"tom": {}, "priya": {}}
    change = set_role(incident(), "commander", "priya", T0, "tom", CONFIG, people)
    result = change.patch.apply_to_plain(incident())
    assert result["roles"]["commander"] == "priya"
    assert result["timeline"][-1]["text"] == "Commander handed off from tom to priya"
    with pytest.raises(LifecycleError, match="unknown person"):
        set_role(incident(), "commander", "nobody", T0, "tom", CONFIG, people)
    with pytest.raises(LifecycleError, match="unknown role"):
        set_role(incident(), "captain", "priya", T0, "tom", CONFIG, people)


def test_update_is_recorded() -> None:
    change = add_update(incident(), "customer", "Checkout is slow for some users.", T0, "tom")
    result = change.patch.apply_to_plain(incident())
    assert result["updates"] == [
        {
            "at": "2026-11-23T10:00:00Z",
            "audience": "customer",
            "status": "investigating",
            "text": "Checkout is slow for some users.",
            "author": "tom",
        }
    ]
    with pytest.raises(LifecycleError, match="unknown audience"):
        add_update(incident(), "press", "x", T0, "tom")


def test_close_needs_a_final_postmortem_where_required() -> None:
    resolved = resolve(incident(), "fixed", T0, "tom").patch.apply_to_plain(incident())
    with pytest.raises(LifecycleError, match="requires a final postmortem"):
        close(resolved, T0 + timedelta(days=1), "tom", CONFIG, "draft")
    assert close(resolved, T0 + timedelta(days=1), "tom", CONFIG, "final").summary.endswith(
        "status closed"
    )
    minor = resolve(incident(severity="SEV4"), "ok", T0, "tom").patch.apply_to_plain(
        incident(severity="SEV4")
    )
    close(minor, T0 + timedelta(days=1), "tom", CONFIG, None)
    with pytest.raises(LifecycleError, match="cannot go from resolved to cancelled"):
        cancel(resolved, "dup", T0, "tom")


@pytest.mark.parametrize(
    ("pairs", "level"),
    [
        (["complete_outage=true"], "SEV1"),
        (["affected_users_pct=51"], "SEV1"),
        (["affected_users_pct=50"], "SEV2"),
        (["partial_outage"], "SEV2"),
        (["performance_degradation_pct=51"], "SEV2"),
        (["affected_users_pct=6"], "SEV3"),
        (["performance_degradation_pct=21", "minor_feature_issue=false"], "SEV3"),
        (["minor_feature_issue=yes"], "SEV3"),
        ([], "SEV4"),
        (["data_loss=false", "affected_users_pct=5"], "SEV4"),
    ],
)
def test_classification(pairs: list[str], level: str) -> None:
    found, reason = classify(parse_indicators(pairs))
    assert found == level
    assert reason


def test_bad_indicators() -> None:
    with pytest.raises(LifecycleError, match="unknown indicator"):
        parse_indicators(["outage=true"])
    with pytest.raises(LifecycleError, match="number from 0 to 100"):
        parse_indicators(["affected_users_pct=lots"])
    with pytest.raises(LifecycleError, match="true or false"):
        parse_indicators(["data_loss=maybe"])


def test_roles_come_from_on_call_and_never_repeat_a_person() -> None:
    oncall = from_directory(REPO, CONFIG)
    severity = CONFIG.severity("SEV1")
    assert severity is not None
    at = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    roles, unfilled = assign_roles(severity, ["checkout-api"], oncall, at, None)
    assert roles["commander"] == "tom"  # primary on call for platform-primary then
    assert len(set(roles.values())) == len(roles)
    assert set(roles) | set(unfilled) == set(severity.roles)
    given, _ = assign_roles(severity, ["checkout-api"], oncall, at, "priya")
    assert given["commander"] == "priya"


def test_runbooks_are_linked_by_service_or_alert() -> None:
    runbooks = [
        ("runbooks/a.md", {"services": ["checkout-api"]}),
        ("runbooks/b.md", {"services": ["search"], "alerts": ["X"]}),
        ("runbooks/c.md", {"services": ["auth"]}),
    ]
    assert runbooks_for(["checkout-api"], ["X"], runbooks) == ["runbooks/a.md", "runbooks/b.md"]
