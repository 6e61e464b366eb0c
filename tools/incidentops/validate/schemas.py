"""The JSON Schemas: where they are, one validator per kind, and errors mapped to lines.

``jsonschema`` is the reference: its messages are the ones people read, and it reports every
error in a file. A compiled validator (``jsonschema-rs``) answers "is this file valid?" about
twenty times faster; only files it rejects go through ``jsonschema``. A test proves both agree
on every file of the corpus.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from incidentops.base.kinds import KINDS
from incidentops.loader import Document
from incidentops.runbook.mask import masked

__all__ = ["KINDS", "is_valid_fast", "load_schema", "schema_dir", "schema_errors", "schema_file"]
_MAX_MESSAGE = 240


def schema_dir() -> Path:
    """Installed wheels carry the schemas inside the package; a source checkout has them at
    the repository root."""
    packaged = Path(str(resources.files("incidentops"))) / "schemas"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "schemas"


def schema_file(kind: str) -> Path:
    return schema_dir() / f"{kind}.schema.json"


@cache
def load_schema(kind: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_file(kind).read_text(encoding="utf-8"))
    return data


_DOLLAR = re.compile(r"(?<!\\)\$")


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    """``pattern`` with ECMA-262's ``$`` (end of input only): Python's ``$`` also matches before
    a final newline, so ``"alice\n"`` would pass as a handle."""
    from jsonschema import ValidationError

    if isinstance(instance, str) and not re.search(_DOLLAR.sub(r"\\Z", pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@cache
def _reference_validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator, validators

    strict = validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator, {"pattern": _ecma_pattern}
    )
    return strict(load_schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _fast_validator(kind: str) -> Any:
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without a wheel
        return None
    return jsonschema_rs.validator_for(load_schema(kind), validate_formats=True)


def is_valid_fast(kind: str, instance: Any) -> bool | None:
    """The compiled gate's answer, or None when it cannot answer for this value."""
    validator = _fast_validator(kind)
    if validator is None:
        return None
    try:
        return bool(validator.is_valid(instance))
    except (ValueError, TypeError, OverflowError):  # values JSON cannot hold (inf, nan)
        return None


def schema_errors(kind: str, document: Document) -> Iterator[tuple[int, int, str]]:
    """Every schema error in ``document`` as (line, column, message), sorted by position."""
    if is_valid_fast(kind, document.value):
        return
    found: list[tuple[int, int, str]] = []
    errors = _reference_validator(kind).iter_errors(document.value)
    for error in errors:
        found.extend(_locate(kind, error, document))
    yield from sorted(set(found))


def _locate(kind: str, error: Any, document: Document) -> Iterator[tuple[int, int, str]]:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key in known:
                continue
            hint = difflib.get_close_matches(key, known, n=1)
            advice = f"did you mean {hint[0]!r}?" if hint else "custom fields go under extensions:"
            line, column = document.key_position([*path, key])
            yield line, column, f"unexpected key {key!r} in the {kind} schema ({advice})"
        return
    if error.context:  # oneOf/anyOf: the closest alternative says the most
        from jsonschema.exceptions import best_match

        error = best_match(error.context) or error
        path = list(error.absolute_path)
    line, column = document.position(path)
    where = _dotted(path)
    # a schema message quotes the value: a secret pasted in the wrong place is not repeated
    message = masked(_shorten(error.message), ())
    yield line, column, f"{where}: {message}" if where else message


def _dotted(path: list[Any]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _shorten(message: str) -> str:
    message = " ".join(message.split())
    return message if len(message) <= _MAX_MESSAGE else message[: _MAX_MESSAGE - 1] + "…"
