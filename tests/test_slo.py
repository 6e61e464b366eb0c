"""Error budgets: the arithmetic against hand-computed cases, its properties for any set of
incidents, and the console script on the sample repository at a set clock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli
from incidentops.slo.budget import budget, charged, intervals
from incidentops.slo.model import SLO, SLOError, Window, slo_of, window_named

T = "2026-11-23T12:00:00Z"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def incident(
    ident: str,
    start: str,
    end: str | None = None,
    severity: str = "SEV1",
    status: str = "resolved",
    services: tuple[str, ...] = ("api",),
    mitigated: str | None = None,
) -> dict[str, Any]:
    return {
        "id": ident,
        "severity": severity,
        "status": status,
        "services": list(services),
        "started_at": start,
        "declared_at": start,
        "mitigated_at": mitigated,
        "resolved_at": end,
    }


def slo(target: float = 0.999, duration: str = "30d", rolling: bool = True, **kw: Any) -> SLO:
    return SLO("api", target, Window(duration, rolling), **kw)


def test_a_rolling_budget_and_an_incident_inside_it() -> None:
    # 99.9% of 30 days: 0.001 x 30 x 1440 = 43.2 min; one SEV1 of 30 min spends 30 of them
    found = budget(slo(), [incident("A", "2026-11-20T10:00:00Z", "2026-11-20T10:30:00Z")], at(T))
    assert found.budget_minutes == pytest.approx(43.2)
    assert found.spent_minutes == pytest.approx(30.0)
    assert found.remaining_minutes == pytest.approx(13.2)
    assert found.by_incident == [("A", pytest.approx(30.0))]
    assert not found.exhausted and found.runs_out_at is None  # nothing burning in the last hour


def test_the_window_edge_inside_an_incident_clips_it() -> None:
    # the 30-day window starts 2026-10-24T12:00Z; an incident 11:00 to 13:30 that day
    # counts only from 12:00: 90 min, not 150
    found = budget(slo(), [incident("A", "2026-10-24T11:00:00Z", "2026-10-24T13:30:00Z")], at(T))
    assert (found.start, found.end) == (at("2026-10-24T12:00:00Z"), at(T))
    assert found.spent_minutes == pytest.approx(90.0)


def test_overlapping_incidents_are_charged_once_heaviest_first() -> None:
    # A: SEV2 (0.5) 10:00-11:00; B: SEV1 (1.0) 10:30-11:30.
    # 10:00-10:30 A alone: 30 x 0.5 = 15; 10:30-11:00 both, B heavier: 30 x 1 = 30;
    # 11:00-11:30 B alone: 30. Total 75 min (not 30 + 60 = 90), A 15, B 60.
    incidents = [
        incident("A", "2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z", "SEV2"),
        incident("B", "2026-11-20T10:30:00Z", "2026-11-20T11:30:00Z", "SEV1"),
    ]
    found = budget(slo(), incidents, at(T))
    assert found.spent_minutes == pytest.approx(75.0)
    assert dict(found.by_incident) == {"A": pytest.approx(15.0), "B": pytest.approx(60.0)}


def test_mitigated_ends_the_charge_unless_until_resolved() -> None:
    # started 10:00, mitigated 10:20, resolved 11:00: 20 min by default, 60 with until: resolved
    item = incident(
        "A", "2026-11-20T10:00:00Z", "2026-11-20T11:00:00Z", mitigated="2026-11-20T10:20:00Z"
    )
    assert budget(slo(), [item], at(T)).spent_minutes == pytest.approx(20.0)
    assert budget(slo(until="resolved"), [item], at(T)).spent_minutes == pytest.approx(60.0)


def test_an_open_incident_is_charged_up_to_now_and_burns() -> None:
    # SEV1 open since 11:00: 60 min spent at 12:00 of a 43.2-min budget: exhausted.
    # Burn over 1 h: 60/60 / 0.001 = 1000; over 6 h: 60/360 / 0.001 = 166.67;
    # over 3 d: 60/4320 / 0.001 = 13.89.
    found = budget(slo(), [incident("A", "2026-11-23T11:00:00Z", None, status="identified")], at(T))
    assert found.spent_minutes == pytest.approx(60.0)
    assert found.exhausted and found.runs_out_at == at(T)
    assert found.burn == {
        "1h": pytest.approx(1000.0),
        "6h": pytest.approx(166.6667, rel=1e-4),
        "3d": pytest.approx(13.8889, rel=1e-4),
    }


def test_when_the_budget_runs_out_at_the_current_rate() -> None:
    # SEV2 (0.5) open since 11:30: 15 min spent; the last hour spent 15 min: 0.25 min a
    # minute; 28.2 min left / 0.25 = 112.8 min from 12:00 = 13:52:48
    found = budget(
        slo(), [incident("A", "2026-11-23T11:30:00Z", None, "SEV2", "investigating")], at(T)
    )
    assert found.spent_minutes == pytest.approx(15.0)
    assert found.runs_out_at == at("2026-11-23T13:52:48Z")


def test_cancelled_uncharged_and_future_incidents_cost_nothing() -> None:
    incidents = [
        incident("A", "2026-11-20T10:00:00Z", None, status="cancelled"),
        incident("B", "2026-11-20T10:00:00Z", "2026-11-20T12:00:00Z", "SEV3"),  # charged 0.0
        incident("C", "2026-11-24T10:00:00Z", "2026-11-24T12:00:00Z"),  # after the moment
        incident("D", "2026-11-20T10:00:00Z", "2026-11-20T12:00:00Z", services=("web",)),
    ]
    assert budget(slo(), incidents, at(T)).spent_minutes == 0


def test_a_calendar_month_of_28_days_and_a_leap_february() -> None:
    # February 2027 has 28 days: 0.001 x 28 x 1440 = 40.32 min; February 2028, 29: 41.76 min
    month = slo(duration="1M", rolling=False)
    feb = budget(month, [], at("2027-02-14T00:00:00Z"))
    assert (feb.start, feb.length) == (at("2027-02-01T00:00:00Z"), timedelta(days=28))
    assert feb.budget_minutes == pytest.approx(40.32)
    leap = budget(month, [], at("2028-02-29T23:59:00Z"))
    assert leap.length == timedelta(days=29) and leap.budget_minutes == pytest.approx(41.76)
    # an incident across midnight into March 1st 2028 counts only its February part: 30 min
    across = [incident("A", "2028-02-29T23:30:00Z", "2028-03-01T00:30:00Z")]
    assert budget(month, across, at("2028-02-29T23:59:59Z")).spent_minutes == pytest.approx(
        29.9833, rel=1e-4
    )
    assert budget(month, across, at("2028-03-01T06:00:00Z")).spent_minutes == pytest.approx(30.0)


def test_a_calendar_quarter_and_december() -> None:
    # Q4 2026: October 1st to January 1st, 92 days: 0.0005 x 92 x 1440 = 66.24 min
    quarter = budget(slo(0.9995, "1Q", False), [], at("2026-12-31T23:00:00Z"))
    assert quarter.start == at("2026-10-01T00:00:00Z")
    assert quarter.length == timedelta(days=92) and quarter.budget_minutes == pytest.approx(66.24)
    december = budget(slo(duration="1M", rolling=False), [], at("2026-12-15T00:00:00Z"))
    assert december.length == timedelta(days=31)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ({"target": 1, "timeWindow": {"duration": "30d"}}, "target 1"),
        ({"target": 0, "timeWindow": {"duration": "30d"}}, "target 0"),
        (
            {"target": 0.99, "timeWindow": {"duration": "1M", "isRolling": True}},
            "rolling window '1M'",
        ),
        (
            {"target": 0.99, "timeWindow": {"duration": "30d", "isRolling": False}},
            "calendar window '30d'",
        ),
        ({"target": 0.99, "timeWindow": {"duration": "9999d"}}, "longer than 366 days"),
        ({"target": 0.99, "timeWindow": {"duration": "30d"}, "until": "closed"}, "until 'closed'"),
    ],
)
def test_an_slo_the_engine_cannot_compute_says_why(raw: dict[str, Any], error: str) -> None:
    with pytest.raises(SLOError, match=error):
        slo_of({"name": "api", "slo": raw})


def test_window_names_on_the_command_line() -> None:
    assert window_named("month") == Window("1M", rolling=False)
    assert window_named("7d") == Window("7d", rolling=True)
    with pytest.raises(SLOError):
        window_named("fortnight")


# ------------------------------------------------------------------------------ properties

START = datetime(2026, 1, 1, tzinfo=UTC)
MOMENT = START + timedelta(days=60)


@st.composite
def incidents_strategy(draw: st.DrawFn) -> list[dict[str, Any]]:
    found = []
    for index in range(draw(st.integers(0, 12))):
        start = START + timedelta(minutes=draw(st.integers(0, 90 * 1440)))
        length = draw(st.one_of(st.none(), st.integers(1, 3 * 1440)))
        end = None if length is None else start + timedelta(minutes=length)
        found.append(
            incident(
                f"I{index}",
                start.isoformat(),
                end.isoformat() if end else None,
                draw(st.sampled_from(["SEV1", "SEV2", "SEV3"])),
                "investigating" if end is None else "resolved",
                services=draw(st.sampled_from([("api",), ("api", "web"), ("web",)])),
            )
        )
    return found


SLOS = st.sampled_from([slo(), slo(0.99, "7d"), slo(0.999, "1M", False), slo(until="resolved")])


@settings(max_examples=150, deadline=None)
@given(item=SLOS, incidents=incidents_strategy(), order=st.randoms(use_true_random=False))
def test_charged_downtime_is_bounded_and_independent_of_file_order(
    item: SLO, incidents: list[dict[str, Any]], order: Any
) -> None:
    found = budget(item, incidents, MOMENT)
    covered = (found.end - found.start).total_seconds() / 60
    assert 0 <= found.spent_minutes <= covered + 1e-9 <= found.length.total_seconds() / 60 + 1e-9
    assert sum(m for _, m in found.by_incident) == pytest.approx(found.spent_minutes)
    shuffled = list(incidents)
    order.shuffle(shuffled)
    again = budget(item, shuffled, MOMENT)
    assert again.spent_minutes == pytest.approx(found.spent_minutes)
    assert dict(again.by_incident) == pytest.approx(dict(found.by_incident))


@settings(max_examples=150, deadline=None)
@given(item=SLOS, incidents=incidents_strategy(), extra=incidents_strategy())
def test_adding_an_incident_never_lowers_the_charge(
    item: SLO, incidents: list[dict[str, Any]], extra: list[dict[str, Any]]
) -> None:
    renamed = [{**i, "id": "X" + str(i["id"])} for i in extra[:1]]
    before = budget(item, incidents, MOMENT).spent_minutes
    after = budget(item, incidents + renamed, MOMENT).spent_minutes
    assert after >= before - 1e-9


@settings(max_examples=100, deadline=None)
@given(incidents=incidents_strategy())
def test_the_sweep_agrees_with_a_minute_by_minute_count(incidents: list[dict[str, Any]]) -> None:
    item = slo(duration="90d")
    found = intervals(item, incidents, MOMENT)
    lo, hi = MOMENT - timedelta(days=90), MOMENT
    seconds, _ = charged(found, lo, hi)
    # every interval starts and ends on a whole minute: sum the heaviest weight per minute
    naive = 0.0
    minute = lo
    while minute < hi:
        weights = [i.weight for i in found if i.start <= minute < i.end]
        naive += max(weights, default=0.0) * 60
        minute += timedelta(minutes=1)
    assert seconds == pytest.approx(naive)


# ---------------------------------------------------------------------------- the console script


def test_the_table_on_the_sample_repository(sample: Path) -> None:
    # at 2026-11-23T12:00Z INC-2026-0007 (SEV2, charged 0.5) has been open since 09:48:
    # 132 min x 0.5 = 66 min against checkout-api (43.2) and payments-gateway (21.6 in a
    # 30-day November at 99.95%); search lost INC-2026-0005's 06:20-09:45 at 0.5 = 102.5 min
    result = run_cli("slo", cwd=sample)
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines() if line[:1].isalpha()}
    assert "43.2 min   66.0 min   153%" in lines["checkout-api"]
    assert "21.6 min   66.0 min   306%" in lines["payments-gateway"]
    assert "201.6 min  102.5 min  51%" in lines["search"]
    assert "search: spent by INC-2026-0005 102.5 min" in result.stdout
    document = json.loads(run_cli("slo", "--format", "json", cwd=sample).stdout)
    assert document["version"] == 1
    [search] = [s for s in document["services"] if s["service"] == "search"]
    assert search["spent_minutes"] == 102.5 and search["window"]["start"] == "2026-10-26T12:00:00Z"
    markdown = run_cli("slo", "--format", "markdown", "--service", "search", cwd=sample).stdout
    assert "| search | 99.5% rolling 28d |" in markdown and "checkout-api" not in markdown


def test_a_window_and_a_moment_given_on_the_command_line(sample: Path) -> None:
    # a week before, nothing of INC-2026-0005 (Nov 18) or -0007 had happened; over a rolling
    # 7 days ending Nov 19 00:00 search lost 06:20-09:45 on Nov 18 (until: resolved) = 102.5
    result = run_cli(
        "slo",
        "--service",
        "search",
        "--window",
        "7d",
        "--at",
        "2026-11-19T00:00:00Z",
        "--format",
        "json",
        cwd=sample,
    )
    [search] = json.loads(result.stdout)["services"]
    assert search["budget_minutes"] == pytest.approx(0.005 * 7 * 1440)
    assert search["spent_minutes"] == 102.5


def test_the_policy_check_fails_naming_the_incidents_and_annotates_under_actions(
    sample: Path,
) -> None:
    result = run_cli("slo", "check", cwd=sample)
    assert result.returncode == 1
    assert "oncall/services.yaml:13: checkout-api: its error budget is spent" in result.stdout
    assert "burns at 500.0x over 1h (at most 14.4x)" in result.stdout
    assert "spent by INC-2026-0007 66.0 min" in result.stdout
    annotated = run_cli(
        "slo", "check", "--service", "payments-gateway", cwd=sample, env={"GITHUB_ACTIONS": "true"}
    )
    assert annotated.returncode == 1
    assert annotated.stdout.startswith(
        "::error file=oncall/services.yaml,line=32,title=error budget::payments-gateway:"
    )
    # search is within its budget and burns nothing now
    calm = run_cli("slo", "check", "--service", "search", cwd=sample)
    assert calm.returncode == 0 and "1 error budget within policy" in calm.stdout
    # on Nov 19 the last 3 days held INC-2026-0005's 205 min at 0.5: 102.5 / 4320 / 0.005 = 4.7x
    late = ("--at", "2026-11-19T00:00:00Z", "--max-burn", "3d=4")
    strict = run_cli("slo", "check", "--service", "search", *late, cwd=sample)
    assert strict.returncode == 1 and "burns at 4.7x over 3d (at most 4x)" in strict.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--service", "nope"), "Error: --service 'nope' is not in oncall/services.yaml"),
        (("--service", "auth"), "Error: auth: no SLO in oncall/services.yaml"),
        (
            ("--window", "fortnight"),
            "Error: oncall/services.yaml: checkout-api: slo: rolling window 'fortnight'",
        ),
        (("--at", "+3000000d"), "Error: --at:"),
    ],
)
def test_bad_options_are_one_line(sample: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("slo", *args, cwd=sample)
    assert result.returncode == 2
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1, result.stderr


def test_bad_max_burn_is_one_line(sample: Path) -> None:
    result = run_cli("slo", "check", "--max-burn", "2h=3", cwd=sample)
    assert result.returncode == 2 and result.stderr.startswith("Error: --max-burn '2h=3'")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_validate_reports_slos_it_cannot_compute(sample: Path) -> None:
    services = sample / "oncall/services.yaml"
    _replace(
        services,
        "timeWindow: {duration: 30d, isRolling: true}",
        "timeWindow: {duration: 1M, isRolling: true}",
    )
    _replace(services, "target: 0.9995", "target: 1.5")
    result = run_cli("validate", "--format", "json", cwd=sample)
    assert result.returncode == 1
    findings = {(f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"]}
    assert ("slo-window", 14) in findings  # the timeWindow line of checkout-api
    assert ("schema", 32) in findings  # payments-gateway's target


def test_validate_warns_about_an_incident_that_cannot_be_charged(sample: Path) -> None:
    path = sample / "incidents/2026/INC-2026-0003.yaml"
    text = path.read_text(encoding="utf-8")
    kept = [
        line
        for line in text.splitlines(keepends=True)
        if not line.startswith(("mitigated_at:", "resolved_at:"))
    ]
    path.write_text("".join(kept), encoding="utf-8")
    result = run_cli("validate", "--format", "json", cwd=sample)
    rules = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "slo-timestamps"]
    assert (
        rules
        and "INC-2026-0003 is closed but has no mitigated_at or resolved_at" in rules[0]["message"]
    )


def test_the_postmortem_draft_and_the_weekly_report_use_the_same_numbers(sample: Path) -> None:
    # INC-2026-0003: SEV1 of checkout-api from 18:00 to 18:44 (mitigated) on June 12th:
    # 44 min of the 43.2-min rolling 30-day budget (102%)
    draft = run_cli("postmortem", "draft", "INC-2026-0003", cwd=sample).stdout
    assert (
        "- **Error budget consumed**: checkout-api: 44.0 min of the 43.2 min budget, 102% of the "
        "rolling 30d budget at 99.9% (44.0 min spent in the window in all)"
    ) in draft
    weekly = run_cli("report", "weekly", cwd=sample).stdout
    row = "| search | 99.5% rolling 28d | 102.5 of 201.6 min (51%) | 99.1 min |"
    assert f"{row} INC-2026-0005 102.5 min |" in weekly


@pytest.mark.parametrize(
    ("slo_text", "message"),
    [
        ("charge: [1, 2]", "charge: a share"),
        ("charge: {SEV1: abc}", "charge.SEV1: 'abc' is not a number"),
        ("charge: {SEV2: .nan}", "charge.SEV2: nan is not a number"),
        ("charge: {SEV1: 2}", "charge.SEV1: 2 must be from 0 to 1"),
        ("policy: {max_burn: [1]}", "policy.max_burn: a rate per span"),
        ("policy: {max_burn: {2h: 3}}", "policy.max_burn.2h: a span is one of 1h, 6h, 3d"),
        ("policy: {max_burn: {1h: .inf}}", "policy.max_burn.1h: inf is not a number"),
    ],
)
def test_a_charge_or_policy_the_engine_cannot_use_is_one_line_everywhere(
    sample: Path, slo_text: str, message: str
) -> None:
    _replace(
        sample / "oncall/services.yaml",
        "      timeWindow: {duration: 28d, isRolling: true}\n",
        f"      timeWindow: {{duration: 28d, isRolling: true}}\n      {slo_text}\n",
    )
    result = run_cli("slo", cwd=sample)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) == 1
    check = run_cli("validate", "--format", "json", cwd=sample)
    assert "Traceback" not in check.stderr and check.returncode == 1
    assert any(message in f["message"] for f in json.loads(check.stdout)["findings"])
    for args in (("report", "weekly"), ("postmortem", "draft", "INC-2026-0005")):
        assert run_cli(*args, cwd=sample).returncode == 0


def test_a_nan_limit_on_the_command_line_is_refused(sample: Path) -> None:
    result = run_cli("slo", "check", "--max-burn", "1h=nan", cwd=sample)
    assert result.returncode == 2 and result.stderr.startswith("Error: --max-burn '1h=nan'")
