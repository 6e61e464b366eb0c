"""The labels an incident issue should carry: the incident label, ``severity:<level>`` and
``status:<state>``, next to whatever people added themselves (pure)."""

from __future__ import annotations

from typing import Any

from incidentops.base.config import Config

MANAGED_PREFIXES = ("severity:", "status:")


def wanted(current: list[str] | tuple[str, ...], data: dict[str, Any], config: Config) -> list[str]:
    kept = [name for name in current if not name.startswith(MANAGED_PREFIXES)]
    ours = [
        config.github.incident_label,
        f"severity:{data.get('severity')}",
        f"status:{data.get('status')}",
    ]
    return list(dict.fromkeys([*kept, *ours]))


TITLE_LIMIT = 256  # GitHub refuses longer issue titles (422)


def title(ident: str, title: str) -> str:
    """``[INC-2026-0043] <title>``, shortened to what GitHub accepts; a title that already
    starts with the ID is kept."""
    clean = title.strip()
    if not clean.startswith(f"[{ident}]"):
        clean = f"[{ident}] {clean}"
    return clean if len(clean) <= TITLE_LIMIT else clean[: TITLE_LIMIT - 1] + "…"
