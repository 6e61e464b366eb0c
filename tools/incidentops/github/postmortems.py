"""``incidentops github postmortem``: one pull request per resolved incident that needs a
postmortem — branch ``postmortem/<ID>``, the draft at ``postmortems/<year>/<ID>.md``, the
incident's ``postmortem:`` field set in the same commit, the roles asked to review, the due
date in the body, and a comment on the incident issue linking it.

It is started from three directions (the ``/resolve`` job; a push to main that resolves an
incident, and the daily reconcile, in ``postmortem_triggers``), and happens exactly once: an
existing pull request from the branch, or the branch itself, is reused; GitHub's 422 "already
exists" means another run won.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from incidentops.github.run import Run
from incidentops.github.text import has_marker, marker, mention, neutral_line


def branch_of(ident: str) -> str:
    return f"postmortem/{ident}"


def path_of(ident: str) -> str:
    return f"postmortems/{ident.split('-')[1]}/{ident}.md"


def needed(data: dict[str, Any], run: Run, requested: bool = False) -> str | None:
    """Why no pull request is due for this incident, or None when one is."""
    severity = run.config.severity(str(data.get("severity")))
    if data.get("status") != "resolved":
        return f"{data.get('id')} is {data.get('status')}, not resolved"
    if not requested and (severity is None or severity.postmortem != "required"):
        level = severity.level if severity else data.get("severity")
        return f"{level} does not require a postmortem (ask with /postmortem)"
    return None


def open_pull(run: Run, ident: str, requested: bool = False) -> str:
    """Open (or find) the postmortem pull request of ``ident``; returns what happened."""
    from incidentops.repo import store

    _, data = store.load(run.root, ident)
    why_not = needed(data, run, requested)
    if why_not:
        return f"no postmortem pull request: {why_not}"
    branch = branch_of(ident)
    written = data.get("postmortem")
    pull = run.api.find_pull(branch)
    if pull is not None and pull.state != "open" and not getattr(pull, "merged", False):
        if not requested:
            return (
                f"{ident}: postmortem pull request #{pull.number} was closed without merging; "
                "`/postmortem` reopens it"
            )
        pull = _reopen(run, pull, ident)
        state = "reopened"
    elif pull is None:
        if written and (run.root / str(written)).is_file():
            return f"{ident} already has its postmortem on main: {written}"
        if written and str(written) != path_of(ident):
            return f"{ident} is linked to {written}, which is not on main yet: nothing drafted"
        created = _push_branch(run, ident) if not run.dry_run else True
        if run.dry_run:
            run.say(f"would push branch {branch} with {path_of(ident)} and the incident's link")
        pull = run.api.create_pull(
            f"Postmortem: {ident} {data.get('title', '')}".strip(),
            _body(run, data),
            branch,
            run.where.branch,
        )
        state = "opened" if created else "opened on the existing branch"
    else:
        state = "already open" if pull.state == "open" else f"already {_pull_state(pull)}"
    if pull is not None and pull.state == "open":
        _finish_pull(run, pull, data)  # labels and reviewers, unless a run already did
    number = pull.number if pull is not None else 0
    _link_on_issue(run, data, number)
    return f"{ident}: postmortem pull request #{number} {state}: {run.where.pull(number)}"


def _reopen(run: Run, pull: Any, ident: str) -> Any:
    """A pull request closed without merging, asked for again: reopened when its branch is
    still there, else a fresh branch and pull request."""
    from incidentops.repo.branches import remote_branch_exists

    if remote_branch_exists(run.root, branch_of(ident)):
        run.api.edit_issue(pull.number, state="open")
        return pull if run.dry_run else run.api.find_pull(branch_of(ident))
    from incidentops.repo.store import load

    _, data = load(run.root, ident)
    if not run.dry_run:
        _push_branch(run, ident)
    return run.api.create_pull(
        f"Postmortem: {ident} {data.get('title', '')}".strip(),
        _body(run, data),
        branch_of(ident),
        run.where.branch,
    )


def _pull_state(pull: Any) -> str:
    return "merged" if getattr(pull, "merged", False) else str(pull.state)


def _push_branch(run: Run, ident: str) -> bool:
    from incidentops.followup.budgets import impact_lines
    from incidentops.incident.lifecycle import link_postmortem
    from incidentops.incident.postmortem_draft import draft
    from incidentops.repo import edit
    from incidentops.repo.branches import push_new_branch
    from incidentops.repo.store import incident_path, load

    target = path_of(ident)

    def build(tree: Path) -> list[str]:
        path, fresh = load(tree, ident)  # the incident as it is on the remote's main
        budgets = impact_lines(tree, run.config, fresh, run.now)
        text = draft(fresh, run.config, run.people, run.now.date(), tree, budgets)
        (tree / target).parent.mkdir(parents=True, exist_ok=True)
        (tree / target).write_text(text, encoding="utf-8")
        edit.apply_patch(tree, path, link_postmortem(fresh, target).patch, run.config, "incident")
        return [target, incident_path(ident)]

    return push_new_branch(
        run.root,
        branch_of(ident),
        build,
        f"{ident}: postmortem draft",
        base=run.where.branch,
    )


def due_date(data: dict[str, Any], run: Run) -> str | None:
    from incidentops.incident.postmortem_draft import postmortem_due

    due = postmortem_due(data, run.config, run.now.date())
    return due.isoformat() if due else None


def _logins(data: dict[str, Any], run: Run) -> list[str]:
    logins = []
    for handle in (data.get("roles") or {}).values():
        login = (run.people.get(str(handle)) or {}).get("github")
        if isinstance(login, str) and login and login not in logins:
            logins.append(login)
    return logins


def _body(run: Run, data: dict[str, Any]) -> str:
    ident = str(data["id"])
    due = due_date(data, run)
    severity = run.config.severity(str(data.get("severity")))
    days = severity.postmortem_due_days if severity else None
    issue = (data.get("links") or {}).get("issue")
    lines = [
        marker("postmortem", id=ident),
        f"The postmortem of **{ident}**: {neutral_line(str(data.get('title', '')))} "
        f"({data.get('severity')}, resolved {data.get('resolved_at')}).",
        "",
        (
            f"**Due {due}** ({days} days after resolution for {data.get('severity')})."
            if due and days
            else f"No due date: {data.get('severity')} sets none."
        ),
        "",
        f"- `{path_of(ident)}` is drafted from the incident: timeline, durations, impact and "
        "roles are filled in; every `TODO:` is for people to write (validate reports them).",
        "- The incident's `postmortem:` field points here, in the same commit.",
        "- Set `status: in-review`, then `final` once reviewed; merging a final postmortem "
        "lets the incident be closed.",
    ]
    if isinstance(issue, int):
        lines.append(f"- Incident issue: #{issue}")
    return "\n".join(lines)


def _finish_pull(run: Run, pull: Any, data: dict[str, Any]) -> None:
    """Reviewers, then labels: the ``postmortem`` label says both were done, so a run cut off
    in between is finished by the next, and a finished one is not asked again (reviewers who
    already reviewed leave the requested list; they are not asked twice)."""
    labels = [label.name for label in getattr(pull, "labels", None) or []]
    if "postmortem" in labels:
        return
    logins = _logins(data, run)
    if logins:
        problem = run.api.request_reviewers(pull.number, logins)
        if problem:
            run.say(f"reviewers not all requested: {problem}")
    run.api.set_labels(pull.number, [*labels, "postmortem", f"severity:{data.get('severity')}"])


def _link_on_issue(run: Run, data: dict[str, Any], number: int) -> None:
    issue = (data.get("links") or {}).get("issue")
    if not isinstance(issue, int) or not number:
        return
    ident = str(data["id"])
    tag = marker("postmortem-pr", id=ident)
    run.api.forget_comments(issue)  # list afresh: a concurrent run may have just posted it
    comments = run.api.comments(issue)
    if run.api.find_comment(
        issue, lambda text: has_marker(text, "postmortem-pr", id=ident), comments
    ):
        return
    reviewers = ", ".join(mention(x) for x in _logins(data, run)) or "the incident's roles"
    body = "\n".join(
        [
            tag,
            f"Postmortem pull request: #{number}"
            + (f" (due **{due_date(data, run)}**)" if due_date(data, run) else "")
            + f". Reviewers: {reviewers}.",
        ]
    )
    run.api.create_comment(issue, body, tag)
