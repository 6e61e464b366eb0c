"""The validate pipeline: discover -> check each file (workers, cache) -> repository checks ->
levels and inline directives -> sorted findings."""

from __future__ import annotations

import gc
import multiprocessing
import os
import stat
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from incidentops.base.config import CONFIG_FILE, Config, config_from_data
from incidentops.loader.discovery import discover
from incidentops.validate import cache
from incidentops.validate.cache import digest
from incidentops.validate.checks import RULES, repository_checks
from incidentops.validate.filecheck import FileResult, check_file, with_settings
from incidentops.validate.findings import Finding
from incidentops.validate.repository import Repository

_PARALLEL_FROM = 64  # below this many files to check, a pool costs more than it saves
_worker_state: tuple[Path, Config, bool] | None = None


@dataclass
class Outcome:
    findings: list[Finding]
    files_checked: int
    config: Config


def load_config(root: Path) -> tuple[Config, FileResult | None]:
    """The repository's settings, or the defaults when the file is missing or invalid (its
    findings are reported either way)."""
    if not (root / CONFIG_FILE).exists() and not (root / CONFIG_FILE).is_symlink():
        return Config(), None
    result = check_file(root, CONFIG_FILE, "config", Config())
    if any(f.rule == "schema" or f.level == "error" for f in result.findings):
        return Config(), result
    return config_from_data(result.value), result


def collect(
    root: Path,
    jobs: int | None = None,
    use_cache: bool = True,
    kinds: tuple[str, ...] | None = None,
) -> tuple[Config, dict[str, FileResult], list[str]]:
    """Every file checked (from the cache where unchanged): the settings, the per-file results
    and the symbolic links to folders. With ``kinds`` (``list``, ``metrics``): only those
    files, and the ones not cached are summarised without checks and not cached."""
    root = root.resolve()
    config, config_result = load_config(root)
    files = [(p, k) for p, k in discover(root, config, kinds) if k != "config"]
    results: dict[str, FileResult] = {}
    if config_result is not None:
        results[CONFIG_FILE] = config_result
    symlinked = [p for p, k in files if k == "symlink-dir"]
    files = [(p, k) for p, k in files if k != "symlink-dir"]

    use_cache = use_cache and config.cache
    key = cache.cache_key(config) if use_cache else ""
    cached = cache.load(root, key) if use_cache else {}
    todo: list[tuple[str, str]] = []
    for path, kind in files:
        entry = cached.get(path)
        if entry is not None and entry.get("kind") == kind and _unchanged(root, path, entry):
            results[path] = FileResult.from_dict(path, entry)
        else:
            todo.append((path, kind))
    for result in _check_all(root, config, todo, jobs, facts_only=kinds is not None):
        results[result.path] = result
    if use_cache and todo and kinds is None:
        cache.save(root, key, {p: r.as_dict() for p, r in results.items() if p != CONFIG_FILE})
    return config, results, symlinked


def facts_of(root: Path, *kinds: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The one index for readers of the whole repository (list, metrics, actions, the weekly
    report, reminders, the rollup, postmortem triggers): kind -> path -> what the file says
    (its cached per-file facts, so a warm call costs a stat per file). Files that do not
    parse are left out; ``validate`` reports them."""
    _, results, _ = collect(root, kinds=kinds)
    found: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in kinds}
    for path, result in results.items():
        if result.kind in found and result.facts is not None:
            found[result.kind][path] = result.facts.info
    return found


def run(
    root: Path,
    only: Sequence[str] = (),
    jobs: int | None = None,
    use_cache: bool = True,
    today: date | None = None,
) -> Outcome:
    from incidentops.base.clock import now

    root = root.resolve()
    config, results, symlinked = collect(root, jobs, use_cache)

    findings = [f for r in results.values() for f in r.findings]
    findings.extend(
        Finding(p, 1, 1, "symlink", "error", "symbolic link to a directory; it is not followed")
        for p in symlinked
    )
    repository = Repository(
        {p: r.facts for p, r in results.items() if r.facts is not None},
        config,
        today or now().date(),
        root,
        frozenset(r.kind for r in results.values() if r.facts is None),
        use_cache,
    )
    for rule, check in repository_checks():
        findings.extend(
            Finding(path, line, column, rule.id, rule.level, message)
            for path, line, column, message in check(repository)
        )
    findings = with_settings(findings, config, {p: r.directives for p, r in results.items()})
    if only:
        wanted = set(only)
        folders = tuple(p for p in only if p.endswith("/") or p == "")
        findings = [f for f in findings if f.path in wanted or f.path.startswith(folders)]
    return Outcome(sorted(set(findings)), len(results), config)


def _unchanged(root: Path, path: str, entry: dict[str, object]) -> bool:
    """Same size and modification time as when checked (git's index does the same); else the
    content hash decides, so a touched but unchanged file is not checked again."""
    try:
        status = os.lstat(root / path)
        if stat.S_ISLNK(status.st_mode):
            return False
        if [status.st_size, status.st_mtime_ns] == entry.get("stat"):
            return True
        return digest((root / path).read_bytes()) == entry.get("digest")
    except OSError:
        return False


def _init_worker(root: Path, config: Config, facts_only: bool) -> None:
    global _worker_state
    _worker_state = (root, config, facts_only)


def _check_chunk(chunk: list[tuple[str, str]]) -> list[FileResult]:
    assert _worker_state is not None
    root, config, facts_only = _worker_state
    return _check_files(root, config, chunk, facts_only)


def _check_files(
    root: Path, config: Config, files: list[tuple[str, str]], facts_only: bool = False
) -> list[FileResult]:
    # Parsing allocates many short-lived objects and no cycles: the cyclic collector would
    # only add ~20% for nothing (reference counting frees them).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [check_file(root, path, kind, config, facts_only) for path, kind in files]
    finally:
        if was_enabled:
            gc.enable()


def _check_all(
    root: Path,
    config: Config,
    todo: list[tuple[str, str]],
    jobs: int | None,
    facts_only: bool = False,
) -> Iterable[FileResult]:
    workers = jobs or os.cpu_count() or 1
    if workers <= 1 or len(todo) < _PARALLEL_FROM:
        return _check_files(root, config, todo, facts_only)
    # fork shares the imported modules and compiled validators' code; each worker builds
    # its validators once and keeps them for every chunk
    size = max(16, len(todo) // (workers * 8))
    chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, context, _init_worker, (root, config, facts_only)) as pool:
        return [result for batch in pool.map(_check_chunk, chunks) for result in batch]


__all__ = ["RULES", "Outcome", "collect", "facts_of", "load_config", "run"]
