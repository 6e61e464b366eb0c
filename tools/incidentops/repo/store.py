"""Where incidents live and how IDs are allocated: one file per incident at
``incidents/<year>/INC-<year>-<nnnn>.yaml``. Commands touch one file and never load the
whole repository."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from incidentops.incident.lifecycle import LifecycleError
from incidentops.loader import LoadProblem, load_yaml, read_text

ID_PATTERN = re.compile(r"^INC-(\d{4})-(\d{4,})$")
_FILE = re.compile(r"^INC-(\d{4})-(\d{4,})\.yaml$")


def incident_path(ident: str) -> str:
    match = ID_PATTERN.match(ident)
    if match is None:
        raise LifecycleError(
            f"{ident!r} is not an incident ID (INC-<year>-<number>, e.g. INC-2026-0042)"
        )
    return f"incidents/{match.group(1)}/{ident}.yaml"


def load(root: Path, ident: str) -> tuple[str, dict[str, Any]]:
    """The incident's path and plain data; a clear error if it does not exist or is broken."""
    path = incident_path(ident.upper())
    if not (root / path).is_file():
        raise LifecycleError(f"no incident {ident} (no file {path})")
    try:
        text, _ = read_text(root.resolve(), path, 1024 * 1024)
        value = load_yaml(text).value
    except LoadProblem as problem:
        raise LifecycleError(f"{path}:{problem.line}: {problem.message}") from None
    if not isinstance(value, dict):
        raise LifecycleError(f"{path} is not an incident (not a mapping)")
    return path, value


def next_id(root: Path, year: int) -> str:
    """One more than the highest number filed under ``incidents/<year>/``."""
    folder = root / "incidents" / str(year)
    numbers = [
        int(m.group(2))
        for name in (os.listdir(folder) if folder.is_dir() else ())  # noqa: PTH208 - names only
        if (m := _FILE.match(name)) and int(m.group(1)) == year
    ]
    return f"INC-{year}-{max(numbers, default=0) + 1:04d}"


_ISSUE_LINK = re.compile(rb"^[ \t]*issue:[ \t]*(\d+)[ \t]*(?:#.*)?$", re.MULTILINE)
_ID_IN_TITLE = re.compile(r"^\s*\[(INC-\d{4}-\d{4,})\]")


def find_by_issue(root: Path, number: int, title: str = "") -> tuple[str, dict[str, Any]] | None:
    """The incident whose ``links.issue`` is ``number``: first the ID in the issue's title
    (``[INC-2026-0043] ...``, one file read), else a byte scan of every incident file for an
    ``issue: <number>`` line, confirmed by loading the few that have one."""
    hint = _ID_IN_TITLE.match(title)
    if hint:
        found = _confirm(root, incident_path(hint.group(1)), number)
        if found is not None:
            return found
    candidates: list[str] = []
    folder = root / "incidents"
    for year in sorted(os.listdir(folder)) if folder.is_dir() else ():  # noqa: PTH208
        sub = folder / year
        if not sub.is_dir():
            continue
        for name in sorted(os.listdir(sub), reverse=True):  # noqa: PTH208 - newest first
            if not _FILE.match(name):
                continue
            try:
                raw = (sub / name).read_bytes()
            except OSError:
                continue
            if any(int(m.group(1)) == number for m in _ISSUE_LINK.finditer(raw)):
                candidates.append(f"incidents/{year}/{name}")
    for path in candidates:
        try:
            _, data = load(root, path.rsplit("/", 1)[1].removesuffix(".yaml"))
        except LifecycleError as exc:
            # it names this issue but cannot be read: declaring again would make a second
            # incident for the issue, so stop and say which file to fix
            raise LifecycleError(
                f"{exc} (it names issue #{number}; fix the file, then try again)"
            ) from None
        links = data.get("links")
        if isinstance(links, dict) and links.get("issue") == number:
            return path, data
    return None


def _confirm(root: Path, path: str, number: int) -> tuple[str, dict[str, Any]] | None:
    if not (root / path).is_file():
        return None
    try:
        _, data = load(root, path.rsplit("/", 1)[1].removesuffix(".yaml"))
    except LifecycleError:
        return None
    links = data.get("links")
    if isinstance(links, dict) and links.get("issue") == number:
        return path, data
    return None


def postmortem_status(root: Path, data: dict[str, Any], config: Any) -> str | None:
    """The ``status`` in the front matter of the postmortem an incident links to (None when it
    links none, or the file is missing or unreadable): what closing an incident checks."""
    from incidentops.loader import split_front_matter

    path = data.get("postmortem")
    if not isinstance(path, str):
        return None
    try:
        text, _ = read_text(root.resolve(), path, config.max_file_bytes)
        front = load_yaml(split_front_matter(text)[0]).value
    except LoadProblem:
        return None
    return str(front.get("status")) if isinstance(front, dict) else None
