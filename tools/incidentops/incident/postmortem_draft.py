"""A postmortem draft pre-filled from its incident.

What the incident records is written out (front matter, impact, timeline, durations, roles,
links); what only people can write (summary, root cause, contributing factors, what went well
or could be improved, action items, lessons learned) is a ``TODO:`` paragraph, so the
``postmortem-sections`` rule reports it as "not yet written" until someone does. Scaffolds (the
five whys, the action-items table) sit in HTML comments for the same reason. The front matter
passes the postmortem schema as generated.

Rendered from ``postmortem.md.j2``; a repository's ``templates/postmortem.md.j2`` overrides it.
Context keys: ``incident``, ``title``, ``severity``, ``status``, ``authors``, ``due``
(YYYY-MM-DD), ``action_items`` (front-matter items, normally empty), ``summary``, ``impact``
(``users_affected``, ``revenue_usd``, ``customer_facing``, ``description``), ``impact_window``
(``start``, ``end``, ``seconds``, ``end_label``), ``timeline`` (``at``, ``kind``, ``actor``,
``text``, ``result``, sorted by time), ``durations`` (``label``, ``start``, ``end``,
``seconds``), ``roles`` (``title``, ``handle``, ``name``), ``declared_by``, ``links``
(``issue``, ``channel``, ``dashboards``, ``other`` [{title, url}], ``runbooks``),
``fishbone`` (``heading``, ``prompt``).
"""

from __future__ import annotations

from datetime import UTC, date, timedelta
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.base.timeutil import parse_time
from incidentops.incident.render import render

TEMPLATE = "postmortem"
FALLBACK_DUE_DAYS = 10
_HANDLE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")
_ROLE_TITLES = {
    "commander": "Incident commander",
    "communications": "Communications lead",
    "technical": "Technical lead",
    "scribe": "Scribe",
}
FISHBONE = (
    ("People", "skills, training, staffing, handoffs, fatigue (never a person to blame)"),
    ("Process", "procedures, reviews, change management, runbooks"),
    ("Technology", "code, configuration, infrastructure, dependencies"),
    ("Environment", "traffic, time of day, third parties, external events"),
    ("Measurement", "monitoring, alerting, dashboards, data that was missing or misleading"),
    ("Materials", "inputs and data: messages, files, schemas, vendor deliveries"),
)
_DURATIONS = (
    ("Time to detect", "started_at", "detected_at"),
    ("Time to acknowledge", "detected_at", "acknowledged_at"),
    ("Time to mitigate", "started_at", "mitigated_at"),
    ("Time to resolve", "started_at", "resolved_at"),
)


def postmortem_due(incident: dict[str, Any], config: Config, today: date) -> date | None:
    """The resolution date (``today`` while unresolved) plus the severity's due days, or None
    when the severity sets none."""
    severity = config.severity(str(incident.get("severity", "")))
    if severity is None or severity.postmortem_due_days is None:
        return None
    return _base_date(incident, today) + timedelta(days=severity.postmortem_due_days)


def draft(
    incident: dict[str, Any],
    config: Config,
    people: dict[str, dict[str, Any]],
    today: date,
    repo_root: Path | None = None,
    error_budget: list[str] | None = None,
) -> str:
    """The postmortem of ``incident`` as Markdown with YAML front matter; ``error_budget``:
    what it cost each service's SLO, one line per service (``followup.budgets``)."""
    context = draft_context(incident, config, people, today)
    context["error_budget"] = list(error_budget or ())
    return render(TEMPLATE, context, repo_root)


def _event(event: dict[str, Any]) -> dict[str, Any]:
    """A timeline row; a runbook step's command and output (kept in the incident file) are
    cut to their first line, which says what was run and how it went."""
    row = {key: event.get(key) for key in ("at", "kind", "actor", "text", "result")}
    if isinstance(event.get("runbook"), dict):
        for key in ("text", "result"):
            value = row[key]
            if isinstance(value, str):
                row[key] = value.strip().split("\n", 1)[0]
    return row


def draft_context(
    incident: dict[str, Any], config: Config, people: dict[str, dict[str, Any]], today: date
) -> dict[str, Any]:
    due = postmortem_due(incident, config, today)
    if due is None:  # a severity without a due date: the most lenient one configured
        days = [s.postmortem_due_days for s in config.severities if s.postmortem_due_days]
        due = _base_date(incident, today) + timedelta(days=max(days, default=FALLBACK_DUE_DAYS))
    roles = _dict(incident.get("roles"))
    impact = _dict(incident.get("impact"))
    links = _dict(incident.get("links"))
    start = incident.get("started_at") or incident.get("declared_at")
    end_key = "mitigated_at" if incident.get("mitigated_at") else "resolved_at"
    return {
        "incident": incident.get("id"),
        "title": incident.get("title"),
        "severity": incident.get("severity"),
        "status": "draft",
        "authors": _authors(incident, roles),
        "due": due.isoformat(),
        "action_items": [],
        "summary": incident.get("summary"),
        "impact": {
            key: impact.get(key)
            for key in ("users_affected", "revenue_usd", "customer_facing", "description")
        },
        "impact_window": {
            "start": start,
            "end": incident.get(end_key),
            "end_label": "mitigated" if end_key == "mitigated_at" else "resolved",
            "seconds": _seconds(start, incident.get(end_key)),
        },
        "timeline": [
            _event(event)
            for event in sorted(_dicts(incident.get("timeline")), key=lambda e: str(e.get("at")))
        ],
        "durations": [
            {
                "label": label,
                "start": incident.get(begin),
                "end": incident.get(finish),
                "seconds": _seconds(incident.get(begin), incident.get(finish)),
            }
            for label, begin, finish in _DURATIONS
        ],
        "roles": [
            {"title": _role_title(config, role), "handle": handle, "name": _name(people, handle)}
            for role, handle in roles.items()
        ],
        "declared_by": incident.get("declared_by"),
        "links": {
            "issue": links.get("issue"),
            "channel": links.get("channel"),
            "dashboards": [str(url) for url in links.get("dashboards") or ()],
            "other": _dicts(links.get("other")),
            "runbooks": [str(path) for path in incident.get("runbooks") or ()],
        },
        "fishbone": [{"heading": heading, "prompt": prompt} for heading, prompt in FISHBONE],
    }


def _authors(incident: dict[str, Any], roles: dict[str, Any]) -> list[str]:
    """Role holders in role order, then whoever declared; only valid handles, each once."""
    found: list[str] = []
    for handle in (*roles.values(), incident.get("declared_by")):
        if _is_handle(handle) and handle not in found:
            found.append(handle)
    return found


def _is_handle(value: Any) -> bool:
    return (
        isinstance(value, str)
        and value[:1].isascii()
        and value[:1].isalpha()
        and value[:1].islower()
        and set(value) <= _HANDLE_CHARS
    )


def _name(people: dict[str, dict[str, Any]], handle: Any) -> str | None:
    person = people.get(str(handle))
    name = person.get("name") if isinstance(person, dict) else None
    return name if isinstance(name, str) and name else None


def _role_title(config: Config, role: str) -> str:
    configured = config.raw.get("roles")
    if isinstance(configured, dict) and isinstance(configured.get(role), dict):
        title = configured[role].get("title")
        if isinstance(title, str) and title:
            return title
    return _ROLE_TITLES.get(role, role.replace("_", " ").replace("-", " ").capitalize())


def _base_date(incident: dict[str, Any], today: date) -> date:
    resolved = parse_time(incident.get("resolved_at"))
    return resolved.astimezone(UTC).date() if resolved else today


def _seconds(begin: Any, end: Any) -> float | None:
    first, last = parse_time(begin), parse_time(end)
    return (last - first).total_seconds() if first and last else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
