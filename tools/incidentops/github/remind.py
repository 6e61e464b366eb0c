"""``incidentops github remind`` (every 15 minutes): one comment per missed update interval
on each open incident's issue naming the overdue update and the commander, one "still
going?" note per quiet spell, one reminder on a postmortem pull request past its due date.

API budget: the reminders due are worked out from the files (the facts cache), then the
repository's recent comments are listed once (``since`` the earliest reminder could have
been posted) to see which were already made, and only the missing ones are written. So a run
costs a handful of requests however many incidents the repository holds, plus one per
reminder actually due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from incidentops.followup.reminders import Reminder, due, postmortems_overdue
from incidentops.github.run import Run
from incidentops.github.text import marker, markers, mention


def _commander(run: Run, handle: str | None) -> str:
    person = run.people.get(handle or "") or {}
    login = person.get("github")
    if isinstance(login, str) and login:
        try:
            return mention(login)
        except ValueError:
            pass
    return str(person.get("name") or handle or "commander (unassigned: `/role commander @login`)")


def _posted(run: Run, since: datetime) -> set[tuple[str, str, str]]:
    """(incident, kind, key) of every reminder the bot posted since ``since``."""
    when = since.astimezone(UTC).replace(tzinfo=None)
    comments = run.api.call(
        "GET recent issue comments",
        lambda: list(run.api.repo.get_issues_comments(since=when)),
    )
    return _reminders_in(run, comments)


def _reminders_in(run: Run, comments: list[Any]) -> set[tuple[str, str, str]]:
    """(incident, kind, key) of the reminders among ``comments`` the bot wrote."""
    return {
        (a.get("id", ""), a.get("kind", ""), a.get("key", ""))
        for c in comments
        if run.api.ours(c.user)
        for kind, a in markers(c.body)
        if kind == "remind"
    }


LATE_POSTMORTEM_WINDOW = timedelta(days=30)


def remind(run: Run, _event: Any = None, postmortems: bool = False) -> int:
    """Update and quiet-incident reminders; with ``postmortems`` (the daily run) instead the
    reminders on late postmortem pull requests, which change by the day, not the minute."""
    from incidentops.validate.index import facts_of

    index = facts_of(run.root, "incident", "postmortem")
    incidents = list(index["incident"].values())
    if postmortems:
        statuses = {path: info.get("status") for path, info in index["postmortem"].items()}
        return _late_postmortems(run, incidents, statuses)
    wanted = due(incidents, run.config, run.now, run.config.github.stale_hours)
    updates = [r for r in wanted if r.kind == "update"]
    # "Still going?" is checked in the first run of each hour, one comment listing per quiet
    # incident (since it went quiet: few comments); the update reminders' single listing then
    # need only reach back one cadence, however long an incident has been quiet.
    quiet = [r for r in wanted if r.kind == "stale"] if run.now.minute < 15 else []
    if not updates and not quiet:
        run.say("no reminder due")
        return 0
    posted = _posted(run, min(r.since for r in updates)) if updates else set()
    for reminder in quiet:
        posted |= _posted_on(run, reminder)
    return _post(run, [*updates, *quiet], posted)


def _posted_on(run: Run, reminder: Reminder) -> set[tuple[str, str, str]]:
    when = reminder.since.astimezone(UTC).replace(tzinfo=None)
    comments = run.api.call(
        f"GET comments of #{reminder.issue} since {when:%Y-%m-%d %H:%M}",
        lambda: list(run.api.repo.get_issue(reminder.issue).get_comments(since=when)),
    )
    return _reminders_in(run, comments)


def _late_postmortems(run: Run, incidents: list[dict[str, Any]], statuses: dict[str, Any]) -> int:
    """One reminder on each open postmortem pull request that fell due in the last 30 days
    (older ones are in validate's postmortem-overdue and the rollup): two reads each."""
    from incidentops.github.postmortems import branch_of

    wanted: list[Reminder] = []
    posted: set[tuple[str, str, str]] = set()
    horizon = (run.now - LATE_POSTMORTEM_WINDOW).date().isoformat()
    for ident, due_on in postmortems_overdue(incidents, statuses, run.config, run.now.date()):
        if due_on < horizon:
            continue
        pull = run.api.find_pull(branch_of(ident))
        if pull is None or pull.state != "open":
            continue  # no pull request (the reconcile opens it) or merged/closed
        key = (ident, "postmortem", due_on)
        made = _reminders_in(run, run.api.comments(pull.number))
        if any(found[:2] == (ident, "postmortem") for found in made):
            posted.add(key)
        wanted.append(
            Reminder(
                ident,
                "postmortem",
                due_on,
                pull.number,
                datetime.fromisoformat(due_on).replace(tzinfo=UTC),
                f"The postmortem of {ident} was due {due_on}. Finish the TODOs, set "
                "`status: final` once reviewed, and merge.",
            )
        )
    if not wanted:
        run.say("no postmortem pull request is late")
        return 0
    return _post(run, wanted, posted)


def _post(run: Run, wanted: list[Reminder], posted: set[tuple[str, str, str]]) -> int:
    from incidentops.github.api import GitHubError

    sent, failed = 0, 0
    for reminder in wanted:
        if (reminder.ident, reminder.kind, reminder.key) in posted:
            continue
        tag = marker("remind", id=reminder.ident, kind=reminder.kind, key=reminder.key)
        who = _commander(run, reminder.commander) if reminder.kind != "postmortem" else ""
        text = f"{tag}\n**{reminder.text}**" + (f"\n\n{who}" if who else "")
        try:
            run.api.create_comment(reminder.issue, text, tag)
        except GitHubError as exc:  # one issue's trouble must not silence the others
            failed += 1
            run.say(f"{reminder.ident}: {reminder.kind} reminder not posted: {exc}")
            continue
        sent += 1
        run.say(f"{reminder.ident}: {reminder.kind} reminder ({reminder.key}) on #{reminder.issue}")
    done = len(wanted) - sent - failed
    run.say(f"{sent} reminder(s) posted, {done} already made, {failed} failed")
    return 2 if failed else 0
