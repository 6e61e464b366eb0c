"""``incidentops github rollup``: exactly one open issue listing overdue and soon-due action
items, grouped by owner; edited in place only when its text changes, closed when nothing is
overdue, and the same issue reopened when something is again. Found by its label and
marker; one list request and at most one write per run, however long the history."""

from __future__ import annotations

from datetime import date
from typing import Any

from incidentops.followup import actions
from incidentops.github.run import Run
from incidentops.github.text import has_marker, marker, mention, neutral_line

TITLE = "Overdue action items"


def body(
    overdue: list[actions.Item],
    soon: list[actions.Item],
    today: date,
    run: Run,
    issues: dict[str, int],
) -> str:
    """The issue text (pure apart from ``run``'s settings, links and people)."""
    lines = [marker("rollup"), f"## {TITLE}", ""]
    postmortems = len({i.postmortem for i in [*overdue, *soon]})
    oldest = max(overdue, key=lambda i: i.days_overdue(today)) if overdue else None
    lines.append(
        f"**{len(overdue)} overdue**, {len(soon)} due in the next "
        f"{run.config.github.soon_days} days, from {postmortems} postmortem"
        f"{'s' if postmortems != 1 else ''}."
        + (
            f" Oldest overdue: {oldest.days_overdue(today)} days ({oldest.key()})."
            if oldest
            else ""
        )
    )
    for owner, group in actions.by_owner([*overdue, *soon]).items():
        lines += ["", f"### {_owner(owner, run)} — {len(group)}", ""]
        for item in group:
            state = "**overdue**" if item.overdue(today) else "soon"
            link = f"[{item.key()}]({run.where.blob(item.postmortem)}#L{item.line})"
            incident = item.incident
            if item.incident in issues:
                incident += f" (#{issues[item.incident]})"
            tracked = f" · tracked in #{item.issue}" if item.issue else ""
            lines.append(
                f"- {state} {link} {neutral_line(item.title, 200)} — {item.priority}, "
                f"{actions.describe_due(item, today)} · {incident}{tracked}"
            )
    lines += [
        "",
        "_Kept by `incidentops github rollup` from the postmortems on the default branch. "
        "To clear an item, set its `status` to `done` (or `wont-do`) in the postmortem's "
        "front matter._",
    ]
    return "\n".join(lines)


def _owner(handle: str, run: Run) -> str:
    person = run.people.get(handle) or {}
    name = neutral_line(str(person.get("name") or handle or "(no owner)"))
    login = person.get("github")
    if run.config.github.rollup_mentions and isinstance(login, str) and login:
        try:
            return f"{mention(login)} ({name})"
        except ValueError:
            pass
    return name


def _incident_issues(run: Run) -> dict[str, int]:
    from incidentops.validate.index import facts_of

    return {
        str(info.get("id")): int(info["issue"])
        for info in facts_of(run.root, "incident")["incident"].values()
        if isinstance(info.get("issue"), int)
    }


def find_issue(run: Run, label: str, kind: str) -> Any | None:
    """The bot's issue with ``label`` and marker ``kind`` (open or closed), newest first.
    (``issue.pull_request`` is not read: absent on a plain issue, asking for it costs a GET.)"""

    def first() -> Any | None:
        # newest first, page by page, stopping at the first of ours: one request unless
        # people filed many newer issues under the same label
        for issue in run.api.repo.get_issues(state="all", labels=[label]):
            if run.api.ours(issue.user) and has_marker(issue.body, kind):
                return issue
        return None

    return run.api.call(f"GET issues labelled {label}", first)


def rollup(run: Run, _event: Any = None) -> int:
    today = run.now.date()
    found = actions.from_repository(run.root)
    overdue = [i for i in found if i.overdue(today)]
    soon = [i for i in found if i.due_within(today, run.config.github.soon_days)]
    label = run.config.github.rollup_label
    issue = find_issue(run, label, "rollup")
    if not overdue:
        if issue is not None and issue.state == "open":
            done = "\n".join(
                [marker("rollup"), f"## {TITLE}", "", f"Nothing overdue as of {today}."]
            )
            run.api.edit_issue(issue.number, body=done, state="closed", state_reason="completed")
            run.say(f"nothing overdue: closed #{issue.number}")
        else:
            run.say("nothing overdue")
        return 0
    text = body(overdue, soon, today, run, _incident_issues(run))
    if issue is None:
        created = run.api.create_issue(TITLE, text, [label], marker("rollup"))
        run.say(f"opened #{getattr(created, 'number', '?')}: {len(overdue)} overdue")
    elif issue.state != "open":
        run.api.edit_issue(issue.number, body=text, state="open")
        run.say(f"reopened #{issue.number}: {len(overdue)} overdue")
    elif issue.body != text:
        run.api.edit_issue(issue.number, body=text)
        run.say(f"updated #{issue.number}: {len(overdue)} overdue")
    else:
        run.say(f"#{issue.number} is up to date: {len(overdue)} overdue")
    return 0


def weekly(run: Run, _event: Any = None) -> int:
    """Post the weekly report to ``github.weekly_issue``, once per ISO week."""
    from incidentops.followup.weekly import build, to_markdown

    number = run.config.github.weekly_issue
    if number is None:
        run.say("github.weekly_issue is not set in incidentops.yaml: nothing to post")
        return 0
    year, week, _ = run.now.isocalendar()
    key = f"{year}-W{week:02d}"
    tag = marker("weekly", week=key)
    comments = run.api.comments(number)
    if run.api.find_comment(number, lambda text: has_marker(text, "weekly", week=key), comments):
        run.say(f"the report for {key} is already on #{number}")
        return 0
    text = to_markdown(build(run.root, run.config, run.now), inert=True)
    run.api.create_comment(number, f"{tag}\n{text}", tag)
    run.say(f"posted the report for {key} on #{number}")
    return 0
