"""Shared by the runbook and postmortem section rules: find required sections by name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from incidentops.base.config import Section as Required
from incidentops.loader.markdown import Section, normalize_heading, plain_text
from incidentops.validate.context import FileContext, Hit

_PLACEHOLDER = re.compile(r"^(todo|tbd|fixme)\b", re.IGNORECASE)


def find(ctx: FileContext, required: Required) -> Section | None:
    wanted = {normalize_heading(name) for name in required.names()}
    for section in ctx.sections:
        if normalize_heading(section.title) in wanted:
            return section
    return None


def not_written(section: Section) -> bool:
    """Only comments or TODO/TBD placeholders: what a generated draft leaves to fill in."""
    blocks = [t for t in section.tokens if t["type"] != "blank_line"]
    if not blocks:
        return False
    return all(
        (t["type"] == "paragraph" and _PLACEHOLDER.match(plain_text(t).lstrip("_*")))
        for t in blocks
        if t["type"] != "block_html"
    )


def check(ctx: FileContext, sections: tuple[Required, ...], what: str) -> Iterator[Hit]:
    for required in sections:
        section = find(ctx, required)
        if section is None:
            also = f" (or {', '.join(required.synonyms)})" if required.synonyms else ""
            line = ctx.body.line_offset + 1 if ctx.body else 1
            yield line, 1, f"{what} has no '{required.name}' section{also}"
        elif section.is_empty():
            yield section.line, 1, f"section '{section.title}' is empty"
        elif not_written(section):
            yield section.line, 1, f"section '{section.title}' is not yet written"
