"""The one problem type every check produces, and the levels it can carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["error", "warning", "info"]
LEVELS: tuple[Level, ...] = ("error", "warning", "info")
LEVEL_RANK: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at a place in a file. Lines and columns are 1-based.

    Field order is the sort order: by file, then position, then rule.
    """

    path: str
    line: int
    column: int
    rule: str
    level: Level
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            data["path"], data["line"], data["column"], data["rule"], data["level"], data["message"]
        )


def count_by_level(findings: list[Finding]) -> dict[Level, int]:
    counts: dict[Level, int] = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[finding.level] += 1
    return counts
