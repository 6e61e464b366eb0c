"""The alert report: per alert, its severity label, its runbooks, how many incidents it started
in a window, how many of those were cancelled or SEV4, the median time to mitigate, and a
*noise candidate* flag with its reason: the seed of alert tuning.

An incident counts as started by an alert when its ``alerts:`` lists it or one of its ``alert``
timeline events names it.
"""

from __future__ import annotations

import json
import re
import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incidentops.alerts.links import Linked
from incidentops.base.timeutil import minutes, parse_time

VERSION = 1


@dataclass(frozen=True)
class Noise:
    min_incidents: int = 3  # fewer incidents than this: too few to judge
    share: float = 0.5  # this share or more cancelled or SEV4: a noise candidate


@dataclass(frozen=True)
class Row:
    alert: str
    severity: str | None
    runbooks: tuple[str, ...]
    incidents: tuple[str, ...]
    quiet: int  # cancelled or SEV4
    mitigate_seconds: float | None  # median
    noise: str | None  # why it is a noise candidate


def _started_by(info: dict[str, Any], name: str) -> bool:
    if name in (info.get("alerts") or ()):
        return True
    pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    return any(pattern.search(str(text)) for text in info.get("alert_events") or ())


def rows(
    linked: list[Linked],
    incidents: list[dict[str, Any]],
    since: datetime,
    until: datetime,
    noise: Noise,
) -> list[Row]:
    window = [
        i
        for i in incidents
        if (moment := parse_time(i.get("declared_at") or i.get("started_at"))) is not None
        and since <= moment <= until
    ]
    found = []
    for item in sorted(linked, key=lambda x: x.alert.name):
        name = item.alert.name
        started = [i for i in window if _started_by(i, name)]
        quiet = [
            i for i in started if i.get("status") == "cancelled" or i.get("severity") == "SEV4"
        ]
        spans = []
        for info in started:
            begin = parse_time(info.get("started_at") or info.get("declared_at"))
            end = parse_time(info.get("mitigated_at") or info.get("resolved_at"))
            if begin is not None and end is not None and end >= begin:
                spans.append((end - begin).total_seconds())
        why = None
        if len(started) >= noise.min_incidents and len(quiet) / len(started) >= noise.share:
            why = f"{len(quiet)} of {len(started)} incidents cancelled or SEV4"
        found.append(
            Row(
                name,
                item.alert.severity,
                item.runbooks,
                tuple(sorted(str(i.get("id")) for i in started)),
                len(quiet),
                statistics.median(spans) if spans else None,
                why,
            )
        )
    return found


HEADER = [
    "alert",
    "severity",
    "runbook",
    "incidents",
    "cancelled/SEV4",
    "median to mitigate",
    "noise",
]


def _cells(row: Row) -> list[str]:
    return [
        row.alert,
        row.severity or "—",
        ", ".join(row.runbooks) or "NONE",
        str(len(row.incidents)),
        str(row.quiet),
        minutes(row.mitigate_seconds) if row.mitigate_seconds is not None else "—",
        f"candidate: {row.noise}" if row.noise else "",
    ]


def text(found: list[Row], since: datetime, until: datetime) -> str:
    if not found:
        return "No alerting rules found (incidentops.yaml: alerts.rules).\n"
    table = [HEADER, *(_cells(r) for r in found)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    lines = [f"Alerts, incidents from {since:%Y-%m-%d} to {until:%Y-%m-%d}", ""]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
    return "\n".join(lines) + "\n"


def markdown(found: list[Row], since: datetime, until: datetime) -> str:
    if not found:
        return "No alerting rules found (`incidentops.yaml`: `alerts.rules`).\n"
    lines = [f"## Alerts, incidents from {since:%Y-%m-%d} to {until:%Y-%m-%d}", ""]
    lines.append("| " + " | ".join(HEADER) + " |")
    lines.append("|" + "---|" * len(HEADER))
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |" for r in found]
    return "\n".join(lines) + "\n"


def json_text(found: list[Row], since: datetime, until: datetime) -> str:
    document = {
        "version": VERSION,
        "since": since.isoformat(),
        "until": until.isoformat(),
        "alerts": [
            {
                "alert": r.alert,
                "severity": r.severity,
                "runbooks": list(r.runbooks),
                "incidents": list(r.incidents),
                "cancelled_or_sev4": r.quiet,
                "median_mitigate_seconds": r.mitigate_seconds,
                "noise_candidate": r.noise,
            }
            for r in found
        ],
    }
    return json.dumps(document, indent=2) + "\n"


FORMATS = {"text": text, "markdown": markdown, "json": json_text}
