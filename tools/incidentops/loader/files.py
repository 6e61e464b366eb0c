"""Reading a repository file as text: size cap, UTF-8 only, no symbolic links, no escapes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from incidentops.loader.document import LoadProblem


def read_text(root: Path, relative: str, max_bytes: int) -> tuple[str, bytes]:
    """Return the file's text (BOM removed) and its raw bytes.

    ``root`` must already be resolved. Raises :class:`LoadProblem` for a symbolic link
    anywhere on the path, a path that leaves the repository, an oversized or non-UTF-8 file.
    """
    parts = relative.replace("\\", "/").split("/")
    if ".." in parts or relative.startswith("/") or Path(relative).is_absolute():
        raise LoadProblem("path-outside-repository", "path leaves the repository")
    # plain strings and lstat: this runs for every file, and Path objects cost more than the
    # system calls
    probe = str(root)
    for index, part in enumerate(parts):
        probe = f"{probe}/{part}"
        if os.path.islink(probe):  # noqa: PTH114 - see above
            raise LoadProblem(
                "symlink", f"symbolic links are not followed ({'/'.join(parts[: index + 1])})"
            )
    path = root / relative
    try:
        status = os.stat(probe)  # noqa: PTH116
        if not stat.S_ISREG(status.st_mode):  # a directory, or a FIFO that would block the read
            raise LoadProblem("unreadable", "not a regular file")
        size = status.st_size
        if size > max_bytes:
            raise LoadProblem(
                "file-too-large", f"file is {size:,} bytes; the limit is {max_bytes:,}"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise LoadProblem("unreadable", f"cannot read file: {exc.strerror}") from None
    return decode_utf8(data), data


def decode_utf8(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        # in characters, as YAML positions are (what comes before the bad byte is valid UTF-8)
        column = len(data[line_start : exc.start].decode("utf-8")) + 1
        raise LoadProblem(
            "encoding",
            f"not UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
            line,
            column,
        ) from None
