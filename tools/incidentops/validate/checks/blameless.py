"""Postmortems are blameless: no person is the subject of a blame phrase.

A sentence where someone from ``oncall/people.yaml`` (by handle, GitHub login, first or last
name) fills the ``{person}`` of a phrase in ``postmortems.blame_phrases`` ("{person} caused",
"{person} broke", "{person}'s mistake", "{person} forgot", ...) is a warning that quotes the
sentence. Write about systems and processes: what allowed the mistake, not who made it.

Passing::

    The deployment pipeline lacked a pre-release check for schema changes.

Failing::

    Alice broke checkout by deploying the schema change without testing.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from incidentops.validate.blame_phrases import patterns
from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule("blameless", "warning", "a postmortem sentence blames a person", ("postmortem",)),
    )
)


_WORD = re.compile(r"[\w.-]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def check(repo: Repository) -> Iterator[RepoHit]:
    names: set[str] = set()
    for facts in repo.of_kind("people"):
        for handle, aliases in facts.info.get("names", {}).items():
            names.add(handle.lower())
            names.update(alias.lower() for alias in aliases if len(alias) > 1)
    if not names:
        return
    phrases = patterns(repo.config.blame_phrases)
    for facts in repo.of_kind("postmortem"):
        for line, paragraph in facts.info.get("prose", ()):
            if names.isdisjoint(_WORD.findall(paragraph.lower())):
                continue  # nobody is named: no phrase can blame anyone
            for sentence in _SENTENCE_END.split(paragraph):
                yield from _blames(facts.path, line, sentence, phrases, names)


def _blames(
    path: str, line: int, sentence: str, patterns: tuple[re.Pattern[str], ...], names: set[str]
) -> Iterator[RepoHit]:
    """The first blame phrase in ``sentence`` whose subject is a person, if any."""
    for pattern in patterns:
        match = pattern.search(sentence)
        if match and match.group("person").lower().rstrip(".") in names:
            quoted = sentence if len(sentence) <= 120 else sentence[:119] + "…"
            yield (
                path,
                line,
                1,
                (
                    f'blames {match.group("person")}: "{quoted}" — describe what in the system or '
                    "process allowed it"
                ),
            )
            return
