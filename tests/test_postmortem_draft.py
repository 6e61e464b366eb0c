"""Postmortem drafts: schema-valid, pre-filled from the incident, unwritten prose reported."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from incidentops.base.config import Config
from incidentops.incident.postmortem_draft import draft, draft_context, postmortem_due
from incidentops.loader import load_yaml
from incidentops.loader.markdown import MarkdownDoc, plain_text, walk
from incidentops.validate import index as validate
from incidentops.validate.filecheck import check_file

REPO = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 23)
ZWSP = "\u200b"
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/postmortem.schema.json"
UNWRITTEN = {
    "Summary",
    "Root cause",
    "Contributing factors",
    "What went well",
    "What could be improved",
    "Action items",
    "Lessons learned",
}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def _people(root: Path = REPO) -> dict[str, dict[str, Any]]:
    return {p["handle"]: p for p in _load(root / "oncall/people.yaml")["people"]}


def _incident(ident: str) -> dict[str, Any]:
    (path,) = (REPO / "incidents").glob(f"*/{ident}.yaml")
    return _load(path)


FINISHED = [
    p.stem
    for p in sorted((REPO / "incidents").glob("*/*.yaml"))
    if _load(p)["status"] in ("resolved", "closed")
]


def _front_matter(text: str) -> dict[str, Any]:
    """As incidentops reads it (dates stay text)."""
    _, front, _ = text.split("---\n", 2)
    data: dict[str, Any] = load_yaml(front).value
    return data


def _install(root: Path, ident: str, text: str) -> str:
    """Write the draft where it belongs and point the incident at it."""
    year = ident.split("-")[1]
    relative = f"postmortems/{year}/{ident}.md"
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(text)
    incident = root / f"incidents/{year}/{ident}.yaml"
    source = incident.read_text()
    if re.search(r"^postmortem:", source, re.MULTILINE):
        source = re.sub(r"^postmortem: .*$", f"postmortem: {relative}", source, flags=re.M)
    else:
        source += f"postmortem: {relative}\n"
    incident.write_text(source)
    return relative


def test_samples_include_finished_incidents_of_every_kind() -> None:
    assert {"INC-2026-0001", "INC-2026-0002", "INC-2026-0003", "INC-2026-0006"} <= set(FINISHED)


@pytest.mark.parametrize("ident", FINISHED)
def test_draft_passes_the_schema_and_lint_says_only_not_yet_written(
    sample: Path, ident: str
) -> None:
    config, _ = validate.load_config(sample)
    incident = _load(next(sample.glob(f"incidents/*/{ident}.yaml")))
    text = draft(incident, config, _people(sample), TODAY)
    assert text.startswith(f"---\n{SCHEMA_LINE}\n")
    relative = _install(sample, ident, text)

    in_process = check_file(sample, relative, "postmortem", config)
    assert not [f for f in in_process.findings if f.rule in ("schema", "yaml-syntax")]

    findings = [
        f for f in validate.run(sample, use_cache=False, today=TODAY).findings if f.path == relative
    ]
    unwritten = {
        m.group(1)
        for f in findings
        if f.rule == "postmortem-sections"
        and (m := re.fullmatch(r"section '(.+)' is not yet written", f.message))
    }
    assert unwritten == UNWRITTEN
    severity = config.severity(incident["severity"])
    assert severity is not None
    others = [
        f
        for f in findings
        if f.rule != "postmortem-sections" and not (f.rule == "five-whys" and severity.five_whys)
    ]
    assert others == []
    assert len([f for f in findings if f.rule == "postmortem-sections"]) == len(UNWRITTEN)


def test_front_matter_is_filled_from_the_incident() -> None:
    text = draft(_incident("INC-2026-0003"), Config(), _people(), TODAY)
    front = _front_matter(text)
    assert front == {
        "incident": "INC-2026-0003",
        "title": "Checkout unavailable - database connection pool exhausted",
        "status": "draft",
        "authors": ["marcus", "sofia", "tom", "diego"],
        "due": "2026-06-14",  # resolved 2026-06-12, SEV1: 2 days
        "action_items": [],
    }


def test_due_date_by_severity_from_resolution_or_today() -> None:
    config = Config()
    assert postmortem_due(_incident("INC-2026-0001"), config, TODAY) == date(2026, 2, 22)
    assert postmortem_due(_incident("INC-2026-0006"), config, TODAY) == date(2026, 11, 30)
    assert postmortem_due(_incident("INC-2026-0007"), config, TODAY) == date(2026, 11, 28)
    assert postmortem_due(_incident("INC-2026-0002"), config, TODAY) is None  # SEV4: none
    sev4 = _front_matter(draft(_incident("INC-2026-0002"), config, _people(), TODAY))
    assert sev4["due"] == "2026-04-18"  # resolved 04-08 + the most lenient configured 10 days


def test_impact_timeline_durations_and_roles_are_prefilled() -> None:
    text = draft(_incident("INC-2026-0001"), Config(), _people(), TODAY)
    doc = MarkdownDoc.parse(text.split("---\n", 2)[2])
    sections = {s.title: s for s in doc.sections()}
    impact = " ".join(plain_text(t) for t in sections["Impact"].tokens)
    for part in ("39 min", "3,800", "$42,000", "Customer-facing: yes", "1,284 authorisations"):
        assert part in impact
    durations = " ".join(plain_text(t) for t in sections["Durations"].tokens)
    assert "7 min" in durations and "2 h 3 min" in durations
    roles = " ".join(plain_text(t) for t in sections["Roles"].tokens)
    assert "Incident commander: Grace" in roles and "(grace)" in roles
    rows = [n for t in sections["Timeline"].tokens for n in walk(t) if n["type"] == "table_row"]
    assert len(rows) == len(_incident("INC-2026-0001")["timeline"])
    headings = [s.title for s in doc.sections() if s.level == 3]
    assert headings == [
        "People",
        "Process",
        "Technology",
        "Environment",
        "Measurement",
        "Materials",
    ]


def test_timeline_text_is_escaped_and_neutralised() -> None:
    incident = _incident("INC-2026-0006")
    incident["timeline"].append(
        {
            "at": "2026-11-20T17:20:00Z",
            "kind": "note",
            "actor": "diego",
            "text": "Asked @alice | rolled back\nsee #123",
            "result": "ok | done @bob",
        }
    )
    text = draft(incident, Config(), _people(), TODAY)
    assert f"Asked @{ZWSP}alice \\| rolled back see #{ZWSP}123" in text
    assert f"ok \\| done @{ZWSP}bob" in text
    doc = MarkdownDoc.parse(text.split("---\n", 2)[2])
    (timeline,) = [s for s in doc.sections() if s.title == "Timeline"]
    (table,) = [t for t in timeline.tokens if t["type"] == "table"]
    last = table["children"][1]["children"][-1]
    cells = [plain_text(c) for c in last["children"]]
    assert len(cells) == 4
    assert cells[2] == f"note: Asked @{ZWSP}alice | rolled back see #{ZWSP}123"


def test_people_text_cannot_break_the_front_matter_or_render_as_template() -> None:
    incident = _incident("INC-2026-0006")
    incident["title"] = 'Outage: "db" {{ 7*7 }} #1\n---\nstatus: final'
    text = draft(incident, Config(), _people(), TODAY)
    front = _front_matter(text)
    assert front["title"] == 'Outage: "db" {{ 7*7 }} #1\n---\nstatus: final'
    assert front["status"] == "draft"
    assert "49" not in text


def test_authors_are_role_holders_then_the_declarer_each_once() -> None:
    incident = _incident("INC-2026-0006")
    incident["roles"] = {"commander": "diego", "technical": "diego", "scribe": "Not A Handle"}
    incident["declared_by"] = "marcus"
    assert draft_context(incident, Config(), {}, TODAY)["authors"] == ["diego", "marcus"]


def test_a_repository_template_overrides_the_draft(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "postmortem.md.j2").write_text("{{ incident }} by {{ authors }}\n")
    text = draft(_incident("INC-2026-0006"), Config(), {}, TODAY, tmp_path)
    assert text == "INC-2026-0006 by ['diego', 'marcus']\n"


def test_a_minimal_incident_still_drafts() -> None:
    incident = {
        "id": "INC-2026-0100",
        "title": "Minimal",
        "severity": "SEV3",
        "status": "investigating",
        "services": ["search"],
        "declared_at": "2026-11-23T09:00:00Z",
        "declared_by": "tom",
    }
    text = draft(incident, Config(), {}, TODAY)
    front = _front_matter(text)
    assert front["authors"] == ["tom"]
    assert front["due"] == "2026-12-03"  # unresolved: today + 10 days (SEV3)
    assert "not yet mitigated or resolved" in text
    assert "None recorded on the incident." in text
