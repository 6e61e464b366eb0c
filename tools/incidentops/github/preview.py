"""``incidentops github oncall-preview``: on a pull request that touches ``oncall/``, the
shifts that change between base and head, written to the job summary and, for pull requests
from this repository (a fork's token cannot write), kept in one comment edited in place."""

from __future__ import annotations

import os
from pathlib import Path

from incidentops.github.event import Event, EventError
from incidentops.github.run import Run
from incidentops.github.text import marker, neutral


def from_event(run: Run, event: Event, days: int) -> int:
    from incidentops.oncall.diff import between

    pull = event.payload.get("pull_request")
    if event.name not in ("pull_request", "pull_request_target") or not isinstance(pull, dict):
        run.say(f"nothing to do: a {event.name} event is not a pull request")
        return 0
    try:
        base, head = str(pull["base"]["sha"]), str(pull["head"]["sha"])
        number = int(pull["number"])
        head_repo = ((pull.get("head") or {}).get("repo") or {}).get("full_name")
    except (KeyError, TypeError, ValueError):
        raise EventError("the pull_request event has no base/head sha or number") from None
    text = between(run.root, run.config, base, head, run.now, days)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as out:
            out.write(text + "\n")
    run.say(text)
    if head_repo != event.repository:
        run.say("from a fork: the preview is in the job summary only (its token cannot comment)")
        return 0
    # The schedules come from the pull request: its text is people's text.
    run.upsert(number, "oncall-preview", f"{marker('oncall-preview')}\n{neutral(text)}")
    return 0
