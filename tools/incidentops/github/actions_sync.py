"""``incidentops github actions-sync``: a tracking issue for each action item that asks for
one (``track: true``) and has none, its number recorded back in the postmortem; and a closed
tracking issue marks its item done (``wont-do`` when closed as not planned) on the next sync.

The postmortem edits are one commit pushed to the default branch, or — where that branch is
protected (``github.actions_sync: pull-request``) — one pull request from branch
``actions-sync/<date>``. A tracking issue carries a marker naming its item, so a run cut off
between opening the issue and recording it finds the issue instead of opening another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from incidentops import actions
from incidentops.github.run import Run
from incidentops.github.text import has_marker, marker, mention, neutral_line
from incidentops.patch import Patch


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


def sync(run: Run, _event: Any = None) -> int:
    found = actions.from_repository(run.root)
    edits: dict[str, Patch] = {}
    indexes = _indexes(run.root, found)
    label = run.config.github.tracking_label
    existing: list[Any] | None = None
    for item in found:
        if not (item.track and item.issue is None and item.open):
            continue
        if existing is None:  # one listing, only when some item needs an issue
            existing = run.api.call(
                f"GET issues labelled {label}",
                lambda: list(run.api.repo.get_issues(state="all", labels=[label])),
            )
        tag = marker("action-item", key=_key(item))
        issue = next(
            (
                i
                for i in existing
                if run.api.ours(i.user) and has_marker(i.body, "action-item", key=_key(item))
            ),
            None,
        )
        if issue is None:
            title = f"[{item.incident} {item.id}] {' '.join(item.title.split())[:200]}"
            issue = run.api.create_issue(title, _body(run, item), [label, item.priority], tag)
        if issue is not None:
            edits.setdefault(item.postmortem, Patch()).set(
                "action_items", indexes[item.key()], "issue", value=issue.number
            )
            run.say(f"{item.key()}: tracked in #{issue.number}")
    from incidentops.github.api import GitHubError

    failed = 0
    for item in found:
        if item.issue is None or not item.open:
            continue
        try:
            tracking = run.api.issue(item.issue)
        except GitHubError as exc:  # a deleted or transferred issue: say so, go on
            failed += 1
            run.say(f"{item.key()}: tracking issue not read: {exc}")
            continue
        if tracking.state != "closed":
            continue
        status = "wont-do" if getattr(tracking, "state_reason", None) == "not_planned" else "done"
        edits.setdefault(item.postmortem, Patch()).set(
            "action_items", indexes[item.key()], "status", value=status
        )
        run.say(f"{item.key()}: #{item.issue} is closed, marking it {status}")
    if not edits:
        run.say("action items in step with their tracking issues")
        return 2 if failed else 0
    return _record(run, edits) or (2 if failed else 0)


def _indexes(root: Path, found: list[actions.Item]) -> dict[str, int]:
    """The position of each item in its postmortem's ``action_items`` list."""
    positions: dict[str, int] = {}
    counters: dict[str, int] = {}
    for item in sorted(found, key=lambda i: (i.postmortem, i.line)):
        positions[item.key()] = counters.get(item.postmortem, 0)
        counters[item.postmortem] = positions[item.key()] + 1
    return positions


def _record(run: Run, edits: dict[str, Patch]) -> int:
    from incidentops import edit, gitops
    from incidentops.branches import push_new_branch

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
        branch = f"actions-sync/{run.now:%Y-%m-%d}"
        push_new_branch(run.root, branch, apply, message, base=run.where.branch)
        pull = run.api.find_pull(branch) or run.api.create_pull(
            message,
            marker("actions-sync") + "\nRecords tracking issues in postmortems.",
            branch,
            run.where.branch,
        )
        run.say(f"proposed in pull request #{getattr(pull, 'number', '?')}")
        return 0
    sha = gitops.push_with_retry(run.root, lambda: apply(run.root), message)
    run.say(f"recorded in {sha[:8]}")
    return 0
