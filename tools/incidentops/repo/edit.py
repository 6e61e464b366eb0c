"""Round-trip edits: apply a :class:`~incidentops.patch.Patch` to a file so that everything the
person wrote and the patch does not touch (comments, key order, quoting, blank lines, flow
lists) stays byte-for-byte the same.

Every edit is validated in memory (parse, schema, file checks) before anything is written; an
edit whose result has an error-level finding raises :class:`EditRefused` and leaves the file
untouched. Writes are atomic: a temporary file beside the target, fsync, then ``os.replace``.

ruamel.yaml does the round trip. Its resolver is YAML 1.2 minus timestamps, like our loader:
a plain ``2026-11-23T10:15:00Z`` stays a string and is written back exactly as it was. New
strings are plain unless a YAML 1.1 or 1.2 reader could take them for something else (times,
``yes``, numbers) or they need quoting anyway; then they get double quotes, as in the samples.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from incidentops.base.config import Config
from incidentops.base.patch import Patch
from incidentops.loader import LoadProblem, split_front_matter
from incidentops.repo.roundtrip import PatchError, detect_indent, patch_yaml
from incidentops.validate import filecheck
from incidentops.validate.filecheck import MARKDOWN_KINDS, with_settings
from incidentops.validate.findings import Finding

__all__ = [
    "EditError",
    "EditRefused",
    "apply_patch",
    "create_file",
    "detect_indent",
    "patch_text",
    "replace_file",
    "rewrite_file",
    "validate_text",
]


class EditError(Exception):
    """The edit cannot be made: the file is missing, unreadable, or changed meanwhile."""


class EditRefused(EditError):
    """The edit would leave an invalid file; ``reason`` names each rule and problem."""

    def __init__(self, reason: str, findings: list[Finding] | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.findings = findings or []


def apply_patch(
    root: Path, relative: str, patch: Patch, config: Config, kind: str = "incident"
) -> str:
    """Apply ``patch`` to ``root/relative``, validate, write atomically; return the new text.

    Raises :class:`EditRefused` (file unchanged) when the patch cannot be applied or the
    result has an error-level finding, :class:`EditError` when the file cannot be read.
    """
    target = _target(root, relative)
    try:
        raw = target.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EditError(f"{relative}: cannot read: {exc}") from None
    new_text = patch_text(text, patch, kind)
    if new_text == text:
        return text
    validate_text(root, relative, new_text, config, kind, before=text)
    _write_atomic(target, new_text, expected=raw)
    return new_text


def create_file(
    root: Path, relative: str, text: str, config: Config, kind: str = "incident"
) -> str:
    """Write a new file after validating it; refuses (EditError) if it exists already."""
    target = _target(root, relative)
    if target.exists() or target.is_symlink():
        raise EditError(f"{relative}: already exists")
    validate_text(root, relative, text, config, kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(target, text, mode=0o644)
    try:
        os.link(temporary, target)  # fails if the name was taken meanwhile: no overwrite
    except FileExistsError:
        raise EditError(f"{relative}: already exists") from None
    finally:
        Path(temporary).unlink()
    return text


def replace_file(root: Path, relative: str, text: str, config: Config, kind: str) -> None:
    """Write a machine-kept file whole (a deliveries file), after validating it: created when
    missing, else replaced atomically. Not for files people edit (their layout would go)."""
    target = _target(root, relative)
    validate_text(root, relative, text, config, kind)
    if not target.exists():
        create_file(root, relative, text, config, kind)
        return
    _write_atomic(target, text, expected=target.read_bytes())


def patch_text(text: str, patch: Patch, kind: str = "incident") -> str:
    """``text`` with ``patch`` applied, keeping untouched formatting (no validation)."""
    if kind in MARKDOWN_KINDS:
        try:
            yaml_text, _, body, body_offset = split_front_matter(text)
        except LoadProblem as problem:
            raise EditRefused(f"{problem.rule}: {problem.message}") from None
        lines = text.split("\n")
        new_yaml = _patch(yaml_text + "\n", patch, kind)
        return f"{lines[0]}\n{new_yaml}{lines[body_offset - 1]}\n{body}"
    return _patch(text, patch, kind)


def _patch(text: str, patch: Patch, kind: str) -> str:
    try:
        return patch_yaml(text, patch, kind)
    except PatchError as exc:
        raise EditRefused(str(exc)) from None


def validate_text(
    root: Path, relative: str, text: str, config: Config, kind: str, before: str | None = None
) -> None:
    """Raise :class:`EditRefused` if ``text`` as ``relative`` has an error-level finding that
    ``before`` (the file as it was) did not have: an incident with a problem someone else
    introduced can still be updated mid-outage, but no edit adds a problem."""
    known: set[tuple[str, str]] = set()
    if before is not None:
        known = {(f.rule, f.message) for f in check_text(relative, before, config, kind)}
    errors = [
        f
        for f in check_text(relative, text, config, kind)
        if f.level == "error" and (f.rule, f.message) not in known
    ]
    if errors:
        reason = "; ".join(f"{f.path}:{f.line}: {f.rule}: {f.message}" for f in errors)
        raise EditRefused(f"edit refused, the result would be invalid: {reason}", errors)


def check_text(relative: str, text: str, config: Config, kind: str) -> list[Finding]:
    """The file checks of ``check_file`` on text in memory, with the configured rule levels
    and the file's inline directives applied."""
    result = filecheck.check_text(relative, kind, text, config)
    return with_settings(result.findings, config, {relative: result.directives})


# -- writing ----------------------------------------------------------------------------------


def rewrite_file(root: Path, relative: str, text: str, expected: bytes) -> None:
    """Replace a file that is not a record (the issue form) atomically, refusing if it no
    longer holds ``expected`` (someone changed it since it was read)."""
    _write_atomic(_target(root, relative), text, expected)


def _target(root: Path, relative: str) -> Path:
    """``root/relative``, refusing paths that leave the repository or go through a link."""
    parts = Path(relative).parts
    if not relative or Path(relative).is_absolute() or ".." in parts:
        raise EditError(f"{relative!r}: not a path inside the repository")
    target = root / relative
    if target.is_symlink():
        raise EditError(f"{relative}: is a symbolic link; not editing through it")
    return target


def _temporary(target: Path, text: str, mode: int) -> str:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        Path(name).chmod(mode)
    except BaseException:
        Path(name).unlink()
        raise
    return name


def _write_atomic(target: Path, text: str, expected: bytes) -> None:
    mode = stat.S_IMODE(target.stat().st_mode)
    temporary = _temporary(target, text, mode)
    try:
        # a concurrent writer since we read would be silently overwritten: say so instead
        if target.read_bytes() != expected:
            raise EditError(f"{target.name}: changed while being edited; try again")
        Path(temporary).replace(target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            Path(temporary).unlink()
        raise


__all__ = [
    "EditError",
    "EditRefused",
    "apply_patch",
    "check_text",
    "create_file",
    "detect_indent",
    "patch_text",
    "replace_file",
    "rewrite_file",
    "validate_text",
]
