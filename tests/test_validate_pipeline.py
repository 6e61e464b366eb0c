"""The validate pipeline: workers, the cache, and reporting on given paths."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from incidentops.validate import cache
from incidentops.validate import index as validate

TODAY = date(2026, 11, 23)


def _multiply_incidents(root: Path, copies: int) -> None:
    """Enough valid incidents that the worker pool is used."""
    source = sorted(root.glob("incidents/2026/*.yaml"))[0]
    text = source.read_text()
    ident = source.stem
    for n in range(copies):
        new = f"INC-2026-{7000 + n:04d}"
        (source.parent / f"{new}.yaml").write_text(
            text.replace(ident, new).replace("postmortem: ", "# postmortem: ")
        )


def test_workers_and_one_process_agree(sample: Path) -> None:
    _multiply_incidents(sample, 80)
    (sample / "incidents/2026/INC-2026-7003.yaml").write_text("id: [broken\n")
    one = validate.run(sample, jobs=1, use_cache=False, today=TODAY)
    two = validate.run(sample, jobs=2, use_cache=False, today=TODAY)
    assert one.findings == two.findings
    assert one.files_checked == two.files_checked > 80
    assert any(f.rule == "yaml-syntax" for f in one.findings)


def test_warm_run_equals_cold_run_and_sees_changes(sample: Path) -> None:
    cold = validate.run(sample, today=TODAY)
    assert (sample / cache.CACHE_DIR / "validate.json").is_file()
    warm = validate.run(sample, today=TODAY)
    assert warm.findings == cold.findings
    incident = sorted(sample.glob("incidents/2026/*.yaml"))[0]
    incident.write_text(incident.read_text().replace("title: ", "titel: ", 1))
    changed = validate.run(sample, today=TODAY)
    assert any(f.path.endswith(incident.name) and "titel" in f.message for f in changed.findings)
    incident.write_text(incident.read_text().replace("titel: ", "title: ", 1))
    assert validate.run(sample, today=TODAY).findings == cold.findings


def test_cache_is_ignored_when_config_changes(sample: Path) -> None:
    incident = sorted(sample.glob("incidents/2026/*.yaml"))[0]
    incident.write_text(incident.read_text().split("\n", 1)[1])  # no schema comment: warning
    before = validate.run(sample, today=TODAY)
    assert any(f.rule == "schema-comment" for f in before.findings)
    config = sample / "incidentops.yaml"
    config.write_text(config.read_text() + "\n# changed\n")
    text = config.read_text()
    if "validate:" in text:
        text = text.replace("validate:", 'validate:\n  rules: {schema-comment: "off"}\n  # ', 1)
    config.write_text(
        text if "validate:" in text else text + 'validate:\n  rules: {schema-comment: "off"}\n'
    )
    after = validate.run(sample, today=TODAY)
    assert not any(f.rule == "schema-comment" for f in after.findings), after.findings


def test_tampered_cache_is_ignored_not_trusted(sample: Path) -> None:
    incident = sorted(sample.glob("incidents/2026/*.yaml"))[0]
    incident.write_text(incident.read_text().replace("title: ", "titel: ", 1))
    truth = validate.run(sample, use_cache=False, today=TODAY).findings
    directory = sample / cache.CACHE_DIR
    directory.mkdir()
    (directory / "validate.json").write_text("{not json")
    assert validate.run(sample, today=TODAY).findings == truth
    data = json.loads((directory / "validate.json").read_text())
    relative = incident.relative_to(sample).as_posix()
    data["entries"][relative]["findings"] = []  # a lie about the file's content...
    data["entries"][relative]["digest"] = "0" * 32  # ...under a digest that does not match
    data["entries"][relative]["stat"] = [0, 0]  # and a size and time that do not either
    (directory / "validate.json").write_text(json.dumps(data))
    assert validate.run(sample, today=TODAY).findings == truth


def test_only_reports_the_given_paths(sample: Path) -> None:
    incidents = sorted(sample.glob("incidents/2026/*.yaml"))
    for path in incidents[:2]:
        path.write_text(path.read_text().replace("title: ", "titel: ", 1))
    first = incidents[0].relative_to(sample).as_posix()
    outcome = validate.run(sample, only=[first], today=TODAY)
    assert {f.path for f in outcome.findings} == {first}


def test_invalid_config_is_reported_and_defaults_apply(sample: Path) -> None:
    config = sample / "incidentops.yaml"
    config.write_text("# yaml-language-server: $schema=schemas/config.schema.json\nverison: 1\n")
    outcome = validate.run(sample, use_cache=False, today=TODAY)
    assert any(f.path == "incidentops.yaml" and f.rule == "schema" for f in outcome.findings)
    assert outcome.config.severity("SEV1") is not None
