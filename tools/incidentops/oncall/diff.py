"""A rotation change reviewed as a diff: whose shifts a change to ``oncall/`` adds, removes or
moves, over a window, ready to paste into a pull-request comment."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from incidentops.base.config import Config
from incidentops.oncall.engine import segments, who
from incidentops.oncall.model import Schedule
from incidentops.oncall.views import hours, local, shifts

Shift = tuple[datetime, datetime, str, str]


@dataclass
class ScheduleDiff:
    schedule: Schedule
    status: str  # changed | added | removed
    changes: list[tuple[datetime, datetime, tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=list
    )
    added: list[Shift] = field(default_factory=list)
    removed: list[Shift] = field(default_factory=list)
    moved: list[tuple[Shift, Shift]] = field(default_factory=list)
    hours: dict[str, float] = field(default_factory=dict)


def _coverage_changes(
    base: Schedule, head: Schedule, start: datetime, end: datetime
) -> list[tuple[datetime, datetime, tuple[str, ...], tuple[str, ...]]]:
    points = sorted(
        {start}
        | {s.start for s in segments(base, start, end)}
        | {s.start for s in segments(head, start, end)}
    )
    changes: list[tuple[datetime, datetime, tuple[str, ...], tuple[str, ...]]] = []
    for position, point in enumerate(points):
        until = points[position + 1] if position + 1 < len(points) else end
        before = tuple(sorted(e.person for e in who(base, point)))
        after = tuple(sorted(e.person for e in who(head, point)))
        if before == after:
            continue
        if changes and changes[-1][1] == point and changes[-1][2:] == (before, after):
            changes[-1] = (changes[-1][0], until, before, after)
        else:
            changes.append((point, until, before, after))
    return changes


def compare(
    base: Schedule | None, head: Schedule | None, start: datetime, end: datetime
) -> ScheduleDiff | None:
    """None when nothing changes for anyone in [start, end)."""
    if base is None and head is None:
        return None
    shown = head or base
    assert shown is not None
    old = shifts(segments(base, start, end)) if base else []
    new = shifts(segments(head, start, end)) if head else []
    status = "added" if base is None else "removed" if head is None else "changed"
    result = ScheduleDiff(shown, status)
    if base is not None and head is not None:
        result.changes = _coverage_changes(base, head, start, end)
    removed = [s for s in old if s not in new]
    added = [s for s in new if s not in old]
    for shift in list(removed):
        twin = next(
            (a for a in added if a[2] == shift[2] and a[0] < shift[1] and shift[0] < a[1]), None
        )
        if twin is not None:
            result.moved.append((shift, twin))
            removed.remove(shift)
            added.remove(twin)
    result.added, result.removed = added, removed
    balance: dict[str, float] = defaultdict(float)
    for s, e, person, _ in new:
        balance[person] += (e - s).total_seconds() / 3600
    for s, e, person, _ in old:
        balance[person] -= (e - s).total_seconds() / 3600
    result.hours = {p: round(h, 2) for p, h in sorted(balance.items()) if abs(h) >= 0.01}
    if status == "changed" and not (result.changes or added or removed or result.moved):
        return None
    return result


def markdown(diffs: list[ScheduleDiff], base_label: str, head_label: str, days: int) -> str:
    if not diffs:
        return (
            f"### On-call preview: no shift changes\n\nBetween `{base_label}` and "
            f"`{head_label}` nobody's on-call time changes in the next {days} days.\n"
        )
    out = [f"### On-call preview: `{base_label}` → `{head_label}`, next {days} days", ""]
    for diff in diffs:
        schedule = diff.schedule
        out.append(
            f"#### `{schedule.id}` ({schedule.name}, times in {schedule.timezone})"
            + {"added": " — new schedule", "removed": " — schedule removed"}.get(diff.status, "")
        )
        out.append("")
        if diff.changes:
            out += ["| from | until | on call before | on call after |", "|---|---|---|---|"]
            out += [
                f"| {local(s, schedule)} | {local(e, schedule)} | {', '.join(b) or '**nobody**'}"
                f" | {', '.join(a) or '**nobody (gap)**'} |"
                for s, e, b, a in diff.changes
            ]
            out.append("")
        if diff.hours:
            balance = ", ".join(
                f"{p} {'+' if h > 0 else '−'}{hours(timedelta(hours=abs(h)))}"
                for p, h in diff.hours.items()
            )
            out += [f"**On-call time:** {balance}", ""]
        details = (
            [
                f"- moved: **{a[2]}** {local(a[0], schedule)} → {local(a[1], schedule)} is now "
                f"{local(b[0], schedule)} → {local(b[1], schedule)}"
                for a, b in diff.moved
            ]
            + [
                f"- added: **{p}** {local(s, schedule)} → {local(e, schedule)}"
                for s, e, p, _ in diff.added
            ]
            + [
                f"- removed: **{p}** {local(s, schedule)} → {local(e, schedule)}"
                for s, e, p, _ in diff.removed
            ]
        )
        if details:
            out += [
                f"<details><summary>Shifts added, removed or moved ({len(details)})</summary>",
                "",
                *details,
                "",
                "</details>",
                "",
            ]
    return "\n".join(out)


def between(
    root: Path, config: Config, base: str, head: str | None, begin: datetime, days: int
) -> str:
    """The Markdown preview of how on-call changes from revision ``base`` to ``head`` (the
    working tree when None) over ``days`` from ``begin``. Raises OnCallError."""
    from incidentops.oncall.repo import at_revision, from_directory

    end = begin + timedelta(days=days)
    before = at_revision(root, base, config)
    after = at_revision(root, head, config) if head else from_directory(root, config)
    diffs = [
        d
        for ident in sorted(set(before.schedules) | set(after.schedules))
        if (d := compare(before.schedules.get(ident), after.schedules.get(ident), begin, end))
    ]
    return markdown(diffs, base, head or "working tree", days)
