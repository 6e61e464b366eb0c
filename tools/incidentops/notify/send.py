"""The one plain-HTTP client (Teams, Statuspage, webhooks), the context every adapter gets, and
the one-line error every failure becomes.

Timeouts on every call; a 429 waits as ``Retry-After`` says (bounded); a 5xx or a lost
connection is retried only for calls that are safe to repeat. Error messages name the target
and the cause, never a URL (a Teams or webhook URL may carry its signature) and never a secret.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from incidentops.base.config import Config
from incidentops.notify.targets import Target
from incidentops.runbook.mask import masked

MAX_WAIT_SECONDS = 30.0  # the longest Retry-After honoured within a run; later runs retry
ATTEMPTS = 3


class DeliveryError(Exception):
    """A send that failed; the message is one line, naming the target and the cause."""


@dataclass
class Context:
    config: Config
    people: dict[str, Any]
    services: dict[str, dict[str, Any]]
    now: datetime
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    repository_url: str | None = None
    notes: list[str] = field(default_factory=list)  # warnings worth a line (a refused recipient)

    def secret(self, target: Target, variable: str | None, what: str) -> str:
        if not variable:
            raise DeliveryError(f"{target.name}: no {what} variable is configured")
        value = self.env.get(variable, "")
        if not value:
            raise DeliveryError(
                f"{target.name}: environment variable {variable} ({what}) is not set"
            )
        return value

    def secrets(self) -> list[str]:
        """Every secret value in reach: masked out of everything printed."""
        from incidentops.notify.targets import secret_variables

        names = secret_variables(self.config) + [
            str((s.get("notify") or {}).get("pagerduty_routing_key_env"))
            for s in self.services.values()
            if (s.get("notify") or {}).get("pagerduty_routing_key_env")
        ]
        return [self.env[n] for n in names if self.env.get(n)]

    def safe(self, text: str) -> str:
        return masked(text, self.secrets())


def one_line(text: str, limit: int = 200) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def request(
    target: Target,
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    idempotent: bool = False,
) -> tuple[int, Any]:
    """One call, retried as the docstring above says; returns (status, parsed JSON or None)."""
    wait = 0.5
    for attempt in range(1, ATTEMPTS + 1):
        call = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(call, timeout=target.timeout) as response:
                return response.status, _json(response.read())
        except urllib.error.HTTPError as error:
            status, payload, retry_after = error.code, _json(error.read()), error.headers
            error.close()
            if status == 429 and attempt < ATTEMPTS:
                time.sleep(min(_seconds(retry_after.get("Retry-After"), wait), MAX_WAIT_SECONDS))
                continue
            if status >= 500 and idempotent and attempt < ATTEMPTS:
                time.sleep(wait)
                wait *= 2
                continue
            raise DeliveryError(f"{target.name}: HTTP {status}{_detail(payload)}") from None
        except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as error:
            if idempotent and attempt < ATTEMPTS:
                time.sleep(wait)
                wait *= 2
                continue
            reason = getattr(error, "reason", error)
            raise DeliveryError(
                f"{target.name}: cannot reach the service ({_reason(reason)})"
            ) from None
    raise DeliveryError(f"{target.name}: gave up after {ATTEMPTS} attempts")


def post_json(
    target: Target, url: str, document: Any, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return request(
        target, "POST", url, body, {"Content-Type": "application/json", **(headers or {})}
    )


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode("utf-8", "replace")[:200]


def _seconds(value: str | None, default: float) -> float:
    try:
        return max(float(value or default), 0.0)
    except ValueError:
        return default


def _detail(payload: Any) -> str:
    if isinstance(payload, dict):
        for key in ("error", "message", "errors"):
            if payload.get(key):
                found = payload[key]
                text = "; ".join(map(str, found)) if isinstance(found, list) else str(found)
                return f" ({one_line(text, 120)})"
    if isinstance(payload, str) and payload.strip():
        return f" ({one_line(payload, 120)})"
    return ""


def _reason(reason: Any) -> str:
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError) or "refused" in str(reason).lower():
        return "connection refused"
    return one_line(
        type(reason).__name__
        + (f": {reason.strerror}" if getattr(reason, "strerror", None) else ""),
        80,
    )
