"""Which runbook a person means, and the runbook read from disk.

RUNBOOK may be a path (inside the repository), a runbook's name (its file name without
``.md``, or its title), or an alert its front matter lists.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from incidentops.base.config import Config
from incidentops.loader import LoadProblem, load_yaml, read_text, split_front_matter
from incidentops.loader.discovery import discover
from incidentops.loader.markdown import MarkdownDoc
from incidentops.runbook.steps import Runbook, parse


class RunbookError(ValueError):
    """A runbook that cannot be found or read, said in one line."""


def _front(root: Path, path: str, config: Config) -> dict[str, Any]:
    try:
        text, _ = read_text(root, path, config.max_file_bytes)
        value = load_yaml(split_front_matter(text)[0]).value
    except LoadProblem:
        return {}
    return value if isinstance(value, dict) else {}


def runbook_paths(root: Path, config: Config) -> list[str]:
    return sorted(path for path, kind in discover(root, config, ("runbook",)) if kind == "runbook")


def fronts(root: Path, config: Config) -> dict[str, dict[str, Any]]:
    """Every runbook's front matter (an unreadable one as empty), by path."""
    return {path: _front(root, path, config) for path in runbook_paths(root, config)}


def resolve(root: Path, config: Config, wanted: str, cwd: Path | None = None) -> str:
    """The repository-relative path of the runbook ``wanted`` names."""
    paths = runbook_paths(root, config)
    candidate = Path(wanted)
    absolute = candidate if candidate.is_absolute() else (cwd or Path.cwd()) / candidate
    if wanted.endswith(".md") or candidate.exists():
        try:
            relative = absolute.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            raise RunbookError(f"{wanted}: outside the repository {root}") from None
        if relative in paths:
            return relative
        if (root / relative).exists():
            raise RunbookError(f"{wanted}: not a runbook (runbooks are {config.paths['runbook']})")
        raise RunbookError(f"{wanted}: no such runbook")
    lowered = wanted.strip().lower()
    by_name = [p for p in paths if PurePosixPath(p).stem.lower() == lowered]
    if len(by_name) == 1:
        return by_name[0]
    fronts = {p: _front(root, p, config) for p in paths}
    by_title = [p for p, f in fronts.items() if str(f.get("title", "")).strip().lower() == lowered]
    by_alert = [p for p, f in fronts.items() if wanted in (f.get("alerts") or ())]
    for found in (by_title, by_alert, by_name):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise RunbookError(f"{wanted!r} names {len(found)} runbooks: {', '.join(found)}")
    raise RunbookError(
        f"no runbook named {wanted!r} (a path, a file name, a title or an alert it lists)"
    )


def load(root: Path, path: str, config: Config) -> Runbook:
    try:
        text, _ = read_text(root, path, config.max_file_bytes)
        yaml_text, offset, body, body_offset = split_front_matter(text)
        front = load_yaml(yaml_text, line_offset=offset).value
    except LoadProblem as problem:
        raise RunbookError(f"{path}:{problem.line}: {problem.message}") from None
    return parse(
        path, front if isinstance(front, dict) else {}, MarkdownDoc.parse(body, body_offset), config
    )
