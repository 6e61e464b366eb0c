"""``incidentops github actions-sync``: a tracking issue for each action item that asks for
one (``track: true``) and has none, its number recorded back in the postmortem; and a closed
tracking issue marks its item done (``wont-do`` when closed as not planned) on the next sync.

The postmortem edits are one commit pushed to the default branch, or — where that branch is
protected (``github.actions_sync: pull-request``) — one pull request from branch
``actions-sync/<date>``. A tracking issue carries a marker naming its item, so a run cut off
between opening the issue and recording it finds the issue instead of opening another."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from incidentops.base.patch import Patch
from incidentops.followup import actions
from incidentops.github.run import Run
from incidentops.github.text import has_marker, marker, mention, neutral_line


def _key(item: actions.Item) -> str:
    return f"{item.incident}.{item.id}"


def _body(run: Run, item: actions.Item) -> str:
    owner = run.people.get(item.owner) or {}
    login = owner.get("github")
    who = str(owner.get("name") or item.owner)
    if run.config.github.rollup_mentions and isinstance(login, str) and login:
        who = f"{mention(login)} ({neutral_line(who)})"
    return "\n".join(
        [
            marker("action-item", key=_key(item)),
            f"Action item **{item.id}** from the postmortem of **{item.incident}**: "
            f"{neutral_line(item.title, 300)}",
            "",
            f"- Owner: {who}",
            f"- Priority: {item.priority}; due {item.due.isoformat() if item.due else 'not set'}",
            f"- Postmortem: [{item.postmortem}]({run.where.blob(item.postmortem)}#L{item.line})",
            "",
            "Close this issue when it is done (or as not planned): the next sync marks the item "
            "`done` (or `wont-do`) in the postmortem.",
        ]
    )


BRANCH = "incidentops/actions-sync"
RECENT = timedelta(days=7)  # how far back a run looks for tracking issues made or closed


def sync(run: Run, _event: Any = None) -> int:
    """Costs one listing of the tracking issues touched in the last week (to find one a
    cut-off run made, and those closed since), plus one write per issue to open: not one
    request per item, however many there are."""
    found = actions.from_repository(run.root)
    edits: dict[str, Patch] = {}
    label = run.config.github.tracking_label
    needing = [i for i in found if i.track and i.issue is None and i.open]
    tracked = {i.issue: i for i in found if i.issue is not None and i.open}
    recent = _recent(run, label) if needing or tracked else []
    for item in needing:
        tag = marker("action-item", key=_key(item))
        issue = next(
            (
                i
                for i in recent
                if run.api.ours(i.user) and has_marker(i.body, "action-item", key=_key(item))
            ),
            None,
        )
        if issue is None:
            title = f"[{item.incident} {item.id}] {' '.join(item.title.split())[:200]}"
            issue = run.api.create_issue(title, _body(run, item), [label, item.priority], tag)
        if issue is not None:
            edits.setdefault(item.postmortem, Patch()).set(
                "action_items", item.index, "issue", value=issue.number
            )
            run.say(f"{item.key()}: tracked in #{issue.number}")
    for issue in recent:
        done = tracked.get(issue.number)
        if done is None or issue.state != "closed":
            continue
        status = "wont-do" if getattr(issue, "state_reason", None) == "not_planned" else "done"
        edits.setdefault(done.postmortem, Patch()).set(
            "action_items", done.index, "status", value=status
        )
        run.say(f"{done.key()}: #{done.issue} is closed, marking it {status}")
    if not edits:
        run.say("action items in step with their tracking issues")
        return 0
    return _record(run, edits)


def _recent(run: Run, label: str) -> list[Any]:
    """Tracking issues (open or closed) updated in the last week, one paginated listing."""
    since = (run.now - RECENT).astimezone(UTC).replace(tzinfo=None)
    return run.api.call(
        f"GET issues labelled {label} updated since {since:%Y-%m-%d}",
        lambda: list(run.api.repo.get_issues(state="all", labels=[label], since=since)),
    )


def _record(run: Run, edits: dict[str, Patch]) -> int:
    from incidentops.repo import edit, gitops
    from incidentops.repo.branches import push_new_branch

    message = f"Action items: sync with their tracking issues ({len(edits)} postmortem(s))"
    if run.dry_run:
        for path, patch in edits.items():
            before = (run.root / path).read_text(encoding="utf-8")
            run.show_diff(path, before, edit.patch_text(before, patch, "postmortem"))
        return 0

    def apply(tree: Path) -> list[str]:
        for path, patch in edits.items():
            edit.apply_patch(tree, path, patch, run.config, "postmortem")
        return sorted(edits)

    if run.config.github.actions_sync == "pull-request":
        # One branch the tool owns, rebuilt from main with what is due now: an unmerged pull
        # request is brought up to date, never joined by a second one.
        push_new_branch(run.root, BRANCH, apply, message, base=run.where.branch, replace=True)
        pull = run.api.find_pull(BRANCH)
        if pull is None or pull.state != "open":
            pull = run.api.create_pull(
                "Action items: sync with their tracking issues",
                marker("actions-sync")
                + "\nRecords tracking-issue numbers and finished items in postmortems "
                "(kept up to date by `incidentops github actions-sync`).",
                BRANCH,
                run.where.branch,
            )
        run.say(f"proposed in pull request #{getattr(pull, 'number', '?')}")
        return 0
    sha = gitops.push_with_retry(run.root, lambda: apply(run.root), message)
    run.say(f"recorded in {sha[:8]}")
    return 0
