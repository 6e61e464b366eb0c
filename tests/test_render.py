"""Templates in the sandbox: people's text stays data, overrides win, hostile templates fail."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from incidentops.base.config import Config
from incidentops.incident.render import (
    AUDIENCES,
    TemplateError,
    TemplateSecurityError,
    cell,
    code,
    duration,
    link,
    md,
    number,
    render,
    time,
    yaml_scalar,
)
from incidentops.incident.updates import update_context
from incidentops.loader import load_yaml
from incidentops.loader.markdown import MarkdownDoc, plain_text, walk

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)
ZWSP = "\u200b"
INCIDENTS = sorted((REPO / "incidents").glob("*/*.yaml"))


def _incident(name: str = "INC-2026-0001") -> dict[str, Any]:
    (path,) = (REPO / "incidents").glob(f"*/{name}.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    return data


def _people() -> list[dict[str, Any]]:
    people: list[dict[str, Any]] = yaml.safe_load((REPO / "oncall/people.yaml").read_text())[
        "people"
    ]
    return people


def _update(audience: str, message: str = "Payments are slow.", **changes: Any) -> str:
    incident = _incident(changes.pop("incident", "INC-2026-0001"))
    context = update_context(incident, Config(), audience, message, NOW, NOW + timedelta(0, 1800))
    context.update(changes)
    return render(f"update-{audience}", context)


# --- filters -------------------------------------------------------------------------------


def test_md_neutralises_mentions_and_references_but_not_emails() -> None:
    text = md("ping @alice and @org/team about #123, mail bob@example.com, see issue#7")
    assert f"@{ZWSP}alice" in text
    assert f"@{ZWSP}org/team" in text
    assert f"#{ZWSP}123" in text
    assert f"issue#{ZWSP}7" in text
    assert "bob@example.com" in text
    assert not re.search(r"(?<![\w@])@[a-z]", text)
    assert not re.search(r"#\d", text)


def test_md_is_one_inline_run_that_cannot_start_a_block_or_inject_html() -> None:
    assert md("line one\n\n## Root cause\nline three") == "line one ## Root cause line three"
    assert md("# not a heading") == "\\# not a heading"
    assert md("- not a list") == "\\- not a list"
    assert md("> not a quote") == "\\> not a quote"
    assert md("1. not a list") == "1\\. not a list"
    assert md("```") == "\\```"
    assert md("---") == "\\---"
    assert md("#hashtag stays") == "#hashtag stays"
    assert md("-5% errors") == "-5% errors"
    assert md("<script>x</script> & <!-- c -->") == "&lt;script>x&lt;/script> &amp; &lt;!-- c -->"
    assert md(None) == ""


def test_cell_escapes_pipes_and_newlines() -> None:
    assert cell("a | b\nc") == "a \\| b c"
    table = f"| x | y |\n|---|---|\n| {cell('one | two @bob')} | {cell('#9')} |\n"
    (token,) = [t for t in MarkdownDoc.parse(table).tokens if t["type"] == "table"]
    row = token["children"][1]["children"][0]
    assert [plain_text(c) for c in row["children"]] == [f"one | two @{ZWSP}bob", f"#{ZWSP}9"]


def test_small_filters() -> None:
    assert duration(83 * 60) == "1 h 23 min"
    assert duration(timedelta(minutes=5)) == "5 min"
    assert duration(None) == "—"
    assert time("2026-11-23T11:15:00+01:00") == "2026-11-23 10:15 UTC"
    assert time(NOW) == "2026-11-23 10:15 UTC"
    assert time("not a time @x") == f"not a time @{ZWSP}x"
    assert number(42000) == "42,000"
    assert code("a`b | c") == "``a`b \\| c``"
    assert link("https://grafana.example.com/d/x") == "<https://grafana.example.com/d/x>"
    assert link("javascript:alert(1)") == "`javascript:alert(1)`"
    assert yaml_scalar("grace") == "grace"
    assert yaml_scalar("yes") == '"yes"'
    assert yaml_scalar('Outage: "db" #1, [x]') == '"Outage: \\"db\\" #1, [x]"'
    for text in ("a: b # c", "[x, y]", "tab\there", "c1 \x85 and \u2028 line sep", "é"):
        assert load_yaml(f"v: {yaml_scalar(text)}").value == {"v": text}


# --- templates -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", INCIDENTS, ids=lambda p: p.stem)
@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_template_renders_every_sample_incident(path: Path, audience: str) -> None:
    text = _update(audience, incident=path.stem)
    assert "Payments are slow." in text
    assert "2026-11-23 10:15 UTC" in text or audience not in ("internal", "customer")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_template_syntax_in_a_message_stays_literal(audience: str) -> None:
    message = "{{ 7*7 }} {% raw %} {{ config }} {# c #}"
    text = _update(audience, message)
    assert "{{ 7*7 }} {% raw %} {{ config }} {# c #}" in text
    assert "49" not in text


@pytest.mark.parametrize("audience", AUDIENCES)
def test_people_text_is_neutralised_in_every_template(audience: str) -> None:
    incident = _incident()
    incident["title"] = "Outage @carol #77"
    incident["impact"]["description"] = "Users @dave saw #88"
    incident["summary"] = "because of @erin #99"
    context = update_context(incident, Config(), audience, "@alice see #123", NOW, None)
    text = render(f"update-{audience}", context)
    assert f"@{ZWSP}alice" in text
    assert not re.search(r"(?<![\w@])@[a-z]", text)
    assert not re.search(r"#\d", text.replace("issue #87", ""))  # the incident's own issue


def test_customer_update_names_nobody_and_nothing_internal() -> None:
    people = _people()
    for path in INCIDENTS:
        incident = _incident(path.stem)
        context = update_context(incident, Config(), "customer", "Payments are slow.", NOW, None)
        assert not {"id", "title", "roles", "actions", "services", "channel"} & set(context)
        text = render("update-customer", context)
        words = set(re.findall(r"[\w-]+", text.lower()))
        for person in people:
            assert person["handle"] not in words, (path.stem, person["handle"])
            assert person["name"].lower() not in text.lower()
        assert incident["id"] not in text
        assert not set(incident["services"]) & words


def test_customer_update_says_cadence_workaround_and_last_updated() -> None:
    text = _update("customer", workaround="Pay with PayPal @support", status="investigating")
    assert "**Workaround**: Pay with PayPal @\u200bsupport" in text
    assert "every 30 min" in text
    assert "Last updated 2026-11-23 10:15 UTC" in text


def test_internal_update_has_what_incident_practice_asks_for() -> None:
    text = _update("internal")
    for part in ("SEV2", "Resolved", "2026-11-23 10:15 UTC", "Payments are slow.", "User impact"):
        assert part in text
    assert "Current actions" in text and "Restored routing weights" in text
    assert "Next update**: 2026-11-23 10:45 UTC" in text


def test_executive_update_has_duration_impact_and_next_steps() -> None:
    text = _update("executive")
    for part in ("2026-02-17 14:02 UTC", "2026-02-17 16:05 UTC", "2 h 3 min", "3,800", "$42,000"):
        assert part in text
    assert "Postmortem due 2026-02-22" in text
    ongoing = _update("executive", incident="INC-2026-0007")
    assert "ongoing" in ongoing and "so far" in ongoing


def test_initial_and_resolved_updates() -> None:
    initial = _update("initial")
    for part in ("INC-2026-0001", "payments-gateway, checkout-api", "#inc-2026-0001", "issue #87"):
        assert part in initial
    resolved = _update("resolved")
    assert "2 h 3 min" in resolved and "Northpay" in resolved
    assert "postmortem due 2026-02-22" in resolved
    assert "no postmortem required" in _update("resolved", incident="INC-2026-0002")


def test_unknown_audience_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown audience"):
        update_context(_incident(), Config(), "press", "x", NOW, None)


# --- overrides and the sandbox -------------------------------------------------------------


def _override(root: Path, name: str, text: str) -> Path:
    (root / "templates").mkdir(parents=True, exist_ok=True)
    path = root / "templates" / f"{name}.md.j2"
    path.write_text(text)
    return path


def test_a_repository_template_overrides_the_default(tmp_path: Path) -> None:
    _override(tmp_path, "update-internal", "OURS {{ severity }}: {{ message|md }}\n")
    context = update_context(_incident(), Config(), "internal", "hi @x", NOW, None)
    assert render("update-internal", context, tmp_path) == f"OURS SEV2: hi @{ZWSP}x\n"
    other = update_context(_incident(), Config(), "customer", "hi", NOW, None)
    assert render("update-customer", other, tmp_path).startswith("**Resolved**")  # default
    assert render("update-internal", context).startswith("**[SEV2]")  # no repo: default


def test_an_override_is_picked_up_when_it_changes(tmp_path: Path) -> None:
    path = _override(tmp_path, "update-internal", "one\n")
    context = update_context(_incident(), Config(), "internal", "m", NOW, None)
    assert render("update-internal", context, tmp_path) == "one\n"
    path.write_text("two\n")
    os.utime(path, ns=(1, 10**18))
    assert render("update-internal", context, tmp_path) == "two\n"


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ message.__class__ }}",
        "{{ cycler.__init__.__globals__.os.system('true') }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ (message|attr('__class__')).__base__ }}",
        "{{ 'x' * 100000000 }}",
        "{{ 2 ** 100000 }}",
    ],
)
def test_a_hostile_override_cannot_escape_the_sandbox(tmp_path: Path, hostile: str) -> None:
    _override(tmp_path, "update-internal", hostile + "\n")
    context = update_context(_incident(), Config(), "internal", "m", NOW, None)
    with pytest.raises(TemplateSecurityError):
        render("update-internal", context, tmp_path)


def test_symlinked_templates_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET\n")
    (tmp_path / "repo" / "templates").mkdir(parents=True)
    (tmp_path / "repo" / "templates" / "update-internal.md.j2").symlink_to(secret)
    context = update_context(_incident(), Config(), "internal", "m", NOW, None)
    with pytest.raises(TemplateSecurityError, match="symlink"):
        render("update-internal", context, tmp_path / "repo")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "templates").symlink_to(tmp_path / "repo" / "templates")
    with pytest.raises(TemplateSecurityError, match="symlink"):
        render("update-internal", context, tmp_path / "other")


def test_paths_cannot_escape_the_templates_directory(tmp_path: Path) -> None:
    (tmp_path / "secret.md.j2").write_text("SECRET\n")
    (tmp_path / "repo" / "templates").mkdir(parents=True)
    with pytest.raises(TemplateError, match="no template"):
        render("../secret", {}, tmp_path / "repo")
    _override(tmp_path / "repo", "update-internal", "{% include '../secret.md.j2' %}")
    with pytest.raises(TemplateError, match="no template"):
        render("update-internal", {}, tmp_path / "repo")


def test_a_missing_variable_is_our_template_error() -> None:
    with pytest.raises(TemplateError, match="'severity' is undefined") as caught:
        render("update-internal", {})
    assert not isinstance(caught.value, TemplateSecurityError)


def test_syntax_errors_and_unknown_templates_are_our_template_error(tmp_path: Path) -> None:
    _override(tmp_path, "update-internal", "{% if %}\n")
    with pytest.raises(TemplateError, match=r"update-internal\.md\.j2:1"):
        render("update-internal", {}, tmp_path)
    with pytest.raises(TemplateError, match=r"no template 'nope\.md\.j2'"):
        render("nope", {})


def test_rendered_updates_are_valid_markdown_with_people_text_in_place() -> None:
    text = _update("executive", "a | b\n\n# c")
    doc = MarkdownDoc.parse(text)
    assert not [t for t in doc.tokens if t["type"] == "heading"]
    (table,) = [t for t in doc.tokens if t["type"] == "table"]
    assert all(len(row["children"]) == 2 for row in walk(table) if row["type"] == "table_row")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_a_minimal_incident_renders_for_every_audience(audience: str) -> None:
    incident = {
        "id": "INC-2026-0100",
        "title": "Minimal",
        "severity": "SEV9",  # not configured
        "status": "investigating",
        "services": [],
        "declared_at": "2026-11-23T09:00:00Z",
    }
    context = update_context(incident, Config(), audience, "Looking into it.", NOW, None)
    assert "Looking into it." in render(f"update-{audience}", context)
