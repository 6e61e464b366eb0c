"""What a command's reply says, and what must follow a command in the same job (pure text
plus the postmortem pull request after /resolve: a push made with the job's token starts no
other workflow)."""

from __future__ import annotations

import re
from typing import Any

from incidentops.github import replies
from incidentops.github.commands import Command
from incidentops.github.run import Run


def follow_up(run: Run, command: Command, data: dict[str, Any]) -> list[str]:
    """What must follow a command in the same job (a push with the job's token starts no
    other workflow): the postmortem pull request after /resolve."""
    if command.name != "resolve" or data.get("status") != "resolved":
        return []
    from incidentops.github.api import GitHubError
    from incidentops.github.postmortems import needed, open_pull
    from incidentops.repo import gitops

    if needed(data, run) is not None:
        return []
    from incidentops.incident.lifecycle import LifecycleError
    from incidentops.repo import edit

    try:
        return [open_pull(run, str(data.get("id")))]
    except (GitHubError, gitops.GitOpsError, LifecycleError, edit.EditError) as exc:
        run.say(f"postmortem pull request not opened: {exc}")
        return [f"the postmortem pull request could not be opened ({exc}); the daily run retries"]


def notify_after(run: Run, ident: str) -> None:
    """Deliver the incident's pending notifications after its change was pushed, in the same
    job; what fails stays pending for the scheduled `incidentops notify flush`."""
    from incidentops.github.notifying import after_change
    from incidentops.repo.operations import GitOptions

    if run.dry_run:
        return
    git = GitOptions(commit=True, push=True, author=None)
    after_change(run.root, run.config, run.now, ident, git, run.say)


def reply_for(
    run: Run,
    command: Command,
    data: dict[str, Any],
    sha: str | None,
    notes: list[str],
    comment_id: int,
    summary: str | None = None,
) -> str:
    extra = None
    if command.name == "update":
        updates = data.get("updates") or []
        last = updates[-1] if updates else {}
        from incidentops.base.timeutil import parse_time
        from incidentops.incident.updates import update_text

        at = parse_time(last.get("at")) or run.now
        text = update_text(
            data, run.config, str(last.get("audience")), str(last.get("text")), at, run.root
        )
        extra = replies.update_published(text)
    if command.name == "resolve":
        severity = run.config.severity(str(data.get("severity")))
        if severity and severity.postmortem != "none":
            notes = [
                *notes,
                f"{severity.level} postmortem is {severity.postmortem}"
                + (
                    f", due in {severity.postmortem_due_days} days"
                    if severity.postmortem_due_days
                    else ""
                ),
            ]
    shown = summary or f"{data.get('id')}: /{command.name} applied"
    return replies.result(comment_id, shown, [as_command(n) for n in notes], run.where, sha, extra)


def as_command(note: str) -> str:
    """The core's hints name the command line; on an issue, name the slash-command."""
    return re.sub(r"`incidentops role \S+ ROLE HANDLE`", "`/role ROLE @login`", note)
