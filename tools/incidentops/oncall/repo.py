"""The on-call part of a repository, read with the safe loader: people, services, schedules,
escalation policies. Fast: it reads only ``oncall/`` (and can read it at a git revision)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from incidentops.base.config import Config
from incidentops.loader import LoadProblem, load_yaml
from incidentops.loader.discovery import discover, glob_regex, static_prefix
from incidentops.oncall.escalation import Policy, policy_from_data
from incidentops.oncall.model import Schedule, ScheduleError, schedule_from_data

Reader = Callable[[str], str | None]  # repository-relative path -> text, None if absent


class OnCallError(Exception):
    """The on-call files cannot be read (a message for people, naming the file)."""


@dataclass
class OnCall:
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    schedules: dict[str, Schedule] = field(default_factory=dict)
    schedule_paths: dict[str, str] = field(default_factory=dict)
    policies: dict[str, Policy] = field(default_factory=dict)

    def schedule(self, ident: str) -> Schedule:
        if ident not in self.schedules:
            known = ", ".join(sorted(self.schedules)) or "none"
            raise OnCallError(f"unknown schedule {ident!r} (known: {known})")
        return self.schedules[ident]

    def service(self, name: str) -> dict[str, Any]:
        if name not in self.services:
            known = ", ".join(sorted(self.services)) or "none"
            raise OnCallError(f"unknown service {name!r} (known: {known})")
        return self.services[name]


def _load(reader: Reader, path: str) -> Any:
    text = reader(path)
    if text is None:
        return None
    try:
        return load_yaml(text).value
    except LoadProblem as problem:
        raise OnCallError(f"{path}:{problem.line}: {problem.message}") from None


def load_oncall(paths: list[str], reader: Reader, patterns: dict[str, list[str]]) -> OnCall:
    """Build the on-call model from the files in ``paths`` (repository-relative)."""
    result = OnCall()

    def of_kind(kind: str) -> list[str]:
        return sorted(p for p in paths if any(glob_regex(g).match(p) for g in patterns[kind]))

    for path in of_kind("people"):
        for person in (_load(reader, path) or {}).get("people", ()):
            result.people[person["handle"]] = person
    for path in of_kind("services"):
        for service in (_load(reader, path) or {}).get("services", ()):
            result.services[service["name"]] = service
    for path in of_kind("schedule"):
        data = _load(reader, path)
        if not isinstance(data, dict):
            continue
        try:
            schedule = schedule_from_data(data)
        except (ScheduleError, KeyError, TypeError, ValueError) as exc:
            raise OnCallError(f"{path}: cannot read the schedule: {exc}") from None
        result.schedules[schedule.id] = schedule
        result.schedule_paths[schedule.id] = path
    for path in of_kind("escalation"):
        data = _load(reader, path)
        if isinstance(data, dict):
            try:
                policy = policy_from_data(data)
            except (KeyError, TypeError, ValueError) as exc:
                raise OnCallError(f"{path}: cannot read the policy: {exc}") from None
            result.policies[policy.id] = policy
    return result


def from_directory(root: Path, config: Config) -> OnCall:
    """The on-call model of the working tree at ``root``."""
    paths = [path for path, kind in discover(root, config, ONCALL_KINDS)]

    def reader(path: str) -> str | None:
        target = root / PurePosixPath(path)
        if target.is_symlink() or not target.is_file():
            return None
        return target.read_text(encoding="utf-8")

    return load_oncall(paths, reader, config.paths)


ONCALL_KINDS = ("people", "services", "schedule", "escalation")


def at_revision(root: Path, revision: str, config: Config) -> OnCall:
    """The on-call model as committed at ``revision`` (a branch, a tag, a SHA)."""
    import git

    try:
        repository = git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise OnCallError(
            f"cannot read revision {revision!r}: {root} is not a git repository"
        ) from None
    try:
        tree = repository.commit(revision).tree
    except (git.GitError, git.exc.ODBError, ValueError):
        # gitdb's BadName (an unknown ref) is not a GitError
        raise OnCallError(f"cannot read revision {revision!r}: no such commit") from None
    patterns = [g for kind in ONCALL_KINDS for g in config.paths[kind]]
    blobs: dict[str, Any] = {}
    for prefix in sorted({static_prefix(g) for g in patterns}):
        try:
            subtree = tree / prefix if prefix else tree
        except KeyError:
            continue
        items = [subtree] if isinstance(subtree, git.Blob) else subtree.traverse()
        for item in items:
            if not isinstance(item, git.Blob):
                continue
            path = str(item.path)
            if any(glob_regex(g).match(path) for g in patterns):
                blobs[path] = item

    def reader(path: str) -> str | None:
        blob = blobs.get(path)
        return blob.data_stream.read().decode("utf-8") if blob is not None else None

    return load_oncall(sorted(blobs), reader, config.paths)
