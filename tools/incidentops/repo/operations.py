"""Lifecycle commands applied to a repository: load one incident, let the pure core decide,
write the edit (validated, round-trip, atomic), and optionally commit and push with retry.

This is the seam both the command line and the GitHub commands call; it knows nothing of
either. Only the one incident file is read (plus ``oncall/`` and runbook front matter for a
declaration), so a command costs the same in a repository of ten or ten thousand incidents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.incident.lifecycle import Change, LifecycleError
from incidentops.repo.store import incident_path, load, next_id

Decide = Callable[[dict[str, Any]], Change]


@dataclass
class Outcome:
    ident: str
    path: str
    summary: str
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    sha: str | None = None


@dataclass
class GitOptions:
    commit: bool = False
    push: bool = False
    author: tuple[str, str] | None = None


def incident_yaml(data: dict[str, Any]) -> str:
    """A new incident file: the schema line, then the data written by the same round-trip
    writer every later edit uses, so quoting and layout never change under people's feet."""
    from incidentops.base.patch import Patch
    from incidentops.repo.edit import patch_text

    patch = Patch()
    for key, value in data.items():
        patch.set(key, value=value)
    header = "# yaml-language-server: $schema=../../schemas/incident.schema.json\n"
    return patch_text(header + "{}\n", patch, "incident")


def change(
    root: Path, ident: str, decide: Decide, config: Config, git: GitOptions | None = None
) -> Outcome:
    """Apply one lifecycle change to incident ``ident``; with ``git.push``, re-read and
    re-decide on a fresh tree after a rejected push so that no concurrent update is lost."""
    from incidentops.repo import edit

    git = git or GitOptions()

    result: dict[str, Outcome] = {}

    def attempt() -> list[str]:
        path, data = load(root, ident)
        decided = decide(data)
        text = edit.apply_patch(root, path, decided.patch, config, "incident")
        from incidentops.loader import load_yaml

        after = load_yaml(text).value
        result["outcome"] = Outcome(
            str(data.get("id")), path, decided.summary, decided.notes, after
        )
        return [path, *_outbox(root, data, after, config)]

    sha = _persist(root, attempt, lambda: result["outcome"], git)
    outcome = result["outcome"]
    outcome.sha = sha
    return outcome


def declare(
    root: Path,
    build: Callable[[str], dict[str, Any]],
    year: int,
    config: Config,
    git: GitOptions | None = None,
) -> Outcome:
    """Create the next incident of ``year``; ``build(ident)`` returns its data. After a
    rejected push the ID is allocated again on the fresh tree."""
    from incidentops.repo import edit

    git = git or GitOptions()

    result: dict[str, Outcome] = {}

    def attempt() -> list[str]:
        ident = next_id(root, year)
        path = incident_path(ident)
        data = build(ident)
        edit.create_file(root, path, incident_yaml(data), config, "incident")
        result["outcome"] = Outcome(ident, path, f"{ident}: declared {data['severity']}", [], data)
        return [path, *_outbox(root, None, data, config)]

    sha = _persist(root, attempt, lambda: result["outcome"], git)
    result["outcome"].sha = sha
    return result["outcome"]


__all__ = ["GitOptions", "LifecycleError", "Outcome", "change", "datetime", "declare"]


def _outbox(
    root: Path, before: dict[str, Any] | None, after: dict[str, Any], config: Config
) -> list[str]:
    """The change's notification events, into the outbox in the same commit (nothing when no
    target is configured)."""
    from incidentops.base.clock import now
    from incidentops.incident.lifecycle import stamp
    from incidentops.repo import outbox

    written = outbox.add_events(root, before, after, stamp(now()), config, _actor(before, after))
    return [written] if written else []


def _actor(before: dict[str, Any] | None, after: dict[str, Any]) -> str | None:
    """Who made the change: the actor of the newest timeline entry it added (an update's
    author when it added none)."""
    old = len(before.get("timeline") or []) if before else 0
    added = (after.get("timeline") or [])[old:]
    for entry in reversed(added):
        if isinstance(entry, dict) and entry.get("actor"):
            return str(entry["actor"])
    updates = (after.get("updates") or [])[len(before.get("updates") or []) if before else 0 :]
    for update in reversed(updates):
        if isinstance(update, dict) and update.get("author"):
            return str(update["author"])
    return None


def _persist(
    root: Path, attempt: Callable[[], list[str]], outcome: Callable[[], Outcome], git: GitOptions
) -> str | None:
    """Run ``attempt`` once (no git), once then commit, or in the push-and-retry loop."""
    from incidentops.repo import gitops

    if git.push:
        return gitops.push_with_retry(root, attempt, lambda: outcome().summary, author=git.author)
    paths = attempt()
    if not git.commit:
        return None
    return gitops.commit(root, paths, outcome().summary, git.author)
