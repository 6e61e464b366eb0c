"""Which characters a YAML file can hold at all (YAML 1.2's c-printable set), import-free so
the command line can refuse such text while parsing its options."""

from __future__ import annotations

import re
import unicodedata

_UNHOLDABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def unholdable(text: str) -> str | None:
    """Why ``text`` cannot be stored in a YAML file (the first offending character), or None."""
    bad = _UNHOLDABLE.search(text)
    if bad is None:
        return None
    char = bad.group()
    if 0xD800 <= ord(char) <= 0xDFFF:
        name = "a lone surrogate"
    else:
        name = unicodedata.name(char, "").lower() or (
            "a control character" if ord(char) < 0xA0 else "a noncharacter"
        )
    return f"character U+{ord(char):04X} ({name}) cannot be stored in a YAML file"


def people_text(text: str) -> str:
    """Text as typed, with Windows line ends (CRLF, as browsers and GitHub send them) made LF:
    the one normalisation applied to what people write."""
    return text.replace("\r\n", "\n")


def holdable_only(text: str) -> str:
    """``text`` without the characters no YAML file can hold (for output captured from a
    program, which is not a person's text to refuse but a record to keep)."""
    return _UNHOLDABLE.sub("\ufffd", text)
