"""How a new string is written so that it reads back exactly: the style is chosen by asking
ruamel.yaml to write the value and reading the result back, never by guessing from the text.

A string is written plain when ruamel writes it plain in both block and flow context and every
reader that may open the file (our YAML 1.2 loader, a YAML 1.1 reader such as PyYAML) reads it
back as the same string; a multi-line string as a literal block when that reads back the same;
anything else in double quotes, whose escapes can hold every character YAML allows. Text that
no YAML file can hold (NUL and other control characters, lone surrogates, U+FFFE/U+FFFF) is
refused with :class:`UnholdableText`, naming the character.
"""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    ScalarString,
    SingleQuotedScalarString,
)

from incidentops.base.holdable import unholdable
from incidentops.loader import LoadProblem, load_yaml

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_PYYAML_LOADER: Any = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)


class UnholdableText(ValueError):
    """A text holding a character that a YAML file cannot hold."""


class Resolver(VersionedResolver):
    """YAML 1.2 without the timestamp extension: times stay strings, as in our loader."""

    @property
    def versioned_resolver(self) -> Any:
        # ruamel asks for this table on every scalar it resolves: filter each table once
        table = super().versioned_resolver
        cached = _WITHOUT_TIMESTAMPS.get(id(table))
        if cached is None or cached[0] is not table:
            filtered = {
                first: [(tag, regexp) for tag, regexp in pairs if tag != _TIMESTAMP]
                for first, pairs in table.items()
            }
            cached = _WITHOUT_TIMESTAMPS[id(table)] = (table, filtered)
        return cached[1]


_WITHOUT_TIMESTAMPS: dict[int, tuple[Any, Any]] = {}


def check_holdable(field: str, text: str) -> None:
    """Raise :class:`UnholdableText` naming ``field`` if ``text`` cannot be stored."""
    reason = unholdable(text)
    if reason:
        raise UnholdableText(f"{field}: {reason}")


def styled(text: str) -> str:
    """``text`` as the ruamel scalar that writes it so that it reads back exactly."""
    reason = unholdable(text)
    if reason:
        raise UnholdableText(reason)
    return _style(text)


def restyled(old: Any, text: str) -> str:
    """``text`` replacing ``old``, in the quotes the person chose for ``old`` if they hold it."""
    reason = unholdable(text)
    if reason:
        raise UnholdableText(reason)
    for quoted in (DoubleQuotedScalarString, SingleQuotedScalarString):
        if isinstance(old, quoted) and "\n" not in text and _reads_back(quoted(text), False):
            kept: str = quoted(text)
            return kept
    return _style(text)


@lru_cache(maxsize=4096)
def _style(text: str) -> str:
    if "\n" in text.rstrip("\n") and _reads_back(LiteralScalarString(text), flow=False):
        literal: str = LiteralScalarString(text)
        return literal
    if "\n" not in text and _plain_reads_back(text):
        return text
    quoted: str = DoubleQuotedScalarString(text)
    if not _reads_back(quoted, flow=False):  # pragma: no cover - ruamel's escapes hold all
        raise UnholdableText("the text cannot be written to YAML exactly")
    return quoted


def _plain_reads_back(text: str) -> bool:
    for flow in (False, True):
        written = _write(text, flow)
        back = _ruamel_read(written)
        if back is None:
            return False
        value = back["k"] if not flow else back[0]
        if isinstance(value, ScalarString) or not isinstance(value, str):
            return False  # ruamel chose quotes: plain would not hold it
        if not _others_agree(written, text, flow):
            return False
    return True


def _reads_back(value: str, flow: bool) -> bool:
    written = _write(value, flow)
    back = _ruamel_read(written)
    if back is None:
        return False
    got = back[0] if flow else back["k"]
    return isinstance(got, str) and str(got) == str(value) and _others_agree(written, value, flow)


def _others_agree(written: str, text: str, flow: bool) -> bool:
    """Our loader (YAML 1.2) and a YAML 1.1 reader both read ``written`` as ``text``."""
    try:
        ours = load_yaml(written).value
        theirs = pyyaml.load(written, Loader=_PYYAML_LOADER)
    except (LoadProblem, pyyaml.YAMLError):
        return False
    want: Any = [str(text)] if flow else {"k": str(text)}
    return bool(ours == want and theirs == want)


def _write(value: str, flow: bool) -> str:
    data: Any
    if flow:
        data = CommentedSeq([value])
        data.fa.set_flow_style()
    else:
        data = CommentedMap({"k": value})
    out = io.StringIO()
    _ruamel_writer().dump(data, out)
    return out.getvalue()


@lru_cache(maxsize=1)
def _ruamel_writer() -> YAML:
    writer = YAML(typ="rt")
    writer.Resolver = Resolver
    writer.width = 1_000_000
    return writer


def _ruamel_read(written: str) -> Any:
    try:
        return _ruamel_reader().load(written)
    except Exception:  # ruamel raises many error types; any of them means "not this style"
        return None


@lru_cache(maxsize=1)
def _ruamel_reader() -> YAML:
    reader = YAML(typ="rt")
    reader.Resolver = Resolver
    reader.preserve_quotes = True
    return reader
