"""Round-trip edits keep what people wrote; invalid edits are refused and change nothing."""

from __future__ import annotations

import difflib
import os
import threading
from pathlib import Path

import pytest

from conftest import REPO
from incidentops.base.config import Config
from incidentops.base.patch import Patch
from incidentops.loader import load_yaml
from incidentops.repo.edit import (
    EditError,
    EditRefused,
    apply_patch,
    create_file,
    detect_indent,
    patch_text,
)

RELATIVE = "incidents/2026/INC-2026-0043.yaml"
HAND_WRITTEN = """\
# yaml-language-server: $schema=../../schemas/incident.schema.json
# Hand-written by alice during the incident; keep the notes.
id: INC-2026-0043   # allocated by declare
title: "Checkout API returning 500s"
severity: SEV2
status: investigating    # still looking
services: [checkout-api, payments-gateway]
summary: 'Checkout 500s after the 10:00 deploy'

# when things happened
started_at: 2026-11-23T10:00:00Z
detected_at: "2026-11-23T10:05:00Z"
declared_at: "2026-11-23T10:10:00Z"
declared_by: alice

roles:
  commander: alice   # on call
  # communications to be assigned

runbooks:
  - runbooks/checkout-api/high-error-rate.md

timeline:
  - at: "2026-11-23T10:05:00Z"
    kind: alert
    text: CheckoutApiHighErrorRate fired
  - {at: "2026-11-23T10:10:00Z", kind: declared, actor: alice, text: "Declared SEV2"}  # by hand

updates:
  - {at: "2026-11-23T10:15:00Z", audience: internal, status: investigating, text: "Looking"}
# end of file
"""


@pytest.fixture
def incident(tmp_path: Path) -> Path:
    target = tmp_path / RELATIVE
    target.parent.mkdir(parents=True)
    target.write_text(HAND_WRITTEN)
    target.chmod(0o640)
    return tmp_path


def _changes(before: str, after: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two texts."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def test_patches_keep_every_untouched_line(incident: Path) -> None:
    config = Config()
    apply_patch(incident, RELATIVE, Patch().set("status", value="identified"), config)
    event = {
        "at": "2026-11-23T10:30:00Z",
        "kind": "status",
        "actor": "alice",
        "text": "Status investigating -> identified: bad deploy",
    }
    apply_patch(incident, RELATIVE, Patch().append("timeline", value=event), config)
    apply_patch(incident, RELATIVE, Patch().set("roles", "communications", value="bob"), config)
    update = {"at": "2026-11-23T10:35:00Z", "audience": "internal", "text": "Rolling back #2"}
    apply_patch(incident, RELATIVE, Patch().append("updates", value=update), config)
    text = (incident / RELATIVE).read_text()

    removed, added = _changes(HAND_WRITTEN, text)
    assert removed == ["status: investigating    # still looking"]
    assert added == [
        "status: identified       # still looking",
        "  communications: bob",
        '  - at: "2026-11-23T10:30:00Z"',  # new items in the file's block style
        "    kind: status",
        "    actor: alice",
        '    text: "Status investigating -> identified: bad deploy"',
        '  - at: "2026-11-23T10:35:00Z"',
        "    audience: internal",
        '    text: "Rolling back #2"',
    ]
    # the added lines sit where they belong: blank lines and comments stay around them
    assert '"Declared SEV2"}  # by hand\n  - at: "2026-11-23T10:30:00Z"\n    kind: status\n' in text
    assert (
        "  commander: alice   # on call\n"
        "  communications: bob\n"
        "  # communications to be assigned\n"
        "\nrunbooks:" in text
    )
    assert text.endswith('    text: "Rolling back #2"\n# end of file\n')
    assert ((incident / RELATIVE).stat().st_mode & 0o777) == 0o640
    # the timestamps read back as strings, in the order the person wrote the keys
    data = load_yaml(text).value
    assert data["timeline"][-1]["at"] == "2026-11-23T10:30:00Z"
    assert data["started_at"] == "2026-11-23T10:00:00Z"
    assert list(data)[:5] == ["id", "title", "severity", "status", "services"]


def test_new_keys_go_where_the_schema_puts_them(incident: Path) -> None:
    patch = (
        Patch().set("status", value="mitigated").set("mitigated_at", value="2026-11-23T10:40:00Z")
    )
    text = apply_patch(incident, RELATIVE, patch, Config())
    assert 'declared_at: "2026-11-23T10:10:00Z"\nmitigated_at: "2026-11-23T10:40:00Z"\n' in text
    _, added = _changes(HAND_WRITTEN, text)
    assert added == [
        "status: mitigated        # still looking",
        'mitigated_at: "2026-11-23T10:40:00Z"',
    ]


@pytest.mark.parametrize(
    ("patch", "rule"),
    [
        (Patch().set("status", value="closedd"), "schema"),
        (
            Patch()
            .set("status", value="resolved")
            .set("resolved_at", value="2026-11-23T09:00:00Z"),
            "incident-timestamps",
        ),
        (Patch().set("status", value="resolved"), "incident-status"),
        (Patch().set("id", value="INC-2026-0044"), "id-matches-filename"),
        (Patch().append("title", value="x"), "not a list"),
    ],
)
def test_invalid_edit_is_refused_and_the_file_unchanged(
    incident: Path, patch: Patch, rule: str
) -> None:
    target = incident / RELATIVE
    before = target.read_bytes()
    os.utime(target, ns=(1_000_000_000, 1_000_000_000))
    with pytest.raises(EditRefused, match=rule) as refused:
        apply_patch(incident, RELATIVE, patch, Config())
    assert refused.value.reason
    assert target.read_bytes() == before
    assert target.stat().st_mtime_ns == 1_000_000_000
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left


def test_rule_levels_from_the_configuration_apply(incident: Path) -> None:
    config = Config()
    config.rule_levels["incident-status"] = "warning"
    text = apply_patch(incident, RELATIVE, Patch().set("status", value="resolved"), config)
    assert "status: resolved" in text


def test_every_sample_file_round_trips_byte_for_byte() -> None:
    files = [*(REPO / "incidents").rglob("*.yaml"), *(REPO / "postmortems").rglob("*.md")]
    assert files
    for path in files:
        text = path.read_text()
        kind = "postmortem" if path.suffix == ".md" else "incident"
        assert patch_text(text, Patch(), kind) == text, path


def test_postmortem_front_matter_edit_keeps_the_body() -> None:
    path = next((REPO / "postmortems").rglob("*.md"))
    text = path.read_text()
    edited = patch_text(text, Patch().set("status", value="in-review"), "postmortem")
    removed, added = _changes(text, edited)
    assert removed == ["status: final"]
    assert added == ["status: in-review"]


def test_new_strings_are_quoted_only_when_needed() -> None:
    values = ["plain words", "yes", "2026-11-23", "12", "a: b", "#channel", " lead", "true"]
    text = patch_text("id: x\n", Patch().set("extensions", value={"v": values}), "other")
    assert "  - plain words\n" in text
    for value in values[1:]:
        assert f'  - "{value}"\n' in text
    assert load_yaml(text).value["extensions"]["v"] == values


def test_detect_indent() -> None:
    assert detect_indent("a:\n  b: 1\nc:\n  - x\n") == (2, 4, 2)
    assert detect_indent("a:\n    b: 1\nc:\n- x\n") == (4, 2, 0)
    assert detect_indent("a: 1\n") == (2, 4, 2)


def test_create_file_validates_and_never_overwrites(tmp_path: Path) -> None:
    text = HAND_WRITTEN
    create_file(tmp_path, RELATIVE, text, Config())
    assert (tmp_path / RELATIVE).read_text() == text
    with pytest.raises(EditError, match="already exists"):
        create_file(tmp_path, RELATIVE, text, Config())
    with pytest.raises(EditRefused, match="id-matches-filename"):
        create_file(tmp_path, "incidents/2026/INC-2026-0099.yaml", text, Config())
    assert not (tmp_path / "incidents/2026/INC-2026-0099.yaml").exists()


def test_create_file_race_has_one_winner(tmp_path: Path) -> None:
    outcomes: list[str] = []

    def declare() -> None:
        try:
            create_file(tmp_path, RELATIVE, HAND_WRITTEN, Config())
            outcomes.append("created")
        except EditError:
            outcomes.append("refused")

    threads = [threading.Thread(target=declare) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created", "refused", "refused", "refused"]


@pytest.mark.parametrize("relative", ["../outside.yaml", "/etc/passwd", ""])
def test_paths_outside_the_repository_are_refused(tmp_path: Path, relative: str) -> None:
    with pytest.raises(EditError, match="not a path inside"):
        apply_patch(tmp_path, relative, Patch().set("a", value=1), Config())
