"""Metrics reports for people and programs: JSON (stable, versioned), aligned text, Markdown."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from incidentops.base.timeutil import minutes
from incidentops.metrics.model import JSON_VERSION, Report


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def to_dict(report: Report) -> dict[str, Any]:
    """The JSON shape (``version`` 1)::

    {"version": 1, "today": "YYYY-MM-DD", "since": RFC 3339 | null, "until": ... | null,
     "by": "severity" | "service" | "month" | null,
     "overall": GROUP, "groups": [GROUP, ...]}            # groups sorted by key, [] without by

    GROUP = {"key": str, "count": int,
             "status": {"open", "resolved", "closed", "cancelled", "other": int},
             "mttd" | "mtta" | "mttr": STAT,
             "time_in_status": {"investigating" | "identified" | "mitigated" | "resolved": STAT},
             "action_items": {"total", "done", "wont_do", "open", "overdue": int,
                              "completion_rate": float 0..1 | null}}
    STAT = {"n": int, "mean" | "median" | "p90": seconds (float) | null}
    """
    return {
        "version": JSON_VERSION,
        "today": report.today.isoformat(),
        "since": _iso(report.since),
        "until": _iso(report.until),
        "by": report.by,
        "overall": report.overall.to_dict(),
        "groups": [group.to_dict() for group in report.groups],
    }


def to_json(report: Report) -> str:
    """:func:`to_dict` as indented JSON with a final newline; the same report gives the same
    bytes."""
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"


def _duration(value: float | None) -> str:
    return "-" if value is None else minutes(value)


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


_Table = tuple[str, list[str], list[list[str]], int]  # title, head, rows, left-aligned columns


def _tables(report: Report) -> list[_Table]:
    groups = [report.overall, *report.groups]
    label = report.by or "group"
    counts = [
        [
            g.key,
            str(g.count),
            str(g.open),
            str(g.resolved),
            str(g.closed),
            str(g.cancelled),
            str(g.action_items.total),
            str(g.action_items.done),
            str(g.action_items.open),
            _rate(g.action_items.completion_rate),
            str(g.action_items.overdue),
        ]
        for g in groups
    ]
    response = [
        [g.key, name.upper(), str(s.n), _duration(s.mean), _duration(s.median), _duration(s.p90)]
        for g in groups
        for name, s in (("mttd", g.mttd), ("mtta", g.mtta), ("mttr", g.mttr))
    ]
    phases = [
        [g.key, phase, str(s.n), _duration(s.mean), _duration(s.median), _duration(s.p90)]
        for g in groups
        for phase, s in g.time_in_status.items()
    ]
    stat_head = ["n", "mean", "median", "p90"]
    return [
        (
            "Incidents and action items",
            [
                label,
                "incidents",
                "open",
                "resolved",
                "closed",
                "cancelled",
                "items",
                "done",
                "open items",
                "completion",
                "overdue",
            ],
            counts,
            1,
        ),
        ("Response times (cancelled excluded)", [label, "metric", *stat_head], response, 2),
        ("Time in status (cancelled excluded)", [label, "status", *stat_head], phases, 2),
    ]


def _heading(report: Report) -> str:
    window = f"{_iso(report.since) or 'start'} .. {_iso(report.until) or 'now'}"
    grouping = f", by {report.by}" if report.by else ""
    return (
        f"Incident metrics: declared {window}{grouping}; action items as of "
        f"{report.today.isoformat()}"
    )


def to_text(report: Report) -> str:
    """Aligned plain-text tables: counts and action items, response times, time in status.
    Durations read as people say them (``47 min``, ``3 h 5 min``); ``-`` where there is no
    value."""
    lines = [_heading(report)]
    for title, head, rows, left in _tables(report):
        widths = [max(len(row[i]) for row in (head, *rows)) for i in range(len(head))]

        def line(cells: list[str], widths: list[int] = widths, left: int = left) -> str:
            return "  ".join(
                cell.ljust(width) if i < left else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()

        lines += ["", title, line(head), "  ".join("-" * w for w in widths)]
        lines += [line(row) for row in rows]
    return "\n".join(lines) + "\n"


def _md(cell: str) -> str:
    return (
        cell.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ").strip()
    )


def to_markdown(report: Report) -> str:
    """The same tables as :func:`to_text`, as GitHub-flavoured Markdown tables (``|`` and ``\\``
    in cells escaped)."""
    lines = [f"## {_md(_heading(report))}"]
    for title, head, rows, left in _tables(report):
        lines += ["", f"### {title}", ""]
        lines.append("| " + " | ".join(_md(c) for c in head) + " |")
        lines.append("|" + "|".join(["---"] * left + ["---:"] * (len(head) - left)) + "|")
        lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
