"""People's text made inert for anything the bot posts (pure): mentions and references no
longer notify or link, and nothing in it can open an HTML comment or tag (so nobody can plant
the hidden markers the bot finds its own work by). Used by the GitHub edge and by reports
that may be posted there."""

from __future__ import annotations

import re

# @login or @org/team not inside a word (an e-mail address is not a mention); after a
# backtick too, since an unpaired one does not make a code span.
_MENTION = re.compile(r"(?<![\w])@(?=[A-Za-z0-9])")
# #123, GH-123 and owner/repo#123 cross-references (only an HTML entity's &# is left alone).
_REFERENCE = re.compile(r"(?<!&)(#|GH-)(?=\d)", re.IGNORECASE)
_ZERO_WIDTH = "\u2060"  # WORD JOINER: invisible, and breaks GitHub's autolinking


def neutral(text: str) -> str:
    """People's text as the bot may repeat it: mentions and references no longer notify or
    link, and nothing in it can open an HTML comment or tag."""
    text = text.replace("<", "&lt;")
    text = _MENTION.sub("@" + _ZERO_WIDTH, text)
    return _REFERENCE.sub(lambda m: m.group(1) + _ZERO_WIDTH, text)


def neutral_line(text: str, limit: int = 300) -> str:
    """One line of people's text, shortened, for a table cell or a heading."""
    line = " ".join(text.split())
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return neutral(line).replace("|", "\\|")


def quote(text: str) -> str:
    return "\n".join("> " + line for line in neutral(text.strip()).splitlines())
