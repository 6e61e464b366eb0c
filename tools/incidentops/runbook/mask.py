"""What a step printed, made safe to show and to record: ANSI escapes stripped, secrets masked
(the values of the environment variables the config names, and token shapes), the tail kept."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from incidentops.base.holdable import holdable_only

MASK = "••••"
TAIL_CHARACTERS = 2000  # of a step's output kept on the timeline
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# Shapes of credentials that must never reach a file, each with the name a person knows it by:
# GitHub, Slack (tokens and incoming-webhook URLs), AWS access keys, Bearer headers, Standard
# Webhooks signing secrets, the signature of a signed URL (Teams Workflows, Azure SAS), and
# private keys.
_SHAPES = {
    "github": r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b",
    "slack": r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b",
    "slack_webhook": r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]{20,}",
    "aws": r"\bAKIA[0-9A-Z]{16}\b",
    "bearer": r"(?i:bearer\s+)[A-Za-z0-9._~+/=-]{16,}",
    "webhook_secret": r"\bwhsec_[A-Za-z0-9+/=]{16,}",
    "url_signature": r"[?&]sig=[A-Za-z0-9%_.~+/=-]{16,}",
    "private_key": (
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)"
    ),
}
SHAPE_NAMES = {
    "github": "GitHub token",
    "slack": "Slack token",
    "slack_webhook": "Slack webhook URL",
    "aws": "AWS access key",
    "bearer": "Bearer token",
    "webhook_secret": "webhook signing secret",
    "url_signature": "URL signature (a signed webhook URL)",
    "private_key": "private key",
}
_TOKENS = re.compile("|".join(f"(?P<{name}>{shape})" for name, shape in _SHAPES.items()))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def masked(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value and token shape replaced by a mask."""
    for value in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(value, MASK)
    return _TOKENS.sub(MASK, text)


def tokens(text: str) -> Iterator[tuple[int, str]]:
    """(offset, what it is) of each credential-shaped string in ``text``, never the value."""
    for match in _TOKENS.finditer(text):
        yield match.start(), SHAPE_NAMES[str(match.lastgroup)]


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
