"""What a step printed, made safe to show and to record: ANSI escapes stripped, secrets masked
(the values of the environment variables the config names, and token shapes), the tail kept."""

from __future__ import annotations

import re
from collections.abc import Iterable

from incidentops.base.holdable import holdable_only

MASK = "••••"
TAIL_CHARACTERS = 2000  # of a step's output kept on the timeline
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# Shapes of credentials that must never reach a file: GitHub, Slack, AWS access keys,
# PagerDuty/Bearer headers, and private keys.
_TOKENS = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}"
    r"|AKIA[0-9A-Z]{16})\b"
    r"|(?i:bearer\s+)[A-Za-z0-9._~+/=-]{16,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def masked(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value and token shape replaced by a mask."""
    for value in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(value, MASK)
    return _TOKENS.sub(MASK, text)


def clean(text: str, secrets: Iterable[str]) -> str:
    """For the timeline: escapes and control characters gone, CRLF made LF, secrets masked."""
    text = _ANSI.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    return masked(holdable_only(_CONTROL.sub("", text)), secrets)


def tail(text: str, limit: int = TAIL_CHARACTERS) -> str:
    """The last ``limit`` characters, from a line start when one is near."""
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    newline = cut.find("\n")
    if 0 <= newline < limit // 4:
        cut = cut[newline + 1 :]
    return "…\n" + cut
