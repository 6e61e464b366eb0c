"""The action-items table in a postmortem's body agrees with its front matter.

The front matter's ``action_items`` is what tools track (rollups, reminders); the table is
what people read. Every item appears in the table (matched by ID in the first column) with
the same owner, due date, priority and status, and the table lists no item the front matter
lacks. Columns are found by their header names (ID, Owner, Due, Priority, Status).

Passing::

    action_items:
      - {id: AI-1, title: Alert on pool saturation, owner: bob, due: 2026-12-01,
         priority: P1, status: open}
    ...
    | ID | Action | Owner | Due | Priority | Status |
    |----|--------|-------|-----|----------|--------|
    | AI-1 | Alert on pool saturation | bob | 2026-12-01 | P1 | open |

Failing (the table says ``done``, the front matter ``open``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from incidentops.base.config import Section
from incidentops.loader.markdown import plain_text, walk
from incidentops.validate.checks import _sections
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "action-items-table",
            "warning",
            "action-items table and front matter disagree",
            ("postmortem",),
        ),
    )
)

_COLUMNS = ("owner", "due", "priority", "status")


def check(ctx: FileContext) -> Iterator[Hit]:
    items = ctx.data.get("action_items")
    section = _sections.find(ctx, Section("Action items"))
    if not isinstance(items, list) or section is None or ctx.body is None:
        return
    rows = _table_rows(section.tokens)
    if rows is None:
        if items:
            yield section.line, 1, "the Action items section has no table of the items"
        return
    by_id = {str(r.get("id", "")).strip("` "): r for r in rows}
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        row = by_id.pop(item["id"], None)
        if row is None:
            line, column = ctx.at("action_items", index, "id")
            yield line, column, f"{item['id']} is not in the Action items table"
            continue
        for column_name in _COLUMNS:
            if column_name in row and str(item.get(column_name, "")) != row[column_name].strip(
                "@` "
            ):
                line = ctx.body.find_line(item["id"], section.line)
                yield (
                    line,
                    1,
                    (
                        f"{item['id']}: table says {column_name} {row[column_name]!r}, "
                        f"front matter says {item.get(column_name)!r}"
                    ),
                )
    for ident in by_id:
        if ident:
            yield (
                ctx.body.find_line(ident, section.line),
                1,
                (f"{ident} is in the table but not in the front matter's action_items"),
            )


def _table_rows(tokens: list[dict[str, Any]]) -> list[dict[str, str]] | None:
    for token in tokens:
        for node in walk(token):
            if node["type"] != "table":
                continue
            head, body = node["children"][0], node["children"][1]
            names = [plain_text(cell).lower() for cell in head["children"]]
            names = ["id" if n in ("id", "#") else n for n in names]
            return [
                dict(zip(names, (plain_text(cell) for cell in row["children"]), strict=False))
                for row in body.get("children", [])
            ]
    return None
