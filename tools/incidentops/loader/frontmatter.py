"""Markdown with YAML front matter: split the two, keeping each part's line offset."""

from __future__ import annotations

from incidentops.loader.document import LoadProblem


def split_front_matter(text: str) -> tuple[str, int, str, int]:
    """Return ``(yaml_text, yaml_offset, body, body_offset)``.

    Offsets are the number of file lines before each part, so a 1-based line inside a part
    plus its offset is the line in the file. The file must open with a ``---`` line; the
    ``# yaml-language-server`` comment goes inside the front matter, where editors read it.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise LoadProblem("front-matter", "missing YAML front matter (the first line is not '---')")
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            return "\n".join(lines[1:end]), 1, "\n".join(lines[end + 1 :]), end + 1
    raise LoadProblem("front-matter", "front matter is not closed (no second '---' line)")
