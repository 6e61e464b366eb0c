"""The webhook payload Actions writes to ``GITHUB_EVENT_PATH``, read into the few facts the
commands use. Everything in it is untrusted: it is only ever compared, parsed and quoted."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class EventError(ValueError):
    """The event file is missing, unreadable or not the shape this command needs."""


@dataclass(frozen=True)
class Person:
    login: str
    bot: bool


@dataclass(frozen=True)
class Issue:
    number: int
    title: str
    body: str
    labels: tuple[str, ...]
    author: Person
    created_at: str
    is_pull_request: bool


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    author: Person
    created_at: str


@dataclass(frozen=True)
class Event:
    name: str  # issues, issue_comment, workflow_dispatch, pull_request, push
    action: str | None
    repository: str  # owner/name
    sender: Person | None
    issue: Issue | None = None
    comment: Comment | None = None
    inputs: dict[str, str] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)


def _person(data: Any) -> Person | None:
    if not isinstance(data, dict) or not isinstance(data.get("login"), str):
        return None
    login = data["login"]
    return Person(login, data.get("type") == "Bot" or login.endswith("[bot]"))


def _issue(data: Any) -> Issue | None:
    if not isinstance(data, dict) or not isinstance(data.get("number"), int):
        return None
    author = _person(data.get("user")) or Person("ghost", False)
    raw_labels = data.get("labels") or []
    if not isinstance(raw_labels, list):
        raise EventError("issue.labels is not a list")
    labels = tuple(str(label.get("name")) for label in raw_labels if isinstance(label, dict))
    return Issue(
        number=data["number"],
        title=str(data.get("title") or ""),
        body=str(data.get("body") or ""),
        labels=labels,
        author=author,
        created_at=str(data.get("created_at") or ""),
        is_pull_request=bool(data.get("pull_request")),
    )


def _comment(data: Any) -> Comment | None:
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    return Comment(
        id=data["id"],
        body=str(data.get("body") or ""),
        author=_person(data.get("user")) or Person("ghost", False),
        created_at=str(data.get("created_at") or ""),
    )


def parse(payload: Any, name: str) -> Event:
    if not isinstance(payload, dict):
        raise EventError("the event is not a JSON object")
    repository = payload.get("repository") or {}
    full_name = repository.get("full_name") if isinstance(repository, dict) else None
    if not isinstance(full_name, str) or "/" not in full_name:
        raise EventError("the event names no repository (repository.full_name)")
    inputs = payload.get("inputs") if name == "workflow_dispatch" else None
    if inputs is not None and not isinstance(inputs, dict):
        raise EventError("inputs is not an object")
    return Event(
        name=name,
        action=payload.get("action") if isinstance(payload.get("action"), str) else None,
        repository=full_name,
        sender=_person(payload.get("sender")),
        issue=_issue(payload.get("issue")),
        comment=_comment(payload.get("comment")),
        inputs={str(k): "" if v is None else str(v) for k, v in (inputs or {}).items()},
        payload=payload,
    )


def load(path: str | Path, name: str | None) -> Event:
    """Read the event file; ``name`` is ``GITHUB_EVENT_NAME``, guessed from the payload
    when not given (a comment means issue_comment, an issue means issues)."""
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise EventError(f"cannot read the event file {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EventError(f"the event file {path} is not JSON: {exc}") from None
    if not name and isinstance(payload, dict):
        if "comment" in payload:
            name = "issue_comment"
        elif "pull_request" in payload:
            name = "pull_request"
        elif "issue" in payload:
            name = "issues"
        elif "inputs" in payload:
            name = "workflow_dispatch"
    if not name:
        raise EventError(f"cannot tell what event {path} is: set GITHUB_EVENT_NAME")
    return parse(payload, name)
