"""Slash-commands in incident-issue comments: parsing, and what each one changes (pure).

The command is the comment's first line (``/status identified bad deploy``); the rest of the
comment continues its text. Each command maps to one lifecycle function, so a comment and the
command line change an incident in exactly the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incidentops.base.config import Config
from incidentops.incident import lifecycle, recording
from incidentops.incident.lifecycle import Change, LifecycleError

USAGE = {
    "ack": "/ack [@login]  (you, or the person named, acknowledge the incident; once)",
    "status": "/status STATE [note]  (investigating, identified, mitigated, resolved, closed)",
    "timeline": "/timeline [KIND:] TEXT  (KIND: action, finding, note, ...; default note)",
    "severity": "/severity LEVEL REASON  (SEV1..SEV4 or P0..P3)",
    "role": "/role ROLE @login  (commander, communications, technical, scribe)",
    "update": "/update internal|customer|executive MESSAGE",
    "resolve": "/resolve SUMMARY",
    "cancel": "/cancel REASON",
    "reopen": "/reopen REASON",
    "close": "/close  (needs a final postmortem where the severity requires one)",
    "postmortem": "/postmortem  (open the postmortem pull request now, even if optional)",
    "help": "/help",
}
EXAMPLES = {
    "ack": "/ack",
    "status": "/status identified connection pool exhausted after the 14:02 deploy",
    "timeline": "/timeline action: rolled back checkout-api to v1.42.0",
    "severity": "/severity SEV1 payments failing for all card types",
    "role": "/role communications @octocat",
    "update": "/update customer Checkout is failing for some customers; we are rolling back.",
    "resolve": "/resolve Rolled back the deploy; error rate back to baseline for 30 min.",
    "cancel": "/cancel false alarm: synthetic check misconfigured",
    "reopen": "/reopen errors are back since 15:10",
    "close": "/close",
    "postmortem": "/postmortem",
    "help": "/help",
}


class CommandError(ValueError):
    """A comment that is a command but cannot be understood; ``usage`` says how to write it."""

    def __init__(self, message: str, command: str | None = None) -> None:
        super().__init__(message)
        self.command = command


@dataclass(frozen=True)
class Command:
    name: str
    text: str  # everything after the command word, first line and the lines below


def is_command(body: str) -> bool:
    """A slash and a letter as the very first characters (the workflow's cheap filter,
    ``startsWith(comment.body, '/')``, says the same, so the two never disagree)."""
    return len(body) > 1 and body[0] == "/" and body[1].isalpha()


def parse(body: str) -> Command:
    """The command word and the text after it, the lines below included exactly as typed
    (a paragraph break, an indented line); only the ends are trimmed and GitHub's CRLF made
    LF. How the text is stored (a one-line text's spaces folded) is the core's to decide."""
    word, text = _split(body.replace("\r\n", "\n"))
    name = word[1:].lower()
    if name not in USAGE:
        raise CommandError(f"unknown command {word[:40]!r}")
    return Command(name, text)


def _split(text: str) -> tuple[str, str]:
    """The first word and everything after it, with the ends trimmed."""
    stripped = text.strip()
    word = stripped.split(maxsplit=1)[0] if stripped else ""
    return word, stripped[len(word) :].strip()


def _need(value: str, what: str, command: str) -> str:
    if not value.strip():
        raise CommandError(f"/{command} needs {what}", command)
    return value


def person_of_login(login: str, people: dict[str, Any]) -> str | None:
    """The handle of whoever has GitHub login ``login`` in ``people.yaml`` (only the
    ``github`` field: a GitHub account named like someone's handle is not that person)."""
    lowered = login.strip().lstrip("@").lower()
    for handle, person in people.items():
        if str(person.get("github") or "").lower() == lowered:
            return handle
    return None


def handle_of(login_or_handle: str, people: dict[str, Any]) -> str | None:
    """A person named in a command (``/role scribe @login`` or a handle): their GitHub
    login first, then a handle."""
    name = login_or_handle.strip().lstrip("@")
    by_login = person_of_login(name, people)
    if by_login is not None:
        return by_login
    return name if name in people else None


def decide(
    command: Command,
    data: dict[str, Any],
    at: datetime,
    actor: str | None,
    config: Config,
    people: dict[str, Any],
    postmortem_status: str | None = None,
) -> Change:
    """The change ``command`` makes to incident ``data`` (LifecycleError if it cannot);
    ``postmortem_status`` is the ``status`` of its postmortem on main (for /close)."""
    name, text = command.name, command.text
    try:
        if name == "ack":
            return _ack(text, data, at, actor, people)
        if name == "status":
            state, note = _split(_need(text, "a state", name))
            return lifecycle.set_status(data, state.lower(), at, actor, note or None)
        if name == "timeline":
            kind, body = "note", _need(text, "the text to record", name)
            word, _, remainder = body.partition(":")
            if word.strip().lower() in lifecycle.EVENT_KINDS and " " not in word.strip():
                kind, body = word.strip().lower(), _need(remainder, "the text to record", name)
            return recording.add_event(data, kind, body, at, actor)
        if name == "severity":
            level, reason = _split(_need(text, "a level and a reason", name))
            return recording.set_severity(
                data, level, _need(reason, "a reason", name), at, actor, config
            )
        if name == "role":
            role, who = _split(_need(text, "a role and a person", name))
            who = _need(who, "a person (@login)", name).split()[0]
            handle = handle_of(who, people)
            if handle is None:
                raise CommandError(f"{who[:40]!r} is not in oncall/people.yaml", name)
            return recording.set_role(data, role.lower(), handle, at, actor, config, people)
        if name == "update":
            audience, message = _split(_need(text, "an audience and a message", name))
            return recording.add_update(
                data, audience.lower(), _need(message, "a message", name), at, actor
            )
        if name == "resolve":
            return lifecycle.resolve(data, _need(text, "a summary", name), at, actor)
        if name == "close":
            return lifecycle.close(data, at, actor, config, postmortem_status)
        if name == "cancel":
            return lifecycle.cancel(data, _need(text, "a reason", name), at, actor)
        if name == "reopen":
            if data.get("status") != "resolved":
                raise CommandError(
                    f"{data.get('id')} is {data.get('status')}: only a resolved incident "
                    "can be reopened (a mitigated one goes back with /status investigating)",
                    name,
                )
            change = lifecycle.set_status(
                data, "investigating", at, actor, _need(text, "a reason", name)
            )
            change.summary = f"{data.get('id')}: reopened"
            return change
    except LifecycleError as exc:
        raise CommandError(str(exc), name) from None
    raise CommandError(f"/{name} changes nothing", name)


def _ack(
    text: str, data: dict[str, Any], at: datetime, actor: str | None, people: dict[str, Any]
) -> Change:
    """``/ack`` (the commenter acknowledges) or ``/ack @login`` (the person named does); only
    the command's line counts, and it names one person at most: an ack carries no text."""
    words = text.split("\n", 1)[0].split()
    if len(words) > 1:
        raise CommandError("/ack names one person at most (notes go in /timeline)", "ack")
    if not words:
        if actor is None:
            raise CommandError(
                "acknowledged_by: your GitHub login is not in oncall/people.yaml; "
                "name the person: /ack @login",
                "ack",
            )
        return recording.acknowledge(data, actor, at, actor, people)
    handle = handle_of(words[0], people)
    if handle is None:
        raise CommandError(
            f"acknowledged_by: {words[0][:40]!r} is not in oncall/people.yaml", "ack"
        )
    return recording.acknowledge(data, handle, at, actor, people)


def record_comment(change: Change, data: dict[str, Any], comment_id: int) -> Change:
    """Add the comment's ID to ``links.comments`` in the same patch: applied exactly once."""
    change.patch.append("links", "comments", value=comment_id)
    return change


def applied(data: dict[str, Any], comment_id: int) -> bool:
    links = data.get("links") or {}
    return comment_id in (links.get("comments") or ()) if isinstance(links, dict) else False
