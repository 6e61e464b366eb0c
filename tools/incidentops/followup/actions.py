"""Action items across every postmortem (pure): read from the postmortems' front matter (the
per-file facts ``validate`` caches), filtered and grouped for people, the rollup issue and
the weekly report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from incidentops.base.timeutil import parse_date

OPEN_STATES = ("open", "in-progress")
PRIORITIES = ("P0", "P1", "P2", "P3")


@dataclass(frozen=True)
class Item:
    postmortem: str  # path
    line: int
    incident: str
    id: str
    title: str
    owner: str
    due: date | None
    priority: str
    status: str
    issue: int | None = None
    track: bool = False
    index: int = 0  # position in the postmortem's action_items list

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATES

    def overdue(self, today: date) -> bool:
        return self.open and self.due is not None and self.due < today

    def days_overdue(self, today: date) -> int:
        return (today - self.due).days if self.due else 0

    def due_within(self, today: date, days: int) -> bool:
        return (
            self.open
            and self.due is not None
            and today <= self.due
            and (self.due - today).days <= days
        )

    def key(self) -> str:
        return f"{self.incident}/{self.id}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        return data


def items(postmortems: Iterable[tuple[str, dict[str, Any]]]) -> list[Item]:
    """Every action item of every postmortem; ``postmortems`` are (path, facts info)."""
    found = []
    for path, info in postmortems:
        for raw in info.get("action_items") or ():
            if not isinstance(raw, dict) or not raw.get("id"):
                continue
            issue = raw.get("issue")
            found.append(
                Item(
                    postmortem=path,
                    line=int(raw.get("line") or 1),
                    incident=str(info.get("incident") or ""),
                    id=str(raw["id"]),
                    title=str(raw.get("title") or ""),
                    owner=str(raw.get("owner") or ""),
                    due=parse_date(raw.get("due")),
                    priority=str(raw.get("priority") or "P3"),
                    status=str(raw.get("status") or "open"),
                    issue=issue if isinstance(issue, int) and not isinstance(issue, bool) else None,
                    track=raw.get("track") is True,
                    index=int(raw.get("index", 0)),
                )
            )
    return sorted(
        found,
        key=lambda i: (
            i.due or date.max,
            PRIORITIES.index(i.priority) if i.priority in PRIORITIES else 9,
            i.key(),
        ),
    )


def select(
    found: list[Item],
    today: date,
    *,
    overdue: bool = False,
    due_within: int | None = None,
    owner: str | None = None,
    include_closed: bool = False,
) -> list[Item]:
    """``overdue`` and ``due_within`` together mean either; neither means every open item."""
    chosen = []
    for item in found:
        if owner and item.owner != owner:
            continue
        if not include_closed and not item.open:
            continue
        wanted = (overdue and item.overdue(today)) or (
            due_within is not None and item.due_within(today, due_within)
        )
        if (overdue or due_within is not None) and not wanted:
            continue
        chosen.append(item)
    return chosen


def by_owner(found: list[Item]) -> dict[str, list[Item]]:
    groups: dict[str, list[Item]] = {}
    for item in found:
        groups.setdefault(item.owner, []).append(item)
    return dict(sorted(groups.items()))


def describe_due(item: Item, today: date) -> str:
    if item.due is None:
        return "no due date"
    if item.overdue(today):
        days = item.days_overdue(today)
        return f"due {item.due.isoformat()}, {days} day{'s' if days != 1 else ''} overdue"
    left = (item.due - today).days
    return f"due {item.due.isoformat()}" + (" (today)" if left == 0 else f", in {left} d")


def text(found: list[Item], today: date) -> str:
    if not found:
        return "No action items match.\n"
    lines = []
    for owner, group in by_owner(found).items():
        lines.append(f"{owner or '(no owner)'} ({len(group)})")
        for item in group:
            mark = "!" if item.overdue(today) else " "
            lines.append(
                f" {mark} {item.key():<20} {item.priority}  {describe_due(item, today):<32} "
                f"{item.title}  [{item.status}] {item.postmortem}:{item.line}"
            )
    overdue = sum(1 for i in found if i.overdue(today))
    lines.append(f"{len(found)} item(s), {overdue} overdue")
    return "\n".join(lines) + "\n"


def markdown(found: list[Item], today: date, link: Any = None) -> str:
    """A table per owner; ``link(path, line)`` makes a URL (else the path is shown)."""
    if not found:
        return "No action items match.\n"
    out = []
    for owner, group in by_owner(found).items():
        out += [f"#### {owner or '(no owner)'} ({len(group)})", ""]
        out += ["| item | priority | due | status | title |", "|---|---|---|---|---|"]
        for item in group:
            where = f"{item.postmortem}#L{item.line}"
            ref = f"[{item.key()}]({link(item.postmortem, item.line)})" if link else f"`{where}`"
            title = item.title.replace("|", "\\|")
            out.append(
                f"| {ref} | {item.priority} | {describe_due(item, today)} | {item.status} "
                f"| {title} |"
            )
        out.append("")
    return "\n".join(out)


def from_repository(root: Any) -> list[Item]:
    """Every action item in the repository at ``root`` (reads the cached per-file facts, so
    a warm run costs a stat per file)."""
    from incidentops.validate.index import facts_of

    return items(facts_of(root, "postmortem")["postmortem"].items())
