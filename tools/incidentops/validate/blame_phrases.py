"""Blame phrases ("{person} caused", "{person} forgot") as patterns, and the cheap test the
facts use to keep only paragraphs that might blame someone: below both the facts and the
blameless rule, which share them."""

from __future__ import annotations

import re
from functools import cache


@cache
def patterns(phrases: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(
            r"(?<![\w@])@?"
            + re.escape(phrase).replace(re.escape("{person}"), r"(?P<person>[A-Za-z][\w.-]*)"),
            re.IGNORECASE,
        )
        for phrase in phrases
        if "{person}" in phrase
    )


@cache
def _literals(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.replace("{person}", " ").strip().lower() for p in phrases if "{person}" in p)


def might_blame(text: str, phrases: tuple[str, ...]) -> bool:
    """A cheap test before the regular expressions: does a phrase's fixed part occur?"""
    lowered = text.lower()
    return any(literal in lowered for literal in _literals(phrases)) and any(
        pattern.search(text) for pattern in patterns(phrases)
    )
