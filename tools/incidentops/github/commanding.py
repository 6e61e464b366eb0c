"""``incidentops github command``: one slash-command comment on an incident issue becomes
one commit, a reaction, the labels brought in step, and a reply.

Order matters for safety and for exactly-once:

1. ignore what is not ours to read (not created, a bot, a pull request, no incident label,
   not a command) — without an API call;
2. ask GitHub for the commenter's permission; anything short of the configured level, an
   API error included, is refused (fail closed);
3. find the incident by issue number; if the comment's ID is already in ``links.comments``
   the change is done, and only a missing reply or stale labels are made good;
4. apply the change and record the comment ID in the same commit, re-deciding on the fresh
   tree after a rejected push (a concurrent command is never lost, never applied twice).
"""

from __future__ import annotations

from typing import Any

from incidentops.github import labels, replies
from incidentops.github.commands import (
    Command,
    CommandError,
    applied,
    decide,
    is_command,
    parse,
    person_of_login,
    record_comment,
)
from incidentops.github.event import Comment, Event, Issue
from incidentops.github.outcomes import follow_up, notify_after, reply_for
from incidentops.github.run import Run
from incidentops.github.text import has_marker, marker, markers
from incidentops.incident.lifecycle import LifecycleError
from incidentops.repo.store import postmortem_status


class AlreadyApplied(Exception):
    pass


def from_event(run: Run, event: Event) -> int:
    issue, comment = event.issue, event.comment
    if event.name != "issue_comment" or issue is None or comment is None:
        return _skip(run, f"a {event.name} event carries no command")
    if event.action != "created":
        return _skip(run, f"comment {event.action}: only new comments are commands")
    if comment.author.bot:
        return _skip(run, f"comment by a bot ({comment.author.login})")
    if issue.is_pull_request:
        return _skip(run, "a pull request is not an incident")
    if run.config.github.incident_label not in issue.labels:
        return _skip(run, f"issue #{issue.number} has no {run.config.github.incident_label} label")
    if not is_command(comment.body):
        return _skip(run, "not a command")
    _catch_up(run, issue, comment)  # earlier commands first: they happened first
    return handle(run, issue, comment)


def handle(run: Run, issue: Issue, comment: Comment) -> int:
    login = comment.author.login
    reply_tag = marker("reply", comment=comment.id)
    allowed, role = run.authorised(login)
    if not allowed:
        need = run.config.github.command_permission
        run.say(f"refused: {login} has {role}, commands need {need}")
        _reply(run, issue.number, comment.id, replies.refused(reply_tag, login, role, need))
        return 0
    try:
        command = parse(comment.body)
    except CommandError as exc:
        _reply(run, issue.number, comment.id, replies.error(comment.id, str(exc), exc.command))
        return 0
    if command.name == "help":
        _reply(run, issue.number, comment.id, replies.help_text(comment.id))
        return 0
    from incidentops.repo import store

    try:
        found = store.find_by_issue(run.root, issue.number, issue.title)
    except LifecycleError as exc:
        _reply(run, issue.number, comment.id, replies.error(comment.id, str(exc), None))
        run.say(f"not applied: {exc}")
        return 2
    if found is None:
        text = replies.error(comment.id, f"issue #{issue.number} has no incident file", None)
        _reply(run, issue.number, comment.id, text)
        return 0
    path, data = found
    if command.name == "postmortem":
        from incidentops.github.postmortems import open_pull

        what = open_pull(run, str(data.get("id")), requested=True)
        _reply(run, issue.number, comment.id, replies.result(comment.id, what, [], run.where, None))
        return 0
    if applied(data, comment.id):
        run.say(f"comment {comment.id} is already applied to {data.get('id')}")
        _sync_labels(run, issue.number, _labels_now(run, issue.number), data)
        follow = follow_up(run, command, data)  # finish what a cut-off run left undone
        _reply(
            run, issue.number, comment.id, reply_for(run, command, data, None, follow, comment.id)
        )
        notify_after(run, str(data.get("id")))
        return 0
    run.api.react(comment.id, "eyes")
    return _apply(run, issue, comment, command, path, data)


def _catch_up(run: Run, issue: Issue, current: Comment) -> None:
    """Apply earlier commands on the issue that were neither applied nor answered: GitHub
    keeps one pending run per concurrency group and cancels the one before it."""
    from incidentops.github.event import Person
    from incidentops.repo import store

    comments = run.api.comments(issue.number)
    answered = {
        int(attributes["comment"])
        for c in comments
        if run.api.ours(c.user)
        for kind, attributes in markers(c.body)
        if kind == "reply" and attributes.get("comment", "").isdigit()
    }
    try:
        found = store.find_by_issue(run.root, issue.number, issue.title)
    except LifecycleError:
        return  # the incident file is broken: handling the current comment says so
    links = (found[1].get("links") or {}) if found else {}
    done = set(links.get("comments") or ()) if isinstance(links, dict) else set()
    for c in comments:
        bot = c.user.type == "Bot" or c.user.login.endswith("[bot]")
        if c.id >= current.id or c.id in answered or c.id in done or bot:
            continue
        if c.updated_at and c.created_at and c.updated_at != c.created_at:
            continue  # edited: what was run (or not) is not what it says now
        if not is_command(c.body or ""):
            continue
        run.say(f"catching up on comment {c.id}: its run was cancelled or failed")
        stamp = c.created_at.strftime("%Y-%m-%dT%H:%M:%SZ") if c.created_at else ""
        handle(run, issue, Comment(c.id, c.body, Person(c.user.login, bot), stamp))


def _apply(
    run: Run, issue: Issue, comment: Comment, command: Command, path: str, data: dict[str, Any]
) -> int:
    from incidentops.base.timeutil import parse_time
    from incidentops.repo import edit, gitops, operations

    at = parse_time(comment.created_at) or run.now
    actor = person_of_login(comment.author.login, run.people)
    people = run.people

    def change(current: dict[str, Any]) -> Any:
        if applied(current, comment.id):
            raise AlreadyApplied
        status = (
            postmortem_status(run.root, current, run.config) if command.name == "close" else None
        )
        return record_comment(
            decide(command, current, at, actor, run.config, people, status), current, comment.id
        )

    ident = str(data.get("id"))
    try:
        if run.dry_run:
            decided = change(data)
            before = (run.root / path).read_text(encoding="utf-8")
            after = edit.patch_text(before, decided.patch, "incident")
            edit.validate_text(run.root, path, after, run.config, "incident", before)
            run.say(f"would commit {path}: {decided.summary}")
            run.show_diff(path, before, after)
            _sync_labels(run, issue.number, list(issue.labels), decided.patch.apply_to_plain(data))
            _reply(
                run,
                issue.number,
                comment.id,
                replies.result(comment.id, decided.summary, decided.notes, run.where, None),
            )
            return 0
        outcome = operations.change(
            run.root,
            ident,
            change,
            run.config,
            operations.GitOptions(commit=True, push=True, author=run.author(comment.author.login)),
        )
    except AlreadyApplied:
        run.say(f"comment {comment.id} was applied meanwhile")
        _, fresh = store_load(run, ident)
        _sync_labels(run, issue.number, _labels_now(run, issue.number), fresh)
        _reply(run, issue.number, comment.id, reply_for(run, command, fresh, None, [], comment.id))
        return 0
    except CommandError as exc:
        _reply(run, issue.number, comment.id, replies.error(comment.id, str(exc), exc.command))
        run.say(f"not applied: {exc}")
        return 0
    except (edit.EditError, gitops.GitOpsError) as exc:
        text = replies.error(comment.id, f"could not save the change: {exc}", None)
        _reply(run, issue.number, comment.id, text)
        raise
    run.say(f"{outcome.summary} ({str(outcome.sha)[:8]})")
    _sync_labels(run, issue.number, list(issue.labels), outcome.data)
    notes = [*outcome.notes, *follow_up(run, command, outcome.data)]
    body = reply_for(run, command, outcome.data, outcome.sha, notes, comment.id, outcome.summary)
    _reply(run, issue.number, comment.id, body)
    notify_after(run, outcome.ident)
    return 0


def store_load(run: Run, ident: str) -> tuple[str, dict[str, Any]]:
    from incidentops.repo import store

    return store.load(run.root, ident)


def _labels_now(run: Run, number: int) -> list[str]:
    """The issue's labels as they are now (a redelivered event carries stale ones)."""
    return [label.name for label in run.api.issue(number).labels]


def _sync_labels(run: Run, number: int, current: list[str], data: dict[str, Any]) -> None:
    """Bring the labels in step; a failure here must not keep the reply from being posted
    (the change is committed; the next command's run syncs the labels again)."""
    from incidentops.github.api import GitHubError

    wanted = labels.wanted(current, data, run.config)
    if sorted(wanted) != sorted(current):
        try:
            run.api.set_labels(number, wanted)
        except GitHubError as exc:
            run.say(f"labels not synced: {exc}")


def _reply(run: Run, number: int, comment_id: int, body: str) -> None:
    """One reply per command comment, found by its marker. An existing one is left as it is
    (it was written when the command ran and names its commit) — unless it says the change
    could not be saved and it has been applied since: then it is corrected."""
    tag = marker("reply", comment=comment_id)
    existing = run.api.find_comment(
        number, lambda text: has_marker(text, "reply", comment=comment_id)
    )
    if existing is None:
        run.api.create_comment(number, body, tag)
    elif _UNSAVED in existing.body and _UNSAVED not in body and "**Not applied:**" not in body:
        run.api.edit_comment(existing, body)


_UNSAVED = "could not save the change"


def _skip(run: Run, why: str) -> int:
    run.say(f"nothing to do: {why}")
    return 0
