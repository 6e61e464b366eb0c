"""incidentops.metrics.compute: hand-computed expectations on a few small incidents, and the sample
repository read through records()."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from incidentops.metrics import compute as metrics
from incidentops.metrics import formats as metrics_report
from incidentops.metrics.compute import compute
from incidentops.metrics.model import Stat
from incidentops.repo.records import records
from incidentops.validate.index import load_config

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 3, 15)


def status_event(at: str, text: str) -> dict[str, Any]:
    return {"at": at, "kind": "status", "actor": "alice", "text": text}


def incidents() -> list[dict[str, Any]]:
    """Five incidents; the expected values in the tests are worked out by hand from these."""
    a = {
        "id": "INC-2026-0001",
        "severity": "SEV1",
        "status": "closed",
        "services": ["api", "db"],
        "started_at": "2026-01-01T10:00:00Z",
        "detected_at": "2026-01-01T10:10:00Z",  # MTTD 600
        "declared_at": "2026-01-01T10:15:00Z",
        "acknowledged_at": "2026-01-01T10:20:00Z",  # MTTA 600
        "mitigated_at": "2026-01-01T11:00:00Z",
        "resolved_at": "2026-01-01T12:00:00Z",  # MTTR 7200
        "closed_at": "2026-01-02T12:00:00Z",
        "timeline": [
            {"at": "2026-01-01T10:15:00Z", "kind": "declared", "text": "Declared SEV1"},
            status_event("2026-01-01T10:30:00Z", "Status investigating -> identified (db)."),
            status_event("2026-01-01T11:00:00Z", "Status identified -> mitigated."),
        ],
        # investigating 900, identified 1800, mitigated 3600, resolved 86400
    }
    b = {
        "id": "INC-2026-0002",
        "severity": "SEV2",
        "status": "resolved",
        "services": ["api"],
        "started_at": "2026-01-05T00:00:00Z",
        "detected_at": "2026-01-05T00:20:00Z",  # MTTD 1200
        "declared_at": "2026-01-05T00:25:00Z",
        "acknowledged_at": "2026-01-05T00:50:00Z",  # MTTA 1800
        "resolved_at": "2026-01-05T03:00:00Z",  # MTTR 10800
        # no identified event, no mitigated_at: investigating runs to resolved_at, 9300
    }
    c = {
        "id": "INC-2026-0003",
        "severity": "SEV2",
        "status": "mitigated",
        "services": ["db"],
        "started_at": "2026-02-01T07:00:00Z",
        "detected_at": "2026-02-01T08:00:00Z",  # MTTD 3600
        "declared_at": "2026-02-01T08:00:00Z",
        # no acknowledged_at: no MTTA; not resolved: no MTTR
        "mitigated_at": "2026-02-01T09:00:00Z",
        "timeline": [status_event("2026-02-01T08:30:00Z", "Status: identified — cause found")],
        # investigating 1800, identified 1800, mitigated still running: no value
    }
    d = {
        "id": "INC-2026-0004",
        "severity": "SEV3",
        "status": "cancelled",
        "services": ["web"],
        "started_at": "2026-02-10T00:00:00Z",
        "detected_at": "2026-02-10T00:00:00Z",
        "declared_at": "2026-02-10T00:00:00Z",
        "acknowledged_at": "2026-02-10T05:00:00Z",
        "cancelled_at": "2026-02-10T06:00:00Z",
    }
    e = {
        "id": "INC-2026-0005",
        "severity": "SEV1",
        "status": "closed",
        "services": ["api"],
        "started_at": "2026-02-28T23:50:00Z",
        "detected_at": "2026-02-28T23:55:00Z",  # MTTD 300
        "declared_at": "2026-03-01T00:00:00Z",
        "acknowledged_at": "2026-03-01T00:05:00Z",  # MTTA 600
        "resolved_at": "2026-03-01T00:50:00Z",  # MTTR 3600
        "closed_at": "2026-03-01T02:50:00Z",
        "timeline": [status_event("2026-03-01T00:10:00Z", "Status investigating -> identified")],
        # investigating 600, identified 2400 (to resolved_at), resolved 7200
    }
    return [a, b, c, d, e]


def item(status: str, due: str) -> dict[str, Any]:
    return {
        "id": "AI-1",
        "title": "t",
        "owner": "o",
        "due": due,
        "priority": "P1",
        "status": status,
    }


def postmortems() -> list[dict[str, Any]]:
    return [
        {
            "incident": "INC-2026-0001",
            "action_items": [
                item("done", "2026-01-05"),
                item("done", "2026-01-20"),
                item("wont-do", "2026-01-01"),
                item("open", "2026-01-10"),  # overdue
                item("in-progress", "2026-04-01"),  # not yet due
            ],
        },
        {
            "incident": "INC-2026-0005",
            "action_items": [
                item("open", "2026-03-15"),  # due today: not overdue
                item("done", "2026-03-10"),
            ],
        },
        {"incident": "INC-2099-0001", "action_items": [item("open", "2020-01-01")]},
    ]


def report(**kwargs: Any) -> metrics.Report:
    return compute(incidents(), postmortems(), TODAY, **kwargs)


def test_stat_mean_median_and_nearest_rank_p90() -> None:
    assert metrics.stat([]) == Stat(0, None, None, None)
    assert metrics.stat([5.0]) == Stat(1, 5.0, 5.0, 5.0)
    assert metrics.stat([3600, 300, 1200, 600]) == Stat(4, 1425.0, 900.0, 3600)
    # p90 of 1..10 is the 9th value; of 1..11 the 10th (ceil(9.9) = 10)
    assert metrics.stat([float(x) for x in range(10, 0, -1)]).p90 == 9.0
    assert metrics.stat([float(x) for x in range(1, 12)]).p90 == 10.0
    assert metrics.stat([float(x) for x in range(1, 12)]).median == 6.0


def test_overall_counts_and_response_times() -> None:
    overall = report().overall
    assert overall.key == "all"
    assert (overall.count, overall.open, overall.resolved, overall.closed) == (5, 1, 1, 2)
    assert (overall.cancelled, overall.other) == (1, 0)
    # the cancelled incident (MTTA 5 h) is left out everywhere below
    assert overall.mttd == Stat(4, 1425.0, 900.0, 3600.0)
    assert overall.mtta == Stat(3, 1000.0, 600.0, 1800.0)  # C has no acknowledged_at
    assert overall.mttr == Stat(3, 7200.0, 7200.0, 10800.0)  # C is not resolved


def test_time_in_status() -> None:
    tis = report().overall.time_in_status
    assert list(tis) == ["investigating", "identified", "mitigated", "resolved"]
    assert tis["investigating"] == Stat(4, 3150.0, 1350.0, 9300.0)
    assert tis["identified"] == Stat(3, 2000.0, 1800.0, 2400.0)
    assert tis["mitigated"] == Stat(1, 3600.0, 3600.0, 3600.0)
    assert tis["resolved"] == Stat(2, 46800.0, 46800.0, 86400.0)


def test_identified_moment_is_the_first_status_event_moving_to_identified() -> None:
    base = {
        "status": "resolved",
        "declared_at": "2026-01-01T00:00:00Z",
        "resolved_at": "2026-01-01T01:00:00Z",
    }
    cases = {
        "Status identified -> mitigated.": None,  # leaves identified: not the moment
        "Status: identified": 600.0,
        "Status investigating → identified": 600.0,
        "Status: regressed to investigating": None,
        "Status: reopened": None,
    }
    for text, investigating in cases.items():
        data = {**base, "timeline": [status_event("2026-01-01T00:10:00Z", text)]}
        tis = compute([data], [], TODAY).overall.time_in_status
        if investigating is None:
            assert tis["investigating"] == Stat(1, 3600.0, 3600.0, 3600.0), text
            assert tis["identified"].n == 0, text
        else:
            assert tis["investigating"].mean == investigating, text
            assert tis["identified"].mean == 3000.0, text


def test_missing_unparseable_and_negative_timestamps_are_skipped() -> None:
    data = [
        {"status": "resolved", "declared_at": "2026-01-01T00:00:00Z"},
        {
            "status": "resolved",
            "declared_at": "2026-01-01T00:00:00Z",
            "started_at": "yesterday",
            "detected_at": "2026-01-01T00:00:00Z",
            "acknowledged_at": "2025-12-31T23:00:00Z",  # before detection: skipped
            "resolved_at": 12,
        },
        {
            "status": "closed",
            "declared_at": "2026-01-01T00:00:00",  # no offset: not a timestamp
            "started_at": "2026-01-01T00:00:00Z",
            "detected_at": "2026-01-01T00:01:00Z",
            "resolved_at": "2026-01-01T00:02:00Z",
        },
    ]
    overall = compute(data, [], TODAY).overall
    assert overall.count == 3
    assert overall.mttd == Stat(1, 60.0, 60.0, 60.0)
    assert overall.mtta.n == 0
    assert overall.mttr == Stat(1, 120.0, 120.0, 120.0)
    assert all(s.n == 0 for s in overall.time_in_status.values())


def test_group_by_service_counts_multi_service_incidents_in_each() -> None:
    r = report(by="service")
    assert [g.key for g in r.groups] == ["api", "db", "web"]
    assert r.overall.count == 5
    api, db, web = r.groups
    assert (api.count, db.count, web.count) == (3, 2, 1)
    assert api.mttd == Stat(3, 700.0, 600.0, 1200.0)
    assert db.mttd == Stat(2, 2100.0, 2100.0, 3600.0)
    assert (web.cancelled, web.mttd.n, web.mtta.n) == (1, 0, 0)
    assert (db.open, db.closed) == (1, 1)


def test_group_by_severity() -> None:
    r = report(by="severity")
    assert [(g.key, g.count) for g in r.groups] == [("SEV1", 2), ("SEV2", 2), ("SEV3", 1)]
    assert r.group("SEV1").mttr == Stat(2, 5400.0, 5400.0, 7200.0)
    with pytest.raises(KeyError):
        r.group("SEV9")


def test_group_by_month_uses_the_utc_month_of_declared_at() -> None:
    data = [
        *incidents(),
        {"status": "closed", "declared_at": "2026-04-01T00:30:00+01:00"},  # 2026-03-31 UTC
        {"status": "closed", "started_at": "2026-05-03T00:00:00Z"},  # falls back to started_at
        {"status": "closed"},  # no time at all
    ]
    r = compute(data, [], TODAY, by="month")
    assert [(g.key, g.count) for g in r.groups] == [
        ("2026-01", 2),
        ("2026-02", 2),
        ("2026-03", 2),
        ("2026-05", 1),
        ("unknown", 1),
    ]
    assert r.overall.count == 8


def test_since_until_is_half_open_on_declared_at() -> None:
    r = report(
        since=datetime(2026, 1, 5, 0, 25, tzinfo=UTC),  # B's declared_at: included
        until=datetime(2026, 2, 10, tzinfo=UTC),  # D's declared_at: excluded
    )
    assert r.overall.count == 2
    assert (r.overall.resolved, r.overall.open, r.overall.cancelled) == (1, 1, 0)
    assert r.overall.mttd == Stat(2, 2400.0, 2400.0, 3600.0)
    # only the selected incidents' postmortems count (neither B nor C has one)
    assert r.overall.action_items.total == 0
    # naive bounds are UTC; an incident with no time at all is left out when bounded
    naive = compute(
        [*incidents(), {"status": "closed"}], [], TODAY, since=datetime(2026, 2, 1, 8, 0)
    )
    assert naive.overall.count == 3
    assert naive.since == datetime(2026, 2, 1, 8, 0, tzinfo=UTC)
    assert compute([{"status": "closed"}], [], TODAY).overall.count == 1


def test_cancelled_incidents_are_counted_but_excluded_from_durations() -> None:
    only_cancelled = compute([incidents()[3]], [], TODAY)
    assert (only_cancelled.overall.count, only_cancelled.overall.cancelled) == (1, 1)
    assert only_cancelled.overall.mtta == Stat(0, None, None, None)
    assert all(s.n == 0 for s in only_cancelled.overall.time_in_status.values())


def test_action_items_completion_and_overdue() -> None:
    r = report(by="service")
    items = r.overall.action_items
    assert (items.total, items.done, items.wont_do, items.open, items.overdue) == (7, 3, 1, 3, 1)
    assert items.completion_rate == 0.5
    db = r.group("db").action_items  # only A's postmortem
    assert (db.total, db.done, db.wont_do, db.open, db.overdue) == (5, 2, 1, 2, 1)
    assert db.completion_rate == 2 / 4
    web = r.group("web").action_items
    assert (web.total, web.completion_rate) == (0, None)
    # overdue is relative to today: a day later the item due 2026-03-15 is overdue too
    later = compute(incidents(), postmortems(), date(2026, 3, 16)).overall.action_items
    assert later.overdue == 2


def test_unknown_grouping_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown grouping"):
        compute([], [], TODAY, by="team")


def test_wrong_types_do_not_crash() -> None:
    data: list[Any] = [
        "not a dict",
        {"status": ["closed"], "services": "api", "severity": None, "timeline": "x"},
        {
            "status": "closed",
            "services": [["x"], "api", "api"],
            "timeline": [1, {"kind": "status"}],
        },
    ]
    pms: list[Any] = [{"incident": 3}, {"incident": "X", "action_items": ["x", {"due": 5}]}]
    r = compute(data, pms, TODAY, by="service")
    assert [(g.key, g.count) for g in r.groups] == [("api", 1), ("unknown", 1)]
    assert (r.overall.count, r.overall.other) == (2, 1)


def test_to_json_is_stable_and_matches_the_report() -> None:
    r = report(by="service", since=datetime(2026, 1, 1, tzinfo=UTC))
    text = metrics_report.to_json(r)
    assert text == metrics_report.to_json(
        report(by="service", since=datetime(2026, 1, 1, tzinfo=UTC))
    )
    data = json.loads(text)
    assert data == metrics_report.to_dict(r)
    assert list(data) == ["version", "today", "since", "until", "by", "overall", "groups"]
    assert data["version"] == 1
    assert (data["today"], data["since"], data["until"]) == (
        "2026-03-15",
        "2026-01-01T00:00:00Z",
        None,
    )
    assert data["by"] == "service"
    assert data["overall"]["key"] == "all"
    assert data["overall"]["count"] == 5
    assert data["overall"]["status"] == {
        "open": 1,
        "resolved": 1,
        "closed": 2,
        "cancelled": 1,
        "other": 0,
    }
    assert data["overall"]["mttd"] == {"n": 4, "mean": 1425.0, "median": 900.0, "p90": 3600.0}
    assert data["overall"]["time_in_status"]["mitigated"]["n"] == 1
    assert data["overall"]["action_items"] == {
        "total": 7,
        "done": 3,
        "wont_do": 1,
        "open": 3,
        "overdue": 1,
        "completion_rate": 0.5,
    }
    assert [g["key"] for g in data["groups"]] == ["api", "db", "web"]
    assert data["groups"][2]["mttd"] == {"n": 0, "mean": None, "median": None, "p90": None}
    assert json.loads(metrics_report.to_json(report()))["groups"] == []


def test_to_text_aligned_with_human_durations() -> None:
    text = metrics_report.to_text(report(by="service"))
    lines = text.splitlines()
    assert lines[0].startswith("Incident metrics: declared start .. now, by service")
    # each table: header, dashes, then rows whose right-aligned columns end in the same place
    for title in ("Incidents and action items", "Response times", "Time in status"):
        start = next(i for i, line in enumerate(lines) if line.startswith(title))
        dashes = lines[start + 2]
        assert set(dashes) <= {"-", " "}
        block = []
        for line in lines[start + 3 :]:
            if not line:
                break
            block.append(line)
        assert all(len(line) == len(dashes) for line in block), title
    assert any(line.split()[:3] == ["all", "MTTD", "4"] for line in lines)
    row = next(line for line in lines if line.startswith("all") and "MTTD" in line)
    assert re.split(r"\s{2,}", row)[-3:] == ["24 min", "15 min", "1 h"]  # 1425 s, 900 s, 3600 s
    assert "50%" in text
    web_mttd = next(line for line in lines if line.startswith("web") and "MTTD" in line)
    assert web_mttd.split()[-3:] == ["-", "-", "-"]


def test_to_markdown_tables_escape_pipes() -> None:
    data = incidents()
    data[3]["services"] = ["web|edge"]
    md = metrics_report.to_markdown(compute(data, postmortems(), TODAY, by="service"))
    assert md.startswith("## Incident metrics")
    assert "| web\\|edge | 1 |" in md
    assert "### Response times (cancelled excluded)" in md
    for block in md.split("### ")[1:]:
        rows = [line for line in block.splitlines() if line.startswith("|")]
        widths = {line.replace("\\|", "").count("|") for line in rows}
        assert len(widths) == 1, block  # every row has the header's number of cells
    assert "|---|---:|" in md  # counts table: one left-aligned column
    assert "|---|---|---:|" in md  # stat tables: group and metric left-aligned


def test_sample_repository_via_records() -> None:
    config, _ = load_config(REPO)
    files = sorted(REPO.glob("incidents/*/*.yaml"))
    for by in (None, "severity", "service", "month"):
        r = compute(
            (data for _, data in records(REPO, config, "incident")),
            (data for _, data in records(REPO, config, "postmortem")),
            date(2026, 11, 23),
            None,
            None,
            by,
        )
        o = r.overall
        assert o.count == len(files)
        assert o.open + o.resolved + o.closed + o.cancelled + o.other == o.count
        assert o.other == 0
        if by in {"severity", "month"}:
            assert sum(g.count for g in r.groups) == len(files)
        assert o.mttd.n == o.count - o.cancelled  # every sample has started/detected
        assert o.action_items.total > 0
        for render in (metrics_report.to_json, metrics_report.to_text, metrics_report.to_markdown):
            assert render(r)


def test_ten_thousand_incidents_are_fast() -> None:
    base = incidents()
    data = []
    for i in range(10_000):
        copy = dict(base[i % 5])
        copy["id"] = f"INC-2026-{i:05d}"
        copy["services"] = [f"svc-{i % 60}", f"svc-{(i * 7) % 60}"]
        data.append(copy)
    started = time.perf_counter()
    r = compute(data, postmortems(), TODAY, by="service")
    metrics_report.to_text(r)
    metrics_report.to_json(r)
    assert time.perf_counter() - started < 2.0
    assert r.overall.count == 10_000
