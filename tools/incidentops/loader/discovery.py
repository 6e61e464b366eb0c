"""Which repository files are which kind, from the path globs in ``incidentops.yaml``."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from incidentops.base.config import CONFIG_FILE, Config

_SKIP_DIRS = frozenset({".git", ".venv", "node_modules", "__pycache__", ".incidentops-cache"})


@cache
def glob_regex(pattern: str) -> re.Pattern[str]:
    """``**`` spans directories, ``*`` and ``?`` stay within one path segment."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            out += ".*"
            i += 2
        elif pattern[i] == "*":
            out += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(pattern[i])
            i += 1
    return re.compile(out + r"\Z")


def kind_of(relative: str, config: Config) -> str | None:
    if relative == CONFIG_FILE:
        return "config"
    for kind, patterns in config.paths.items():
        if any(glob_regex(p).match(relative) for p in patterns):
            return kind
    return None


def static_prefix(pattern: str) -> str:
    parts = []
    for part in pattern.split("/")[:-1]:
        if any(ch in part for ch in "*?["):
            break
        parts.append(part)
    return "/".join(parts)


def discover(
    root: Path, config: Config, kinds: tuple[str, ...] | None = None
) -> Iterator[tuple[str, str]]:
    """Every (relative path, kind) under ``root`` (only ``kinds`` when given: their folders
    alone are walked); symbolic links are returned too (as their own path) so that the loader
    reports them instead of following them."""
    if kinds is None and ((root / CONFIG_FILE).exists() or (root / CONFIG_FILE).is_symlink()):
        yield CONFIG_FILE, "config"
    patterns = {k: ps for k, ps in config.paths.items() if kinds is None or k in kinds}
    prefixes = sorted({static_prefix(p) for ps in patterns.values() for p in ps})
    # walk each distinct top directory once (a prefix inside another is covered by it)
    tops: list[str] = []
    for prefix in prefixes:
        if not any(prefix == t or prefix.startswith(t + "/") or t == "" for t in tops):
            tops.append(prefix)
    seen: set[str] = set()
    for top in tops:
        base = root / top if top else root
        if base.is_symlink():
            yield top, "symlink-dir"
            continue
        for directory, dirnames, filenames in os.walk(base):
            rel_dir = os.path.relpath(directory, root).replace(os.sep, "/")
            rel_dir = "" if rel_dir == "." else rel_dir
            keep = []
            for name in sorted(dirnames):
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if name in _SKIP_DIRS:
                    continue
                if (Path(directory) / name).is_symlink():
                    if any(_could_match(rel, p) for ps in patterns.values() for p in ps):
                        yield rel, "symlink-dir"
                    continue
                keep.append(name)
            dirnames[:] = keep
            for name in sorted(filenames):
                rel = f"{rel_dir}/{name}" if rel_dir else name
                if rel in seen or rel == CONFIG_FILE:
                    continue
                kind = kind_of(rel, config)
                if kind is not None and (kinds is None or kind in kinds):
                    seen.add(rel)
                    yield rel, kind


def _could_match(directory: str, pattern: str) -> bool:
    prefix = static_prefix(pattern)
    return directory.startswith(prefix) or prefix.startswith(directory)
