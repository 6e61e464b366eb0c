"""The schemas themselves, and the compiled validator agreeing with the reference one."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from incidentops.loader import LoadProblem, load_yaml, split_front_matter
from incidentops.loader.discovery import kind_of
from incidentops.validate import schemas
from incidentops.validate.index import load_config

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kind", schemas.KINDS)
def test_schema_is_valid_draft_2020_12_with_id(kind: str) -> None:
    schema = schemas.load_schema(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://incidentops.dev/schemas/v1/{kind}.schema.json"


def _objects(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "properties" in node or node.get("type") == "object":
            yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{where}/{index}")


@pytest.mark.parametrize("kind", schemas.KINDS)
def test_every_property_has_title_and_description(kind: str) -> None:
    missing = [
        f"{where}/properties/{name}"
        for where, obj in _objects(schemas.load_schema(kind), "#")
        for name, prop in obj.get("properties", {}).items()
        if not (isinstance(prop, dict) and prop.get("title") and prop.get("description"))
    ]
    assert missing == []


@pytest.mark.parametrize("kind", schemas.KINDS)
def test_objects_are_closed_except_extensions(kind: str) -> None:
    open_objects = [
        where
        for where, obj in _objects(schemas.load_schema(kind), "#")
        if "properties" in obj
        and obj.get("additionalProperties") is not False
        and not where.endswith("/extensions")
        and not where.endswith("/if")  # a condition (`if: {properties: {type: ...}}`), not data
    ]
    assert open_objects == []


def test_date_time_requires_an_offset_and_date_is_strict() -> None:
    # jsonschema skips date-time unless rfc3339-validator is installed: prove it is checked
    base: dict[str, Any] = {
        "id": "INC-2026-0001",
        "title": "t",
        "severity": "SEV3",
        "status": "investigating",
        "services": ["x"],
        "declared_at": "2026-11-22T10:15:00Z",
    }
    for bad in ("2026-11-22T10:15:00", "2026-11-22 10:15:00Z", "yesterday"):
        document = load_yaml(json.dumps({**base, "declared_at": bad}))
        assert list(schemas.schema_errors("incident", document)), bad
    document = load_yaml(json.dumps({**base, "declared_at": "2026-11-22T10:15:00+05:30"}))
    assert list(schemas.schema_errors("incident", document)) == []


# --- the compiled gate agrees with jsonschema on every corpus file and many mutations ---


def _documents() -> Iterator[tuple[str, str, Any]]:
    config, _ = load_config(REPO)
    roots = [REPO, *sorted((REPO / "tests" / "corpus").glob("*/*/*"))]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.suffix not in (".yaml", ".yml", ".md"):
                continue
            relative = path.relative_to(root).as_posix()
            kind = kind_of(relative, config)
            if kind is None or ".venv" in path.parts:
                continue
            try:
                text = path.read_text(encoding="utf-8")
                if path.suffix == ".md":
                    text = split_front_matter(text)[0]
                value = load_yaml(text).value
            except (LoadProblem, UnicodeDecodeError):
                continue
            yield f"{root.name}/{relative}", kind, value


def _mutations(value: Any) -> Iterator[Any]:
    """Each leaf replaced by values of other types and shapes, keys dropped or misspelt."""
    yield value
    if isinstance(value, dict):
        for key in list(value)[:12]:
            dropped = copy.copy(value)
            del dropped[key]
            yield dropped
            yield {**value, key + "x": value[key]}
            for replacement in _replacements(value[key]):
                yield {**value, key: replacement}
            for inner in list(_mutations(value[key]))[1:6]:
                yield {**value, key: inner}
    elif isinstance(value, list) and value:
        yield []
        for inner in list(_mutations(value[0]))[1:6]:
            yield [inner, *value[1:]]


def _replacements(leaf: Any) -> list[Any]:
    values: list[Any] = [
        None,
        7,
        -1,
        1.5,
        True,
        "",
        "2026-11-22T10:15:00",
        "2026-13-01",
        "SEV9",
        [],
        {},
        "INC-\u0662\u0660\u0662\u0666-0001",
    ]
    if isinstance(leaf, str):
        # Python's `$` matches before a final newline, ECMA-262's does not
        values += [leaf + "\n", leaf.upper(), leaf + " "]
    return values


def test_compiled_validator_agrees_with_jsonschema_on_the_corpus() -> None:
    checked = disagreements = 0
    failures: list[str] = []
    for name, kind, value in _documents():
        reference = schemas._reference_validator(kind)
        for mutated in _mutations(value):
            fast = schemas.is_valid_fast(kind, mutated)
            if fast is None:
                continue
            checked += 1
            if fast != reference.is_valid(mutated):
                disagreements += 1
                failures.append(f"{name}: fast={fast} {json.dumps(mutated)[:200]}")
    assert checked > 1000
    assert failures == [], "\n".join(failures[:10])
