"""Which commands are destructive: the configured fragments (``kubectl delete``, ``DROP
TABLE``...) matched in code, words apart by a few options (``kubectl -n x delete``)."""

from __future__ import annotations

import re
from functools import cache


def command_pattern(command: str) -> str:
    """``kubectl delete`` also matches ``kubectl -n payments delete``: up to four options or
    arguments may stand between the words, on the same line."""
    words = [re.escape(word) for word in command.split()]
    gap = r"(?:[^\S\n]+\S+){0,4}?[^\S\n]+"
    pattern = gap.join(words)
    start = r"\b" if command[:1].isalnum() else ""
    end = r"\b" if command[-1:].isalnum() else ""
    return start + pattern + end


@cache
def matcher(commands: tuple[str, ...]) -> re.Pattern[str] | None:
    if not commands:
        return None
    return re.compile("|".join(command_pattern(c) for c in commands), re.IGNORECASE)


def destructive(code: str, commands: tuple[str, ...]) -> str | None:
    """The first destructive command in ``code``, or None."""
    pattern = matcher(commands)
    joined = re.sub(r"\\\r?\n", " ", code)  # `kubectl -n x \` + newline + `delete ...`
    found = pattern.search(joined) if pattern is not None else None
    return found.group(0) if found else None
