"""Per-file results kept between runs, keyed by content hash.

The whole cache is invalidated by a different tool version (or code), schema or
configuration. It is
JSON, not pickle: a hostile pull request could commit a cache file, and loading it must never
run code.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from incidentops import __version__
from incidentops.base.config import Config
from incidentops.validate import schemas

CACHE_DIR = ".incidentops-cache"
_FILE = "validate.json"


def cache_key(config: Config) -> str:
    from incidentops.validate.filecheck import digest

    # the whole package's code too (a development install changes without a version bump):
    # a file's facts depend on loader/, incident/ and base/ as much as on validate/
    code = sorted(Path(__file__).resolve().parents[1].rglob("*.py"))
    parts = [__version__, config.fingerprint(), *(digest(p.read_bytes()) for p in code)]
    for kind in schemas.KINDS:
        parts.append(digest(schemas.schema_file(kind).read_bytes()))
    return digest("|".join(parts).encode())


def load(root: Path, key: str) -> dict[str, Any]:
    try:
        data = json.loads((root / CACHE_DIR / _FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("key") != key:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def save(root: Path, key: str, entries: dict[str, Any]) -> None:
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
        Path(temporary).replace(directory / _FILE)
