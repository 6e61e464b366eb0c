"""Where postmortem pull requests are started from, besides ``/resolve``: a push to main
that resolves an incident (its before and after compared), the daily reconcile of what is
missing, or an explicit incident. ``run_postmortems`` is ``incidentops github postmortem``."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from incidentops.github.postmortems import needed, open_pull
from incidentops.github.run import Run

RECONCILE_DAYS = 30


def resolved_by_push(run: Run, before: str, after: str) -> list[str]:
    """Incidents a push moved to resolved: changed incident files whose status was not
    ``resolved`` at ``before`` and is at ``after``."""
    from incidentops.loader import LoadProblem, load_yaml

    def show(revision: str, path: str) -> dict[str, Any]:
        done = subprocess.run(
            ["git", "show", f"{revision}:{path}"],
            cwd=run.root,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            return {}
        try:
            value = load_yaml(done.stdout).value
        except LoadProblem:
            return {}
        return value if isinstance(value, dict) else {}

    if set(before) <= {"0"}:
        before = subprocess.run(
            ["git", "hash-object", "-t", "tree", "/dev/null"],
            cwd=run.root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    for revision in (before, after):
        _have(run.root, revision)
    changed = subprocess.run(
        ["git", "diff", "--name-only", before, after, "--", "incidents/"],
        cwd=run.root,
        capture_output=True,
        text=True,
        check=False,
    )
    if changed.returncode != 0:
        raise RuntimeError(f"git diff {before[:8]}..{after[:8]}: {changed.stderr.strip()}")
    idents = []
    for path in changed.stdout.split():
        new = show(after, path)
        if new.get("status") == "resolved" and show(before, path).get("status") != "resolved":
            idents.append(str(new.get("id")))
    return sorted(i for i in idents if i and i != "None")


def _have(root: Path, revision: str) -> None:
    """Fetch ``revision`` when the checkout lacks it (a shallow clone, a force push)."""
    present = subprocess.run(
        ["git", "cat-file", "-e", f"{revision}^{{tree}}"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if present.returncode != 0:
        subprocess.run(
            ["git", "fetch", "-q", "origin", revision], cwd=root, capture_output=True, check=False
        )


def reconcile_candidates(run: Run) -> list[str]:
    """Resolved incidents of the last RECONCILE_DAYS that need a postmortem and have none on
    main yet (the facts cache makes this cheap)."""
    from incidentops.base.timeutil import parse_time
    from incidentops.validate.index import facts_of

    horizon = run.now - timedelta(days=RECONCILE_DAYS)
    found = []
    for info in facts_of(run.root, "incident")["incident"].values():
        if info.get("status") != "resolved":
            continue
        resolved = parse_time(info.get("resolved_at"))
        if resolved is None or resolved < horizon:
            continue
        if needed(info, run) is not None:
            continue
        written = info.get("postmortem")
        if written and (run.root / str(written)).is_file():
            continue
        found.append(str(info.get("id")))
    return sorted(found)


def run_postmortems(run: Run, event: Any, ident: str | None, reconcile: bool) -> int:
    """The command's flow: an explicit incident, a reconcile, or the incidents a push resolved."""
    if ident:
        targets, requested = [ident.upper()], True
    elif reconcile or event.name in ("schedule", "workflow_dispatch", "manual"):
        targets, requested = reconcile_candidates(run), False
    elif event.name == "push":
        before, after = str(event.payload.get("before", "")), str(event.payload.get("after", ""))
        ref = str(event.payload.get("ref", ""))
        if ref != f"refs/heads/{run.where.branch}" or not after or set(after) <= {"0"}:
            run.say(f"nothing to do: a push to {ref or 'nowhere'}")
            return 0
        targets, requested = resolved_by_push(run, before, after), False
    else:
        run.say(f"nothing to do: a {event.name} event opens no postmortem")
        return 0
    if not targets:
        run.say("no postmortem pull request to open")
    failures = 0
    for target in targets:
        try:
            run.say(open_pull(run, target, requested))
        except Exception as exc:  # one incident's failure must not stop the others
            from incidentops.github.api import GitHubError
            from incidentops.incident.lifecycle import LifecycleError
            from incidentops.repo.edit import EditError
            from incidentops.repo.gitops import GitOpsError

            if not isinstance(exc, (GitHubError, GitOpsError, LifecycleError, EditError)):
                raise
            failures += 1
            run.say(f"{target}: not opened: {exc}")
    return 2 if failures else 0
