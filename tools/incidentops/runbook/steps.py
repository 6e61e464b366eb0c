"""The steps of a runbook, from its Markdown (mistune's AST).

Every fenced code block in the Diagnostics, Remediation, Verification and Rollback sections
(or their configured synonyms) whose language has an interpreter is a step, numbered within
its section and titled by the list item or paragraph that introduces it. A ``text``,
``console`` or ``output`` block right after a step is that step's expected output. Any other
block there (no language, or a language nobody configured) is shown between the steps, never
run. Other sections hold no steps; the Escalation section is kept for when the steps run out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from incidentops.base.config import Config, Section
from incidentops.loader.markdown import MarkdownDoc, Token, normalize_heading, plain_text
from incidentops.runbook.annotations import Annotations, parse_info

STEP_SECTIONS = ("Diagnostics", "Remediation", "Verification", "Rollback")
OUTPUT_LANGUAGES = frozenset({"text", "console", "output"})


@dataclass(frozen=True)
class Step:
    section: str  # the canonical section: Diagnostics, Remediation, ...
    number: int | None  # within the section; None for a block that is shown, not run
    title: str
    code: str
    language: str
    line: int  # of the code block in the file
    annotations: Annotations
    expected: str | None = None

    @property
    def runnable(self) -> bool:
        return self.number is not None

    @property
    def name(self) -> str:
        """How a person names the step: its Runme ``name``, else ``remediation-2``."""
        if self.annotations.name:
            return self.annotations.name
        return f"{self.section.lower()}-{self.number}" if self.number else f"line-{self.line}"

    def label(self) -> str:
        return f"{self.section} {self.number}" if self.number else f"{self.section} (shown)"


@dataclass
class Runbook:
    path: str
    title: str
    front: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    escalation: str = ""  # the Escalation section as written

    def runnable(self) -> list[Step]:
        return [s for s in self.steps if s.runnable]

    def find(self, name: str) -> Step | None:
        wanted = name.strip().lower()
        for step in self.runnable():
            label = f"{step.section} {step.number}".lower()
            if wanted in (step.name.lower(), label, label.replace(" ", "-")):
                return step
        return None


def _section_names(config: Config, canonical: str) -> set[str]:
    for section in config.runbook_sections:
        if section.name == canonical:
            return {normalize_heading(n) for n in section.names()}
    return {normalize_heading(n) for n in Section(canonical).names()}


def _items(tokens: list[Token], lead: str) -> list[tuple[Token, str]]:
    """Every code block under ``tokens`` with the text that introduces it (depth first)."""
    found: list[tuple[Token, str]] = []
    for token in tokens:
        kind = token["type"]
        if kind == "block_code":
            found.append((token, lead))
        elif kind in ("paragraph", "block_text"):
            text = plain_text(token)
            if text:
                lead = text
        elif kind in ("list", "list_item", "block_quote"):
            item_lead = lead
            children = token.get("children") or []
            if kind == "list_item":
                first = next(
                    (c for c in children if c["type"] in ("paragraph", "block_text")), None
                )
                item_lead = plain_text(first) if first else lead
            found.extend(_items(children, item_lead))
    return found


def _escalation(doc: MarkdownDoc, config: Config) -> str:
    names = _section_names(config, "Escalation")
    lines = doc.text.splitlines()
    sections = doc.sections()
    for index, section in enumerate(sections):
        if normalize_heading(section.title) in names:
            start = section.line - doc.line_offset
            following = [s for s in sections[index + 1 :] if s.level <= section.level]
            end = following[0].line - doc.line_offset - 1 if following else len(lines)
            return "\n".join(lines[start:end]).strip()
    return ""


def parse(path: str, front: dict[str, Any], doc: MarkdownDoc, config: Config) -> Runbook:
    """The runbook at ``path`` (front matter already loaded, body parsed)."""
    interpreters = config.interpreters
    book = Runbook(path, str(front.get("title") or path), front)
    book.escalation = _escalation(doc, config)
    taken: set[str] = set()
    for canonical in STEP_SECTIONS:
        names = _section_names(config, canonical)
        section = next((s for s in doc.sections() if normalize_heading(s.title) in names), None)
        if section is None or canonical in taken:
            continue
        taken.add(canonical)
        number = 0
        block_line = section.line
        for token, lead in _items(section.tokens, section.title):
            code = token.get("raw", "")
            annotations = parse_info(str((token.get("attrs") or {}).get("info") or ""))
            if token.get("_offset") is not None:  # a top-level block knows its line
                block_line = max(block_line, doc.line_of(token))
            first = next((line for line in code.splitlines() if line.strip()), "")
            line = doc.find_line(first, block_line) if first else block_line
            block_line = line + 1  # the next block is further down
            previous = book.steps[-1] if book.steps else None
            if (
                annotations.language in OUTPUT_LANGUAGES
                and previous is not None
                and previous.runnable
                and previous.expected is None
                and previous.section == canonical
            ):
                book.steps[-1] = _with_expected(previous, code)
                continue
            runnable = annotations.language in interpreters
            if runnable:
                number += 1
            book.steps.append(
                Step(
                    canonical,
                    number if runnable else None,
                    lead,
                    code,
                    annotations.language,
                    line,
                    annotations,
                )
            )
    return book


def _with_expected(step: Step, expected: str) -> Step:
    return Step(
        step.section,
        step.number,
        step.title,
        step.code,
        step.language,
        step.line,
        step.annotations,
        expected,
    )
