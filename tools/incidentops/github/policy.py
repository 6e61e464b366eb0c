"""The retry policy's parts that need no client: the settings (from the Actions
environment), the error the commands report, and how a failed call is judged."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

LEVELS = ("none", "read", "triage", "write", "maintain", "admin")


class GitHubError(RuntimeError):
    """An API call failed for good; the message names the call and GitHub's answer."""


@dataclass
class Settings:
    url: str = "https://api.github.com"
    token: str = ""
    attempts: int = 4
    backoff: float = 1.0
    max_wait: float = 60.0
    write_interval: float = 1.0  # PyGithub's pause between writes, against secondary limits

    @classmethod
    def from_environment(cls) -> Settings:
        """``GITHUB_API_URL`` and ``GITHUB_TOKEN`` as Actions sets them; the INCIDENTOPS_GITHUB_*
        variables tune the retry policy (tests shrink the waits)."""
        env = os.environ
        return cls(
            url=env.get("GITHUB_API_URL") or cls.url,
            token=env.get("GITHUB_TOKEN") or env.get("GH_TOKEN") or "",
            attempts=int(env.get("INCIDENTOPS_GITHUB_ATTEMPTS") or cls.attempts),
            backoff=float(env.get("INCIDENTOPS_GITHUB_BACKOFF") or cls.backoff),
            max_wait=float(env.get("INCIDENTOPS_GITHUB_MAX_WAIT") or cls.max_wait),
            write_interval=float(
                env.get("INCIDENTOPS_GITHUB_WRITE_INTERVAL") or cls.write_interval
            ),
        )


def judge(exc: Any) -> tuple[bool, float | None, str]:
    """(worth retrying, the wait GitHub asked for if any, the reason)."""
    status = getattr(exc, "status", 0) or 0
    data = exc.data if isinstance(getattr(exc, "data", None), dict) else {}
    message = str(data.get("message") or exc)
    headers = {k.lower(): v for k, v in (getattr(exc, "headers", None) or {}).items()}
    reason = f"HTTP {status} {message}"
    if status in (403, 429) and (
        "retry-after" in headers
        or "secondary rate limit" in message.lower()
        or headers.get("x-ratelimit-remaining") == "0"
    ):
        try:
            return True, max(float(headers.get("retry-after") or 60), 0.0), reason
        except ValueError:
            return True, 60.0, reason
    return status >= 500, None, reason
