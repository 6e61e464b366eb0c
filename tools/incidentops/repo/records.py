"""Reading records (incidents, postmortems, runbooks) outside ``validate``: each file through the
safe loader, broken files skipped (``validate`` is where they are reported)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.loader import LoadProblem, load_yaml, read_text, split_front_matter
from incidentops.loader.discovery import discover

_OPEN = re.compile(r"^status:\s*['\"]?(investigating|identified|mitigated)\b", re.MULTILINE)


def records(
    root: Path,
    config: Config,
    kind: str,
    open_only: bool = False,
    mentioning: tuple[str, ...] | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, data) for each readable file of ``kind``. ``open_only`` skips, before parsing,
    incidents whose status line is not an open state: cheap on 10,000 files. ``mentioning``
    skips, before parsing, files whose text holds none of these words (a runbook that lists
    a service names it)."""
    for path, _ in discover(root, config, (kind,)):
        try:
            text, _ = read_text(root, path, config.max_file_bytes)
            if open_only and not _OPEN.search(text):
                continue
            if mentioning is not None and not any(word in text for word in mentioning):
                continue
            if kind in ("runbook", "postmortem"):
                text = split_front_matter(text)[0]
            value = load_yaml(text).value
        except LoadProblem:
            continue
        if isinstance(value, dict):
            yield path, value
