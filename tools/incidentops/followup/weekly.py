"""The weekly report: what happened in the seven days up to ``end`` — incidents opened and
resolved, response times of the incidents resolved, action items done and overdue, and
repeat offenders: services with more than one incident in the last 30 days, and contributing
factor categories named by more than one postmortem of the last 90 days.

Read from the per-file facts ``validate`` caches; only the few recent postmortems are parsed
in full (for their Contributing factors section)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.base.timeutil import minutes, parse_time
from incidentops.metrics.compute import compute
from incidentops.metrics.model import Stat

SERVICE_WINDOW = timedelta(days=30)
FACTOR_WINDOW = timedelta(days=90)


@dataclass
class Week:
    start: datetime
    end: datetime
    opened: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)
    mttd: Stat | None = None
    mtta: Stat | None = None
    mttr: Stat | None = None
    items_total: int = 0
    items_done: int = 0
    items_overdue: int = 0
    items_due_next_week: int = 0
    services: list[tuple[str, int]] = field(default_factory=list)
    factors: list[tuple[str, int]] = field(default_factory=list)
    budgets: list[dict[str, Any]] = field(default_factory=list)  # slo.formats.as_dict's

    def to_dict(self) -> dict[str, Any]:
        def brief(i: dict[str, Any]) -> dict[str, Any]:
            return {k: i.get(k) for k in ("id", "severity", "status", "title", "services")}

        return {
            "version": 1,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "opened": [brief(i) for i in self.opened],
            "resolved": [brief(i) for i in self.resolved],
            "mttd": self.mttd.to_dict() if self.mttd else None,
            "mtta": self.mtta.to_dict() if self.mtta else None,
            "mttr": self.mttr.to_dict() if self.mttr else None,
            "action_items": {
                "total": self.items_total,
                "done": self.items_done,
                "overdue": self.items_overdue,
                "due_next_week": self.items_due_next_week,
            },
            "repeat_services": dict(self.services),
            "repeat_factors": dict(self.factors),
            "error_budgets": self.budgets,
        }


def _in(value: Any, start: datetime, end: datetime) -> bool:
    moment = parse_time(value)
    return moment is not None and start <= moment < end


def summarise(
    incidents: list[dict[str, Any]],
    postmortems: list[tuple[str, dict[str, Any]]],
    factors: dict[str, list[str]],
    end: datetime,
) -> Week:
    """Pure: incident facts, (path, postmortem facts), path -> factor categories."""
    from incidentops.followup.actions import items

    start = end - timedelta(days=7)
    week = Week(start, end)
    week.opened = sorted(
        (i for i in incidents if _in(i.get("declared_at") or i.get("started_at"), start, end)),
        key=lambda i: str(i.get("id")),
    )
    week.resolved = sorted(
        (i for i in incidents if _in(i.get("resolved_at"), start, end)),
        key=lambda i: str(i.get("id")),
    )
    overall = compute(week.resolved, [], end.date()).overall
    week.mttd, week.mtta, week.mttr = overall.mttd, overall.mtta, overall.mttr
    found = items(postmortems)
    today = end.date()
    week.items_total = len(found)
    week.items_done = sum(1 for i in found if i.status == "done")
    week.items_overdue = sum(1 for i in found if i.overdue(today))
    week.items_due_next_week = sum(1 for i in found if i.due_within(today, 7))
    recent = [
        i
        for i in incidents
        if _in(i.get("declared_at") or i.get("started_at"), end - SERVICE_WINDOW, end)
    ]
    counts = Counter(s for i in recent for s in i.get("services") or ())
    week.services = sorted(
        ((s, n) for s, n in counts.items() if n > 1), key=lambda x: (-x[1], x[0])
    )
    tally = Counter(f for names in factors.values() for f in dict.fromkeys(names))
    week.factors = sorted(((f, n) for f, n in tally.items() if n > 1), key=lambda x: (-x[1], x[0]))
    return week


def build(root: Path, config: Config, end: datetime) -> Week:
    from incidentops.loader import read_text
    from incidentops.validate.filecheck import check_text
    from incidentops.validate.index import facts_of

    index = facts_of(root, "incident", "postmortem")
    incidents = list(index["incident"].values())
    postmortems = list(index["postmortem"].items())
    recent = {
        str(i.get("id"))
        for i in incidents
        if _in(i.get("declared_at") or i.get("started_at"), end - FACTOR_WINDOW, end)
    }
    factors: dict[str, list[str]] = {}
    for path, info in postmortems:
        if str(info.get("incident")) not in recent:
            continue
        if "factors" not in info:  # a summary made without the body: read it in full
            text, _ = read_text(root.resolve(), path, config.max_file_bytes)
            full = check_text(path, "postmortem", text, config)
            info = full.facts.info if full.facts else {}
        factors[path] = list(info.get("factors") or ())
    week = summarise(incidents, postmortems, factors, end)
    week.budgets = _budgets(root, config, incidents, end)
    return week


def _budgets(
    root: Path, config: Config, incidents: list[dict[str, Any]], end: datetime
) -> list[dict[str, Any]]:
    """Each SLO's budget at the end of the week (what ``incidentops slo`` says then); an SLO
    that cannot be computed is left out (``validate`` reports it)."""
    from incidentops.oncall.repo import from_directory
    from incidentops.slo.budget import budgets
    from incidentops.slo.formats import as_dict
    from incidentops.slo.model import SLOError, slo_of

    slos = []
    for service in from_directory(root, config).services.values():
        try:
            found = slo_of(service)
        except SLOError:
            continue
        if found is not None:
            slos.append(found)
    services: list[dict[str, Any]] = as_dict(budgets(slos, incidents, end), end)["services"]
    return services


def _stat(name: str, value: Stat | None) -> str:
    if value is None or not value.n:
        return f"{name} —"
    return (
        f"{name} median {minutes(value.median or 0)}, p90 {minutes(value.p90 or 0)} (n={value.n})"
    )


def to_markdown(week: Week, inert: bool = False) -> str:
    """``inert``: people's text (titles, service and factor names) made unable to mention,
    reference or plant markers, for posting on GitHub."""
    from incidentops.base.inert import neutral_line
    from incidentops.slo.formats import percent

    def say(text: Any) -> str:
        return neutral_line(str(text)) if inert else str(text).replace("|", "\\|")

    def row(i: dict[str, Any]) -> str:
        title = say(i.get("title") or "")
        services = ", ".join(say(x) for x in i.get("services") or ())
        return f"| {i.get('id')} | {i.get('severity')} | {i.get('status')} | {services} | {title} |"

    out = [
        f"## Incidents, week to {week.end:%Y-%m-%d %H:%M} UTC",
        "",
        f"**{len(week.opened)} opened, {len(week.resolved)} resolved.** "
        + " · ".join(
            _stat(n, s) for n, s in (("MTTD", week.mttd), ("MTTA", week.mtta), ("MTTR", week.mttr))
        )
        + " (incidents resolved this week)",
        "",
    ]
    for heading, rows in (("Opened", week.opened), ("Resolved", week.resolved)):
        if rows:
            out += [f"### {heading}", "", "| ID | severity | status | services | title |"]
            out += ["|---|---|---|---|---|", *(row(i) for i in rows), ""]
    out += [
        "### Action items",
        "",
        f"{week.items_done} of {week.items_total} done; **{week.items_overdue} overdue**; "
        f"{week.items_due_next_week} due in the next 7 days.",
        "",
        "### Repeat offenders",
        "",
    ]
    if week.services:
        out.append(
            "Services with more than one incident in 30 days: "
            + ", ".join(f"{say(s)} ({n})" for s, n in week.services)
            + "."
        )
    if week.factors:
        out.append(
            "Contributing factors named by more than one postmortem in 90 days: "
            + ", ".join(f"{say(f)} ({n})" for f, n in week.factors)
            + "."
        )
    if not week.services and not week.factors:
        out.append("None.")
    if week.budgets:
        out += ["", "### Error budgets", "", "| service | SLO | spent | left | spent by |"]
        out.append("|---|---|---|---|---|")
        for b in week.budgets:
            spent = f"{b['spent_minutes']:.1f} of {b['budget_minutes']:.1f} min"
            spent += f" ({b['spent_fraction']:.0%})" + (" **spent**" if b["exhausted"] else "")
            kind = b["window"]["description"]
            target = percent(b["target"])
            by = ", ".join(f"{i['id']} {i['minutes']:.1f} min" for i in b["incidents"]) or "—"
            out.append(
                f"| {say(b['service'])} | {target} {kind} | {spent} "
                f"| {b['remaining_minutes']:.1f} min | {by} |"
            )
    return "\n".join(out) + "\n"


def to_text(week: Week) -> str:
    return to_markdown(week).replace("**", "")
