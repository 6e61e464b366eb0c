"""Per-file summaries for the repository checks: what a file defines and what it names.

Extraction runs on files that may have failed their schema, so it tolerates wrong types.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from incidentops.incident.durations import identified_at
from incidentops.loader.markdown import MarkdownDoc, anchors, plain_text, walk
from incidentops.validate.blame_phrases import might_blame
from incidentops.validate.context import FileContext, FileFacts


def extract(ctx: FileContext, facts: FileFacts | None = None) -> FileFacts:
    facts = facts or FileFacts(ctx.path, ctx.kind)
    extractor = _EXTRACTORS.get(ctx.kind)
    if extractor is not None:
        extractor(ctx, facts)
    if ctx.body is not None:
        _markdown_facts(ctx, ctx.body, facts)
    return facts


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _people(ctx: FileContext, facts: FileFacts) -> None:
    for i, person in enumerate(_list(ctx.data.get("people"))):
        person = _dict(person)
        if isinstance(person.get("handle"), str):
            facts.define("person", person["handle"], ctx.at("people", i, "handle"))
            names = str(person.get("name", "")).split()
            facts.info.setdefault("names", {})[person["handle"]] = [
                *names,
                str(person.get("github", "")),
            ]
        if isinstance(person.get("github"), str):
            facts.define("github", person["github"], ctx.at("people", i, "github"))


def _services(ctx: FileContext, facts: FileFacts) -> None:
    for i, service in enumerate(_list(ctx.data.get("services"))):
        service = _dict(service)
        if isinstance(service.get("name"), str):
            facts.define("service", service["name"], ctx.at("services", i, "name"))
        facts.ref("schedule", service.get("schedule"), ("services", i, "schedule"))
        facts.ref("escalation", service.get("escalation"), ("services", i, "escalation"))
        for j, runbook in enumerate(_list(service.get("runbooks"))):
            facts.ref("runbook", runbook, ("services", i, "runbooks", j))
        for j, alert in enumerate(_list(service.get("alerts"))):
            facts.define("alert", alert, ctx.at("services", i, "alerts", j))
    # the services with an SLO, whole (small): the slo-timestamps check charges incidents
    facts.info["slo_services"] = [
        s for s in _list(ctx.data.get("services")) if isinstance(s, dict) and "slo" in s
    ]


def _schedule(ctx: FileContext, facts: FileFacts) -> None:
    facts.define("schedule", ctx.data.get("id"), ctx.at("id"))
    facts.info["data"] = ctx.data  # small; the coverage check evaluates it against today
    facts.info["layers_line"] = ctx.at("layers")[0]
    for i, layer in enumerate(_list(ctx.data.get("layers"))):
        layer = _dict(layer)
        for j, member in enumerate(_list(layer.get("members"))):
            facts.ref("person", member, ("layers", i, "members", j))
        for v, version in enumerate(_list(layer.get("versions"))):
            for j, member in enumerate(_list(_dict(version).get("members"))):
                facts.ref("person", member, ("layers", i, "versions", v, "members", j))
    for i, override in enumerate(_list(ctx.data.get("overrides"))):
        for key in ("replace", "with", "add", "remove"):
            facts.ref("person", _dict(override).get(key), ("overrides", i, key))


def _escalation(ctx: FileContext, facts: FileFacts) -> None:
    facts.define("escalation", ctx.data.get("id"), ctx.at("id"))
    for i, step in enumerate(_list(ctx.data.get("steps"))):
        for j, target in enumerate(_list(_dict(step).get("notify"))):
            if isinstance(target, str) and ":" in target:
                kind, _, name = target.partition(":")
                kind = "person" if kind == "person" else kind
                facts.ref(kind, name, ("steps", i, "notify", j))


_INCIDENT_INFO = (
    "id",
    "severity",
    "status",
    "declared_at",
    "resolved_at",
    "closed_at",
    "postmortem",
    # for metrics, which work from these cached summaries instead of re-reading every file
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "cancelled_at",
    "title",
)


def _incident(ctx: FileContext, facts: FileFacts) -> None:
    data = ctx.data
    if isinstance(data.get("id"), str):
        facts.define("incident", data["id"], ctx.at("id"))
    facts.info.update({key: data.get(key) for key in _INCIDENT_INFO})
    facts.info["services"] = [s for s in _list(data.get("services")) if isinstance(s, str)]
    facts.info["identified_at"] = identified_at(data.get("timeline"))  # for time in status
    # for reminders and rollups, which must not re-read every incident
    links = _dict(data.get("links"))
    facts.info["issue"] = links.get("issue") if isinstance(links.get("issue"), int) else None
    facts.info["commander"] = _dict(data.get("roles")).get("commander")
    # for the alert report: the alerts that started it, and what its alert events say
    facts.info["alerts"] = [a for a in _list(data.get("alerts")) if isinstance(a, str)]
    facts.info["alert_events"] = [
        str(e.get("text"))
        for e in _list(data.get("timeline"))
        if isinstance(e, dict) and e.get("kind") == "alert"
    ]
    facts.info["last_update_at"] = _latest(_list(data.get("updates")))
    facts.info["last_activity_at"] = _latest(
        [*_list(data.get("updates")), *_list(data.get("timeline"))]
    )
    for i, service in enumerate(_list(data.get("services"))):
        facts.ref("service", service, ("services", i))
    facts.ref("person", data.get("declared_by"), ("declared_by",))
    facts.ref("person", data.get("acknowledged_by"), ("acknowledged_by",))
    for role, handle in _dict(data.get("roles")).items():
        facts.ref("person", handle, ("roles", role))
    for i, path in enumerate(_list(data.get("runbooks"))):
        facts.ref("runbook", path, ("runbooks", i))
    for i, event in enumerate(_list(data.get("timeline"))):
        facts.ref("person", _dict(event).get("actor"), ("timeline", i, "actor"))
    for i, update in enumerate(_list(data.get("updates"))):
        facts.ref("person", _dict(update).get("author"), ("updates", i, "author"))
    facts.ref("postmortem", data.get("postmortem"), ("postmortem",))


def _latest(entries: list[Any]) -> str | None:
    """The latest ``at`` of timestamped entries, as written (None when there is none)."""
    from incidentops.base.timeutil import parse_time

    best: tuple[Any, str] | None = None
    for entry in entries:
        at = _dict(entry).get("at")
        moment = parse_time(at)
        if moment is not None and (best is None or moment > best[0]):
            best = (moment, str(at))
    return best[1] if best else None


def _postmortem(ctx: FileContext, facts: FileFacts) -> None:
    data = ctx.data
    facts.define("postmortem", ctx.path, (1, 1))
    facts.info["whys"] = _count_whys(ctx)
    facts.info["factors"] = _factors(ctx)
    facts.ref("incident", data.get("incident"), ("incident",))
    facts.info.update(
        {"incident": data.get("incident"), "status": data.get("status"), "due": data.get("due")}
    )
    for i, author in enumerate(_list(data.get("authors"))):
        facts.ref("person", author, ("authors", i))
    for i, item in enumerate(_list(data.get("action_items"))):
        facts.ref("person", _dict(item).get("owner"), ("action_items", i, "owner"))
    facts.info["action_items"] = [
        {
            **{
                k: v
                for k, v in item.items()
                if k in ("id", "title", "owner", "due", "priority", "status", "issue", "track")
            },
            "line": ctx.at("action_items", i)[0],
            "index": i,  # its place in the list, for edits that address it
        }
        for i, item in enumerate(_list(data.get("action_items")))
        if isinstance(item, dict)
    ]


_BOLD_LEAD = re.compile(r"^\*\*([^*\n]{1,60})\*\*")


def _factors(ctx: FileContext) -> list[str]:
    """The categories of the Contributing factors section: each list item's bold lead
    (``- **Process**: ...``) and each sub-heading with something under it."""
    found: list[str] = []
    inside = 0
    for section in ctx.sections:
        title = section.title.strip()
        if title.lower().startswith("contributing factors"):
            inside = section.level
            for token in section.tokens:
                for node in walk(token):
                    if node["type"] == "list_item":
                        lead = _BOLD_LEAD.match(plain_text(node))
                        strong = next((n for n in walk(node) if n["type"] == "strong"), None)
                        if lead:
                            found.append(lead.group(1).strip(" :"))
                        elif strong is not None and plain_text(node).startswith(plain_text(strong)):
                            found.append(plain_text(strong).strip(" :"))
            continue
        if inside and section.level > inside:
            if not section.is_empty() and "TODO" not in " ".join(
                plain_text(t) for t in section.tokens
            ):
                found.append(title)
        elif inside:
            inside = 0
    return list(dict.fromkeys(f for f in found if f))


def _count_whys(ctx: FileContext) -> int:
    """List items in the Root cause section that ask or answer a "why"."""
    count = 0
    for section in ctx.sections:
        if not section.title.lower().startswith("root cause"):
            continue
        for token in section.tokens:
            for node in walk(token):
                if node["type"] == "list_item" and "why" in plain_text(node)[:40].lower():
                    count += 1
        break
    return count


def _runbook(ctx: FileContext, facts: FileFacts) -> None:
    data = ctx.data
    facts.define("runbook", ctx.path, (1, 1))
    for i, service in enumerate(_list(data.get("services"))):
        facts.ref("service", service, ("services", i))
    for i, alert in enumerate(_list(data.get("alerts"))):
        facts.ref("alert", alert, ("alerts", i))
    facts.ref("person", data.get("owner"), ("owner",))
    facts.info.update(
        {
            "last_reviewed": data.get("last_reviewed"),
            "review_every_days": data.get("review_every_days"),
            "reviewed_line": ctx.at("last_reviewed")[0],
        }
    )


_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _markdown_facts(ctx: FileContext, body: MarkdownDoc, facts: FileFacts) -> None:
    """Anchors this file offers, relative links it makes, prose sentences for blame checks."""
    facts.info["anchors"] = anchors(ctx.sections)
    links: list[list[Any]] = []
    prose: list[list[Any]] = []
    for token, line in body.flat:
        if token["type"] == "link":
            url = str(token.get("attrs", {}).get("url", ""))
            if url and not _EXTERNAL.match(url) and not url.startswith("//"):
                target, _, anchor = url.partition("#")
                resolved = _resolve(ctx.path, target) if target else ctx.path
                where = body.find_line(f"]({url}", line)
                links.append([resolved, anchor, where, url])
        if ctx.kind == "postmortem" and token["type"] in ("paragraph", "block_text"):
            # only paragraphs with a blame phrase are kept; the blameless check, which knows
            # the people, decides whether its subject is one of them
            text = plain_text(token)
            if might_blame(text, ctx.config.blame_phrases):
                prose.append([body.find_line(text[:30], line), text])
    facts.info["links"] = links
    if ctx.kind == "postmortem":  # only the blameless check reads prose
        facts.info["prose"] = prose


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(str(PurePosixPath(source).parent / target))


_EXTRACTORS: dict[str, Callable[[FileContext, FileFacts], None]] = {
    "people": _people,
    "services": _services,
    "schedule": _schedule,
    "escalation": _escalation,
    "incident": _incident,
    "postmortem": _postmortem,
    "runbook": _runbook,
}
