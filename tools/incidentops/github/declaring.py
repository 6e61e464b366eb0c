"""``incidentops github declare``: from the issue form (or a manual workflow run) to an
incident file on the default branch, the issue retitled and labelled, and one comment saying
who does what.

Exactly once: the incident records the issue number (``links.issue``), and every run first
looks for it (again on the fresh tree after a rejected push), so a redelivered or re-run event
only finishes what an earlier run left undone (title, labels, the comment).
"""

from __future__ import annotations

import os
from typing import Any

from incidentops.github import labels, replies
from incidentops.github.event import Event
from incidentops.github.run import Run
from incidentops.github.text import has_marker, marker, neutral
from incidentops.incident import issue_form as forms
from incidentops.incident.lifecycle import LifecycleError


class AlreadyDeclared(Exception):
    def __init__(self, path: str, data: dict[str, Any]) -> None:
        super().__init__(path)
        self.path, self.data = path, data


def from_event(run: Run, event: Event) -> int:
    if event.name == "workflow_dispatch":
        number, title, body, author, current = _dispatch_issue(run, event)
    elif event.name == "issues" and event.issue is not None:
        issue = event.issue
        if event.action not in ("opened", "edited", "reopened", "labeled"):
            return _skip(run, f"issue action {event.action!r} declares nothing")
        if issue.is_pull_request or run.config.github.form_label not in issue.labels:
            return _skip(run, f"issue #{issue.number} is not a declaration (no form label)")
        number, title, body = issue.number, issue.title, issue.body
        author, current = issue.author.login, list(issue.labels)
    else:
        return _skip(run, f"a {event.name} event declares nothing")
    return declare_issue(run, number, title, body, author, current)


def _skip(run: Run, why: str) -> int:
    run.say(f"nothing to do: {why}")
    return 0


def declare_issue(
    run: Run, number: int, title: str, body: str, author: str, current: list[str]
) -> int:
    from incidentops.repo import store

    found = store.find_by_issue(run.root, number, title)
    if found is not None:
        run.say(f"issue #{number} is already {found[1].get('id')} ({found[0]})")
        title, current = _now_on_github(run, number, title, current)
        return _finish(run, number, title, current, found[0], found[1], None)
    allowed, role = run.authorised(author)
    if not allowed:
        need = run.config.github.command_permission
        text = replies.refused(marker("form-error"), author, role, need, "declarations")
        run.upsert(number, "form-error", text)
        run.say(f"refused: {author} has {role}, declaring needs {need}")
        return 0
    form = forms.load(run.root, run.config)
    answers = forms.parse(form, title, body, run.now)
    plan = _plan(run, answers, author) if not answers.problems else None
    if plan is None:
        run.upsert(number, "form-error", replies.form_problems(answers.problems))
        for label, what in answers.problems:
            run.say(f"form: {label}: {what}")
        return 0
    return _declare(run, number, title, current, answers, plan)


def _plan(run: Run, answers: forms.Answers, author: str) -> dict[str, Any] | None:
    """Severity, roles and runbooks from the answers; problems go back into ``answers``."""
    from incidentops.github.commands import handle_of, person_of_login
    from incidentops.incident import declare as core
    from incidentops.incident.lifecycle import severity_of
    from incidentops.repo.records import records

    values = answers.values
    service = str(values.get("service", ""))
    if service not in run.oncall.services:
        answers.problems.append(("Service", f"{service!r} is not in oncall/services.yaml"))
    commander = None
    if values.get("commander"):
        commander = handle_of(str(values["commander"]).split()[0], run.people)
        if commander is None:
            answers.problems.append(
                ("Commander", f"{values['commander']!r} is not a GitHub login in people.yaml")
            )
    if answers.problems:
        return None
    indicators = {k: v for k, v in values.items() if k in core.INDICATORS}
    chosen = str(values.get("severity") or forms.DECIDE)
    if chosen == forms.DECIDE:
        level, reason = core.classify(indicators)
    else:
        level, reason = chosen, "chosen on the form"
    severity = severity_of(run.config, level)
    roles, unfilled = core.assign_roles(severity, [service], run.oncall, run.now, commander)
    found = records(run.root, run.config, "runbook", mentioning=(service,))
    runbooks = core.runbooks_for([service], [], found)
    return {
        "severity": severity,
        "reason": reason,
        "service": service,
        "roles": roles,
        "unfilled": unfilled,
        "runbooks": runbooks,
        "indicators": indicators,
        "declared_by": person_of_login(author, run.people),
        "author": run.author(author),
    }


def _declare(
    run: Run,
    number: int,
    title: str,
    current: list[str],
    answers: forms.Answers,
    plan: dict[str, Any],
) -> int:
    from incidentops.incident import declare as core
    from incidentops.repo import operations, store

    made: dict[str, core.Declaration] = {}

    def build(ident: str) -> dict[str, Any]:
        again = store.find_by_issue(run.root, number)
        if again is not None:
            raise AlreadyDeclared(*again)
        declaration = core.build(
            ident,
            answers.title,
            plan["severity"],
            plan["reason"],
            [plan["service"]],
            run.now,
            answers.values.get("started"),
            answers.values.get("summary"),
            plan["declared_by"],
            plan["roles"],
            plan["runbooks"],
            plan["unfilled"],
            plan["indicators"],
        )
        declaration.data["links"] = {"issue": number}
        made["it"] = declaration
        return declaration.data

    if run.dry_run:
        ident = store.next_id(run.root, run.now.year)
        data = build(ident)
        run.say(f"would write {store.incident_path(ident)} and push it:")
        run.show_diff(store.incident_path(ident), "", operations.incident_yaml(data))
        return _finish(run, number, title, current, store.incident_path(ident), data, made["it"])
    try:
        outcome = operations.declare(
            run.root,
            build,
            run.now.year,
            run.config,
            operations.GitOptions(commit=True, push=True, author=plan["author"]),
        )
    except AlreadyDeclared as exc:
        run.say(f"issue #{number} was declared meanwhile as {exc.data.get('id')}")
        title, current = _now_on_github(run, number, title, current)
        return _finish(run, number, title, current, exc.path, exc.data, None)
    run.say(f"declared {outcome.ident} ({outcome.path}), commit {str(outcome.sha)[:8]}")
    return _finish(run, number, title, current, outcome.path, outcome.data, made["it"], outcome.sha)


def _finish(
    run: Run,
    number: int,
    title: str,
    current: list[str],
    path: str,
    data: dict[str, Any],
    made: Any,
    sha: str | None = None,
) -> int:
    """Title, labels and the declaration comment: each written only if not already so."""
    ident = str(data.get("id"))
    wanted_title = labels.title(ident, forms.clean(forms.load(run.root, run.config), title))
    wanted_labels = labels.wanted(current, data, run.config)
    changes: dict[str, Any] = {}
    if wanted_title != title:
        changes["title"] = wanted_title
    if sorted(wanted_labels) != sorted(current):
        changes["labels"] = wanted_labels
    if changes:
        run.api.edit_issue(number, **changes)
    comments = run.api.comments(number) if number else []
    have = run.api.find_comment(
        number, lambda text: has_marker(text, "declared", id=ident), comments
    )
    if have is None:
        reason = made.reason if made is not None else _reason(data)
        body = replies.declared(
            data,
            run.config,
            reason,
            made.unfilled if made is not None else [],
            made.next_update if made is not None else None,
            run.people,
            run.where,
            path,
            sha,
        )
        run.api.create_comment(number, body, marker("declared", id=ident))
    stale = run.api.find_comment(number, lambda text: has_marker(text, "form-error"), comments)
    if stale is not None:
        fixed = f"{marker('form-error')}\nThe form's problems are fixed: declared as {ident}."
        if stale.body != fixed:
            run.api.edit_comment(stale, fixed)
    if path.startswith("incidents/") and (run.root / path).is_file():
        from incidentops.github.outcomes import notify_after

        notify_after(run, ident)  # the page, the channel, the announcement: in the same job
    return 0


def _now_on_github(run: Run, number: int, title: str, labels: list[str]) -> tuple[str, list[str]]:
    """The issue's title and labels as they are now: a redelivered event carries the ones it
    had when it was first sent."""
    if not number:
        return title, labels
    issue = run.api.issue(number)
    return str(issue.title), [label.name for label in issue.labels]


def _reason(data: dict[str, Any]) -> str:
    for event in data.get("timeline") or []:
        if isinstance(event, dict) and event.get("kind") == "declared":
            return str(event.get("text", ""))
    return ""


def _dispatch_issue(run: Run, event: Event) -> tuple[int, str, str, str, list[str]]:
    """A manual run (workflow_dispatch) gets a tracking issue in the form's shape, found
    again by the run's marker when the job is re-run."""
    inputs = event.inputs
    if not inputs.get("title", "").strip():
        raise LifecycleError("workflow_dispatch needs a title input")
    author = event.sender.login if event.sender else ""
    form = forms.load(run.root, run.config)
    run_id = os.environ.get("GITHUB_RUN_ID") or "manual"
    tag = marker("dispatch", run=run_id)
    answers = forms.render_body(form, inputs)  # what is declared: the inputs as given
    body = f"{tag}\n\n{neutral(answers)}"  # what the issue shows: made inert
    label = run.config.github.form_label
    title = f"{form.title_prefix}{inputs['title'].strip()}"
    existing = None
    for issue in (
        run.api.call(
            "GET issues", lambda: run.api.repo.get_issues(state="all", labels=[label]).get_page(0)
        )
        if not run.dry_run
        else []
    ):
        if run.api.ours(issue.user) and tag in (issue.body or ""):  # not a planted copy
            existing = issue
            break
    if existing is None:
        existing = run.api.create_issue(title, body, [label], tag)
    if existing is None:  # dry run
        return 0, title, answers, author, [label]
    return existing.number, existing.title, answers, author, [x.name for x in existing.labels]
