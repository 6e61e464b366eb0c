"""Error budgets as a table for people (text, Markdown) and a versioned JSON document."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from incidentops.slo.budget import Budget

VERSION = 1


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def percent(target: float) -> str:
    """0.999 -> 99.9%, 0.9995 -> 99.95%."""
    return f"{target * 100:.6f}".rstrip("0").rstrip(".") + "%"


def minutes(value: float) -> str:
    return f"{value:.1f} min"


def consumed(item: Budget) -> str:
    """The postmortem's line: "43.2 min of 43.2 min, 100% of the 30-day budget at 99.9%"."""
    return (
        f"{minutes(item.spent_minutes)} of {minutes(item.budget_minutes)}, "
        f"{item.spent_fraction:.0%} of the {item.slo.window.describe()} budget at "
        f"{percent(item.slo.target)}"
    )


def _runs_out(item: Budget) -> str:
    if item.exhausted:
        return "exhausted"
    if item.runs_out_at is None:
        return "not burning"
    return stamp(item.runs_out_at)


def _rows(budgets: list[Budget]) -> list[list[str]]:
    return [
        [
            b.slo.service,
            f"{percent(b.slo.target)} {b.slo.window.describe()}",
            minutes(b.budget_minutes),
            minutes(b.spent_minutes),
            f"{b.spent_fraction:.0%}",
            minutes(b.remaining_minutes),
            " / ".join(f"{b.burn[name]:.2f}" for name in ("1h", "6h", "3d")),
            _runs_out(b),
        ]
        for b in budgets
    ]


HEADER = ["service", "SLO", "budget", "spent", "%", "left", "burn 1h / 6h / 3d", "runs out"]


def _spenders(b: Budget) -> str:
    return ", ".join(f"{ident} {minutes(m)}" for ident, m in b.by_incident) or "none"


def text(budgets: list[Budget], at: datetime) -> str:
    if not budgets:
        return "No service has an SLO (oncall/services.yaml: slo).\n"
    rows = [HEADER, *_rows(budgets)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = [f"Error budgets at {stamp(at)}", ""]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append("")
    lines += [f"{b.slo.service}: spent by {_spenders(b)}" for b in budgets]
    return "\n".join(lines) + "\n"


def markdown(budgets: list[Budget], at: datetime) -> str:
    if not budgets:
        return "No service has an SLO (`oncall/services.yaml`: `slo`).\n"
    lines = [f"## Error budgets at {stamp(at)}", ""]
    lines.append("| " + " | ".join(HEADER) + " |")
    lines.append("|" + "---|" * len(HEADER))
    lines += ["| " + " | ".join(row) + " |" for row in _rows(budgets)]
    lines.append("")
    lines += [f"- **{b.slo.service}**: spent by {_spenders(b)}" for b in budgets]
    return "\n".join(lines) + "\n"


def as_dict(budgets: list[Budget], at: datetime) -> dict[str, Any]:
    return {
        "version": VERSION,
        "at": stamp(at),
        "services": [
            {
                "service": b.slo.service,
                "target": b.slo.target,
                "window": {
                    "duration": b.slo.window.duration,
                    "isRolling": b.slo.window.rolling,
                    "description": b.slo.window.describe(),
                    "start": stamp(b.start),
                    "end": stamp(b.end),
                    "minutes": b.length.total_seconds() / 60,
                },
                "budget_minutes": round(b.budget_minutes, 3),
                "spent_minutes": round(b.spent_minutes, 3),
                "remaining_minutes": round(b.remaining_minutes, 3),
                "spent_fraction": round(b.spent_fraction, 6),
                "exhausted": b.exhausted,
                "burn": {k: round(v, 4) for k, v in b.burn.items()},
                "runs_out_at": stamp(b.runs_out_at) if b.runs_out_at else None,
                "incidents": [{"id": ident, "minutes": round(m, 3)} for ident, m in b.by_incident],
            }
            for b in budgets
        ],
    }


def json_text(budgets: list[Budget], at: datetime) -> str:
    return json.dumps(as_dict(budgets, at), indent=2, allow_nan=False) + "\n"


FORMATS = {"text": text, "markdown": markdown, "json": json_text}


def spent_by(item: Budget, incident: str) -> str:
    """One incident's cost, for its postmortem: "checkout-api: 44.0 min of the 43.2 min
    budget, 102% of the rolling 30d budget at 99.9%"."""
    spent = dict(item.by_incident).get(incident, 0.0)
    share = spent / item.budget_minutes
    return (
        f"{item.slo.service}: {minutes(spent)} of the {minutes(item.budget_minutes)} budget, "
        f"{share:.0%} of the {item.slo.window.describe()} budget at {percent(item.slo.target)} "
        f"({minutes(item.spent_minutes)} spent in the window in all)"
    )
