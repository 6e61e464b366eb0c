"""Slack's own rules, apart from the adapter: what a channel may be called, how people's text
is made inert in a message, and a rate-limit retry that never waits longer than a run should."""

from __future__ import annotations

import re
from typing import Any

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from incidentops.notify.send import MAX_WAIT_SECONDS

NAME_LIMIT = 80


class BoundedRateLimit(RateLimitErrorRetryHandler):
    """slack_sdk's rate-limit retry, but never waiting longer than a run should: a longer
    ``Retry-After`` fails the send, and the next run completes it."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        values = {k.lower(): v for k, v in response.headers.items()}.get("retry-after", ["1"])
        try:
            return float(values[0]) <= MAX_WAIT_SECONDS
        except (TypeError, ValueError, IndexError):
            return True


def channel_name(pattern: str, incident: dict[str, Any], suffix: int = 0) -> str:
    """The pattern filled in and made a Slack channel name: lowercase letters, digits, ``-``
    and ``_``, at most 80 characters."""
    ident = str(incident.get("id", "")).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", str(incident.get("title", "")).lower()).strip("-")
    filled = pattern.format(
        id=ident, slug=slug, number=ident.removeprefix("inc-"), year=ident[4:8]
    ).lower()
    name = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9_-]+", "-", filled)).strip("-")
    tail = f"-{suffix}" if suffix else ""
    return name[: NAME_LIMIT - len(tail)].rstrip("-") + tail


def escape(text: str) -> str:
    """People's text inert in Slack: no <!channel>, <@U…> or links can be smuggled in."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
