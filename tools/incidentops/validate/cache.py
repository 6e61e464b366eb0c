"""Per-file results kept between runs, keyed by content hash.

The whole cache is invalidated by a different tool version (or code), schema or
configuration. It is
JSON, not pickle: a hostile pull request could commit a cache file, and loading it must never
run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from incidentops import __version__
from incidentops.alerts.rules import Alert, RuleProblem
from incidentops.base.config import Config
from incidentops.validate import schemas

CACHE_DIR = ".incidentops-cache"
_FILE = "validate.json"
_ALERTS = "alerts.json"


def digest(data: bytes) -> str:
    """A file's content hash, as the cache keys it (blake2b, 16 bytes)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def cache_key(config: Config) -> str:
    # the whole package's code too (a development install changes without a version bump):
    # a file's facts depend on loader/, incident/ and base/ as much as on validate/
    code = sorted(Path(__file__).resolve().parents[1].rglob("*.py"))
    parts = [__version__, config.fingerprint(), *(digest(p.read_bytes()) for p in code)]
    for kind in schemas.KINDS:
        parts.append(digest(schemas.schema_file(kind).read_bytes()))
    return digest("|".join(parts).encode())


def load(root: Path, key: str, name: str = _FILE) -> dict[str, Any]:
    try:
        data = json.loads((root / CACHE_DIR / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("key") != key:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def save(root: Path, key: str, entries: dict[str, Any], name: str = _FILE) -> None:
    """Atomic replace; a cache that cannot be written is not an error."""
    directory = root / CACHE_DIR
    with contextlib.suppress(OSError):
        directory.mkdir(exist_ok=True)
        (directory / ".gitignore").write_text("*\n", encoding="utf-8")
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".validate-")
        # one dumps() runs the C encoder; dump() to a file would use the slow Python one
        text = json.dumps({"key": key, "entries": entries}, separators=(",", ":"))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        Path(temporary).replace(directory / name)


def alert_rules(
    root: Path, config: Config, use_cache: bool = True
) -> tuple[list[Alert], list[RuleProblem]]:
    """The alerting rules, each rule file parsed again only when its content changed (its
    hash, kept in ``alerts.json`` beside the validate cache: reading and hashing 50 files is
    cheap, parsing them is not; a size and time would miss a same-size edit kept with
    ``cp -p``). ``use_cache=False``: parse everything, write nothing."""
    from dataclasses import asdict

    from incidentops.alerts.rules import alerts_of, rule_files
    from incidentops.loader import LoadProblem, read_text

    use_cache = use_cache and config.cache
    key = cache_key(config) if use_cache else ""
    entries = load(root, key, _ALERTS) if use_cache else {}
    fresh: dict[str, Any] = {}
    alerts: list[Alert] = []
    problems: list[RuleProblem] = []
    for path in rule_files(root, config):
        try:
            text, raw = read_text(root, path, config.max_file_bytes)
        except LoadProblem as problem:
            problems.append(RuleProblem(path, problem.line, problem.column, problem.message))
            continue
        entry = entries.get(path)
        hashed = digest(raw)
        cached = (
            _alert_entry(entry)
            if isinstance(entry, dict) and entry.get("digest") == hashed
            else None
        )
        if cached is None:
            cached = alerts_of(path, text, config)
            entry = {
                "digest": hashed,
                "alerts": [asdict(a) for a in cached[0]],
                "problems": [asdict(t) for t in cached[1]],
            }
        fresh[path] = entry
        alerts += cached[0]
        problems += cached[1]
    if use_cache and fresh != entries:
        save(root, key, fresh, _ALERTS)
    return alerts, problems


def _alert_entry(entry: dict[str, Any]) -> tuple[list[Alert], list[RuleProblem]] | None:
    """A cached file's alerts, or None when the entry is not what this code wrote (a cache
    file is never trusted: anything odd is read again from the rule file)."""
    try:
        return (
            [Alert(**a) for a in entry["alerts"]],
            [RuleProblem(**t) for t in entry["problems"]],
        )
    except (KeyError, TypeError):
        return None
