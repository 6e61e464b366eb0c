"""Markdown as a mistune AST, with the line of every top-level block and its sections.

mistune tokens carry no positions, so the block state records the source offset of each
top-level token as it is appended; inline things (links, code spans) are located by searching
for their raw text from the start of their block.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import mistune
from mistune.core import BlockState

Token = dict[str, Any]


class _PositionState(BlockState):
    def append_token(self, token: Token) -> None:
        if self.parent is None:
            token["_offset"] = self.cursor
        self.tokens.append(token)

    def add_paragraph(self, text: str) -> None:
        last = self.last_token()
        if last and last["type"] == "paragraph":
            last["text"] += text
        else:
            token: Token = {"type": "paragraph", "text": text}
            if self.parent is None:
                token["_offset"] = self.cursor
            self.tokens.append(token)


@cache
def _parser() -> Any:
    return mistune.create_markdown(renderer=None, plugins=["table"])


@dataclass
class Section:
    title: str
    level: int
    line: int  # line of the heading in the file
    tokens: list[Token] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not any(_has_content(token) for token in self.tokens)


@dataclass
class MarkdownDoc:
    text: str  # the body
    line_offset: int  # file lines before the body
    tokens: list[Token]
    _line_starts: list[int]

    @classmethod
    def parse(cls, text: str, line_offset: int = 0) -> MarkdownDoc:
        state = _PositionState()
        tokens, _ = _parser().parse(text, state)
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        return cls(text, line_offset, tokens, starts)

    def line_of(self, token: Token) -> int:
        offset = token.get("_offset", 0)
        # the block may begin with blank lines it swallowed; step to its first text
        while offset < len(self.text) and self.text[offset] == "\n":
            offset += 1
        return bisect_right(self._line_starts, offset) + self.line_offset

    def find_line(self, needle: str, from_line: int) -> int:
        """The first file line at or after ``from_line`` that contains ``needle``."""
        start = self._line_starts[
            max(0, min(from_line - self.line_offset - 1, len(self._line_starts) - 1))
        ]
        at = self.text.find(needle, start)
        if at < 0:
            return from_line
        return bisect_right(self._line_starts, at) + self.line_offset

    def sections(self) -> list[Section]:
        """Top-level content split at every heading; each section holds what follows its
        heading up to the next heading of the same or a higher level."""
        result: list[Section] = []
        open_sections: list[Section] = []
        for token in self.tokens:
            if token["type"] == "heading":
                level = token["attrs"]["level"]
                section = Section(plain_text(token), level, self.line_of(token))
                open_sections = [s for s in open_sections if s.level < level]
                open_sections.append(section)
                result.append(section)
                continue
            for section in open_sections:
                section.tokens.append(token)
        return result

    @cached_property
    def flat(self) -> list[tuple[Token, int]]:
        """Every token, at any depth, with the line of the top-level block it is in; walked
        once and shared by every check."""
        return [(node, line) for block, line in self.blocks() for node in walk(block)]

    def blocks(self) -> Iterator[tuple[Token, int]]:
        """Every top-level block with its line."""
        for token in self.tokens:
            if token["type"] != "blank_line":
                yield token, self.line_of(token)


def walk(token: Token) -> list[Token]:
    """The token and all tokens below it, in document order (iterative: no generator per
    level, which costs more than the walk itself on large documents)."""
    found: list[Token] = []
    stack = [token]
    while stack:
        node = stack.pop()
        found.append(node)
        children = node.get("children")
        if children:
            stack.extend(reversed(children))
    return found


def plain_text(token: Token) -> str:
    """The visible text of a token (code spans included, markup dropped)."""
    parts: list[str] = []
    for node in walk(token):
        if node["type"] in ("text", "codespan"):
            parts.append(node.get("raw", ""))
        elif node["type"] in ("softbreak", "linebreak"):
            parts.append(" ")
    return "".join(parts).strip()


def _has_content(token: Token) -> bool:
    if token["type"] in ("blank_line", "thematic_break"):
        return False
    if token["type"] in ("block_html", "inline_html"):
        return not is_comment(token.get("raw", ""))
    if token["type"] == "paragraph":
        children = token.get("children", [])
        return any(
            child["type"] not in ("inline_html", "softbreak", "linebreak")
            or not is_comment(child.get("raw", ""))
            for child in children
            if not (child["type"] == "text" and not child.get("raw", "").strip())
        )
    return True


def is_comment(raw: str) -> bool:
    stripped = raw.strip()
    return stripped.startswith("<!--") and stripped.endswith("-->")


_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)


def slug(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    return _SLUG_DROP.sub("", title.strip().lower()).replace(" ", "-")


def anchors(sections: list[Section]) -> list[str]:
    """Anchors as GitHub makes them, duplicates numbered ``-1``, ``-2``..."""
    seen: dict[str, int] = {}
    result: list[str] = []
    for section in sections:
        base = slug(section.title)
        if base in seen:
            seen[base] += 1
            result.append(f"{base}-{seen[base]}")
        else:
            seen[base] = 0
            result.append(base)
    return result


_PARENTHESES = re.compile(r"\([^)]*\)")
_NUMBERING = re.compile(r"^[\d.\s]+")
_PUNCTUATION = re.compile(r"[^\w\s]")


@cache
def normalize_heading(title: str) -> str:
    """For matching required sections: case, parentheses, numbering and punctuation ignored."""
    text = _NUMBERING.sub("", _PARENTHESES.sub("", title.lower()))
    return " ".join(_PUNCTUATION.sub(" ", text).split())
