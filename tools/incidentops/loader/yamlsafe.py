"""Compose YAML to nodes (libyaml when available) and convert them to plain values safely
(the conversion, with its alias budget and YAML 1.2 core scalars, is ``convert``).

Why not ``yaml.safe_load``: it follows YAML 1.1 (``no`` is false, ``010`` is octal, timestamps
become ``datetime``), keeps the last of two duplicate keys silently, accepts ``!!binary`` and
``!!set``, and expands alias "bombs". Here scalars follow the YAML 1.2 core schema, only the core
tags are accepted, duplicate keys and nesting deeper than the limit are problems, and alias use is
budgeted both by count and by the size of what they expand to.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise
from typing import Any

import yaml
import yaml.composer
import yaml.parser
import yaml.reader
import yaml.resolver
import yaml.scanner

from incidentops.loader.convert import MAP_TAG, PLAIN_TAG, SEQ_TAG, STR_TAG, Converter
from incidentops.loader.document import Document, Limits, LoadProblem

try:  # libyaml does the scanning, parsing and composing in C when it is installed
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]

    LIBYAML = True
except ImportError:  # pragma: no cover - exercised by the pure-Python test via force_python
    LIBYAML = False

# what YAML forbids in a stream (PyYAML's reader raises a ReaderError without a line for these)
_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Resolver(yaml.resolver.BaseResolver):
    """Resolution is deferred to :func:`_convert`; the composer only marks plain scalars."""

    # the composer calls these around every node; path resolvers are never used here
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            return PLAIN_TAG if implicit[0] else STR_TAG
        return SEQ_TAG if kind is yaml.SequenceNode else MAP_TAG


if LIBYAML:

    class _CComposer(_Parser, _Resolver):
        def __init__(self, text: str) -> None:
            _Parser.__init__(self, text)
            _Resolver.__init__(self)


class _PyComposer(
    yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer, _Resolver
):
    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)


DEFAULT_LIMITS = Limits()


def load_yaml(
    text: str, limits: Limits = DEFAULT_LIMITS, line_offset: int = 0, force_python: bool = False
) -> Document:
    """Parse one YAML document. Raises :class:`LoadProblem` with a 1-based position."""
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise LoadProblem(
            "yaml-syntax",
            f"YAML syntax error: character U+{ord(bad.group()):04X} is not allowed in YAML",
            line + line_offset,
            column,
        )
    use_c = LIBYAML and not force_python
    if use_c and _may_nest_deeper_than_c_can_compose(text):
        _check_depth_by_events(text, limits, line_offset, use_c)
    composer: Any = _CComposer(text) if use_c else _PyComposer(text)
    try:
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, line_offset) from None
    except RecursionError:  # pure-Python composer on absurd nesting
        # the parser does not recurse: walk its events to say where the limit was crossed
        _check_depth_by_events(text, limits, line_offset, use_c)
        raise LoadProblem("yaml-depth", f"nesting deeper than {limits.max_depth} levels") from None
    finally:
        composer.dispose()
    if root is None:
        return Document(None, None, line_offset)
    converter = Converter(limits, line_offset)
    # Without an '&' there can be no anchor, so no alias: a leaner walk does the same job.
    value = converter.convert(root) if "&" in text else converter.plain(root, 1)
    return Document(value, root, line_offset)


def load_yaml_all(text: str, limits: Limits = DEFAULT_LIMITS) -> list[Document]:
    """Every document of a YAML stream (``---`` between them), each loaded like
    :func:`load_yaml`; a problem anywhere raises :class:`LoadProblem` with its line. The
    alias budgets are the stream's, shared out between its documents, so that many small
    documents cannot expand to more than one large one may."""
    chunks = _documents(text)
    share = max(1, len(chunks))
    each = replace(
        limits,
        max_aliases=max(1, limits.max_aliases // share),
        max_expanded_nodes=max(1, limits.max_expanded_nodes // share),
    )
    documents = []
    offset = 0
    for chunk in chunks:
        documents.append(load_yaml(chunk, each if share > 1 else limits, offset))
        offset += chunk.count("\n")
    return [d for d in documents if d.value is not None]


_DOCUMENT_START = re.compile(r"^---(?=[ \t]|$)", re.MULTILINE)
_DOCUMENT_END = re.compile(r"^\.\.\.[ \t]*(?:#.*)?(?:\n|\Z)", re.MULTILINE)
_PREAMBLE = re.compile(r"(?:[ \t]*(?:[%#].*)?(?:\n|\Z))*\Z")  # directives, comments, blanks


def _documents(text: str) -> list[str]:
    """The stream split before each ``---`` and after each ``...`` at a line start, each part
    keeping its markers so line numbers add up. YAML forbids both at a line start inside any
    content, so the split is exact. A part holding only directives (``%YAML 1.2``), comments
    and blank lines belongs to the document after it."""
    cuts = {m.start() for m in _DOCUMENT_START.finditer(text)}
    cuts |= {m.end() for m in _DOCUMENT_END.finditer(text)}
    bounds = sorted({0, len(text), *cuts})
    merged: list[str] = []
    carry = ""
    for a, b in pairwise(bounds):
        part = text[a:b]
        if _PREAMBLE.match(part):
            carry += part
            continue
        merged.append(carry + part)
        carry = ""
    return merged


def _may_nest_deeper_than_c_can_compose(text: str) -> bool:
    """libyaml's composer recurses on the C stack and crashes beyond ~50,000 levels. Block nesting
    needs a wider column per level, flow nesting a bracket each: this bound is cheap and safe."""
    if len(text) < 2000:  # every level costs at least one character
        return False
    longest = max(map(len, text.splitlines()), default=0)
    return text.count("[") + text.count("{") + 2 * longest > 2000


def _check_depth_by_events(text: str, limits: Limits, line_offset: int, use_c: bool) -> None:
    """Count collection levels from parser events (no composer, so no deep recursion)."""
    parser: Any = _CComposer(text) if use_c else _PyComposer(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limits.max_depth:
                    mark: Any = event.start_mark
                    raise LoadProblem(
                        "yaml-depth",
                        f"nesting deeper than {limits.max_depth} levels",
                        mark.line + 1 + line_offset,
                        mark.column + 1,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        raise _syntax_problem(exc, line_offset) from None
    finally:
        parser.dispose()


def _syntax_problem(exc: yaml.MarkedYAMLError, line_offset: int) -> LoadProblem:
    mark: Any = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    context = f" {exc.context}" if exc.context else ""
    message = f"YAML syntax error: {problem}{context}".replace("\n", " ")
    if mark is None:
        return LoadProblem("yaml-syntax", message, 1 + line_offset, 1)
    return LoadProblem("yaml-syntax", message, mark.line + 1 + line_offset, mark.column + 1)
