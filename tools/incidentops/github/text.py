"""What the bot writes on issues: hidden markers that find earlier work, and people's text
made inert (no @mentions, no #references, no HTML comments that could fake a marker).

A marker is an HTML comment GitHub does not render: ``<!-- incidentops:reply comment=123 -->``.
Markers are looked for only in comments written by a bot, and people's text quoted by the bot
has ``<`` escaped, so a person cannot plant one."""

from __future__ import annotations

import re

_MARKER = re.compile(r"<!-- incidentops:([a-z-]+)((?: [a-z]+=[A-Za-z0-9_.:-]+)*) -->")
# @login or @org/team not inside a word (an e-mail address is not a mention); after a
# backtick too, since an unpaired one does not make a code span.
_MENTION = re.compile(r"(?<![\w])@(?=[A-Za-z0-9])")
# #123, GH-123 and owner/repo#123 cross-references (only an HTML entity's &# is left alone).
_REFERENCE = re.compile(r"(?<!&)(#|GH-)(?=\d)", re.IGNORECASE)
_ZERO_WIDTH = "\u2060"  # WORD JOINER: invisible, and breaks GitHub's autolinking


def marker(kind: str, /, **attributes: str | int) -> str:
    parts = "".join(f" {key}={value}" for key, value in attributes.items())
    text = f"<!-- incidentops:{kind}{parts} -->"
    if not _MARKER.fullmatch(text):
        raise ValueError(f"not a valid marker: {text!r}")
    return text


def markers(body: str | None) -> list[tuple[str, dict[str, str]]]:
    """Every marker in ``body``: (kind, attributes)."""
    found = []
    for match in _MARKER.finditer(body or ""):
        attributes = dict(pair.split("=", 1) for pair in match.group(2).split())
        found.append((match.group(1), attributes))
    return found


def has_marker(body: str | None, kind: str, /, **attributes: str | int) -> bool:
    wanted = {key: str(value) for key, value in attributes.items()}
    return any(
        k == kind and all(a.get(key) == value for key, value in wanted.items())
        for k, a in markers(body)
    )


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


def mention(login: str) -> str:
    """The one way the bot mentions someone: a GitHub login from ``people.yaml``."""
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})", login):
        raise ValueError(f"not a GitHub login: {login!r}")
    return "@" + login
