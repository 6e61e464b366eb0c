"""What the bot writes on issues: hidden markers that find earlier work, and people's text
made inert (no @mentions, no #references, no HTML comments that could fake a marker).

A marker is an HTML comment GitHub does not render: ``<!-- incidentops:reply comment=123 -->``.
Markers are looked for only in comments written by a bot, and people's text quoted by the bot
has ``<`` escaped, so a person cannot plant one."""

from __future__ import annotations

import re

from incidentops.base.inert import neutral, neutral_line, quote

__all__ = ["has_marker", "marker", "markers", "mention", "neutral", "neutral_line", "quote"]

_MARKER = re.compile(r"<!-- incidentops:([a-z-]+)((?: [a-z]+=[A-Za-z0-9_.:-]+)*) -->")


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


def mention(login: str) -> str:
    """The one way the bot mentions someone: a GitHub login from ``people.yaml``."""
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})", login):
        raise ValueError(f"not a GitHub login: {login!r}")
    return "@" + login
