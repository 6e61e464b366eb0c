"""The outbox: each incident's deliveries file, ``deliveries/<year>/<ID>.yaml``.

The file holds the incident's notification events (written in the same commit as the change
that caused them, so a change is never recorded without its pending messages) and, per target,
the IDs of the events it has been sent and the remote IDs later sends need (the Slack channel,
the announcement's ``ts``, the Statuspage incident). Sending happens after the push; the
results are merged back here and committed. A send that was made but whose record was lost is
found again by its remote ID (or is idempotent by key) on the next run, so nothing is sent
twice where the service allows it and nothing is ever dropped.

Merging is a union (sent IDs only grow, remote IDs are kept unless replaced), so two runs that send
different events and race on the push both keep what they did.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from incidentops.base.config import Config
from incidentops.incident import events as incident_events
from incidentops.incident.lifecycle import LifecycleError
from incidentops.loader import LoadProblem, load_yaml, read_text
from incidentops.repo.store import ID_PATTERN

HEADER = (
    "# yaml-language-server: $schema=../../schemas/deliveries.schema.json\n"
    "# Kept by incidentops notify: this incident's events and what each target was sent.\n"
    "# Do not edit: a removed 'sent' entry is sent again by the next `incidentops notify flush`.\n"
)


def has_targets(config: Config) -> bool:
    return bool(config.notify.get("targets"))


def deliveries_path(ident: str) -> str:
    match = ID_PATTERN.match(ident)
    if match is None:
        raise LifecycleError(f"{ident!r} is not an incident ID")
    return f"deliveries/{match.group(1)}/{ident}.yaml"


def read(root: Path, ident: str) -> dict[str, Any]:
    """The incident's deliveries (an empty record when there is no file yet)."""
    path = deliveries_path(ident)
    if not (root / path).is_file():
        return {"incident": ident, "events": [], "targets": {}}
    try:
        text, _ = read_text(root.resolve(), path, 4 * 1024 * 1024)
        value = load_yaml(text).value
    except LoadProblem as problem:
        raise LifecycleError(f"{path}:{problem.line}: {problem.message}") from None
    if not isinstance(value, dict) or not isinstance(value.get("events", []), list):
        raise LifecycleError(f"{path}: not a deliveries file (see schemas/deliveries)")
    value.setdefault("events", [])
    value.setdefault("targets", {})
    return value


def dump(doc: dict[str, Any]) -> str:
    body: dict[str, Any] = {"incident": doc["incident"], "events": doc.get("events", [])}
    if doc.get("targets"):
        body["targets"] = {name: _tidy(record) for name, record in sorted(doc["targets"].items())}
    return HEADER + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def write(root: Path, doc: dict[str, Any], config: Config) -> str:
    from incidentops.repo import edit

    path = deliveries_path(str(doc["incident"]))
    edit.replace_file(root, path, dump(doc), config, "deliveries")
    return path


def add_events(
    root: Path,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    at: str,
    config: Config,
    by: str | None = None,
) -> str | None:
    """Append the events of a change to the incident's outbox; the path written, or None when
    nothing is configured to hear it or nothing happened."""
    if not has_targets(config):
        return None
    new = incident_events.between(before, after, at, by)
    return append(root, str(after.get("id")), new, config) if new else None


def append(root: Path, ident: str, new: list[dict[str, Any]], config: Config) -> str:
    doc = read(root, ident)
    doc["events"] = [*doc["events"], *incident_events.numbered(doc["events"], new)]
    return write(root, doc, config)


def merge(
    root: Path,
    ident: str,
    results: dict[str, dict[str, Any]],
    config: Config,
    new: list[dict[str, Any]] | None = None,
) -> str:
    """Fold the clock's ``new`` events (overdue, escalation: numbered by the run, renumbered
    if a concurrent run added events first, dropped if it added the same one) and each
    target's results (``sent``/``skipped`` IDs, ``remote`` IDs, ``error`` or its absence) into
    the file as it is now on disk."""
    doc = read(root, ident)
    renumbered = _add_clock_events(doc, new or [])
    targets: dict[str, Any] = doc["targets"]
    for name, result in results.items():
        record = targets.setdefault(name, {})
        for key in ("sent", "skipped"):
            ids = set(record.get(key, [])) | {renumbered.get(i, i) for i in result.get(key, [])}
            if ids:
                record[key] = sorted(ids)
        remote = {**record.get("remote", {}), **result.get("remote", {})}
        if remote:
            record["remote"] = {k: str(v) for k, v in remote.items()}
        if result.get("error"):
            error = dict(result["error"])
            error["event"] = renumbered.get(error["event"], error["event"])
            record["error"] = error
        elif result.get("sent"):
            record.pop("error", None)
    return write(root, doc, config)


def _clock_key(event: dict[str, Any]) -> tuple[Any, ...]:
    return (event.get("kind"), event.get("due"), event.get("step"))


def _add_clock_events(doc: dict[str, Any], new: list[dict[str, Any]]) -> dict[int, int]:
    """Append ``new`` unless already there; the run's ID → the ID in the file."""
    known = {_clock_key(e): int(e["id"]) for e in doc["events"]}
    renumbered: dict[int, int] = {}
    for event in new:
        key = _clock_key(event)
        if key not in known:
            [fresh] = incident_events.numbered(doc["events"], [event])
            doc["events"].append(fresh)
            known[key] = int(fresh["id"])
        renumbered[int(event["id"])] = known[key]
    return renumbered


def _tidy(record: dict[str, Any]) -> dict[str, Any]:
    ordered = {k: record[k] for k in ("sent", "skipped", "remote", "error") if record.get(k)}
    return ordered


class Store:
    """The deliveries files of a repository as ``notify.flush`` wants them: the incidents that
    may have something to send, and the results recorded (committed and pushed with retry when
    ``git`` says so; a rejected push re-merges on the fresh tree, so nothing is lost)."""

    def __init__(self, root: Path, config: Config, git: Any = None) -> None:
        self.root, self.config, self.git = root, config, git

    def jobs(
        self, ident: str | None = None, now: datetime | None = None
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(incident data, deliveries record) of one incident, or of every open incident and
        every incident with something unsent."""
        from incidentops.repo.store import load

        if ident is not None:
            return [(load(self.root, ident)[1], read(self.root, ident))]
        from incidentops.incident.lifecycle import OPEN
        from incidentops.validate.index import facts_of

        incidents = facts_of(self.root, "incident")["incident"]
        wanted = {str(i.get("id")) for i in incidents.values() if i.get("status") in OPEN}
        folder = self.root / "deliveries"
        recent = _recent_prefixes(self.config, now)
        archiving = any(
            t.get("type") == "slack" and t.get("archive_after_days") is not None
            for t in self.config.notify.get("targets", ())
        )
        for path in sorted(folder.glob("*/*.yaml")) if folder.is_dir() else ():
            if path.stem in wanted or not ID_PATTERN.match(path.stem):
                continue
            # a text check before parsing: only a file with an event inside the give-up
            # window, or a Slack channel still to archive, can have anything left to do
            text = path.read_text(encoding="utf-8", errors="replace")
            stamps = {m[:13] for m in _AT.findall(text)}
            if not (stamps & recent or (archiving and _channel_open(text))):
                continue
            if _unfinished(read(self.root, path.stem), archiving):
                wanted.add(path.stem)
        found = []
        for name in sorted(wanted):
            try:
                found.append((load(self.root, name)[1], read(self.root, name)))
            except LifecycleError:
                continue  # a deliveries file whose incident is gone: nothing to tell
        return found

    def save(
        self,
        results: dict[str, dict[str, dict[str, Any]]],
        new: dict[str, list[dict[str, Any]]],
    ) -> str | None:
        idents = sorted(set(results) | set(new))

        def attempt() -> list[str]:
            return [
                merge(self.root, i, results.get(i, {}), self.config, new.get(i)) for i in idents
            ]

        names = sorted({name for found in results.values() for name in found})
        what = f" ({', '.join(names)})" if names else " (overdue or escalating)"
        return self._persist(attempt, f"notify: deliveries of {', '.join(idents)}{what}")

    def _persist(self, attempt: Any, message: str) -> str | None:
        from incidentops.repo import gitops

        if self.git is not None and self.git.push:
            return gitops.push_with_retry(self.root, attempt, message, author=self.git.author)
        paths = attempt()
        if self.git is not None and self.git.commit:
            try:
                return gitops.commit(self.root, paths, message, self.git.author)
            except gitops.NothingToCommit:
                return None
        return None


_AT = re.compile(r"^  at: '?(\d{4}-\d\d-\d\dT\d\d)", re.MULTILINE)


def _channel_open(text: str) -> bool:
    return "      channel: " in text and "      archived: " not in text


def _recent_prefixes(config: Config, now: datetime | None) -> set[str]:
    """The ``YYYY-MM-DDTHH`` hours of the give-up window (and the hour after, for a clock
    that runs a little ahead)."""
    if now is None:
        return set()
    hours = int(config.notify.get("give_up_after_hours", 24))
    return {
        (now - timedelta(hours=h)).astimezone(UTC).strftime("%Y-%m-%dT%H")
        for h in range(-1, hours + 1)
    }


def _unfinished(doc: dict[str, Any], archiving: bool) -> bool:
    """Some event not yet sent or skipped by some target, or a Slack channel still to
    archive."""
    ids = {int(e["id"]) for e in doc.get("events", [])}
    records = list((doc.get("targets") or {}).values())
    if archiving and any(
        (r.get("remote") or {}).get("channel") and not (r.get("remote") or {}).get("archived")
        for r in records
    ):
        return True
    handled = [set(r.get("sent", [])) | set(r.get("skipped", [])) for r in records]
    return not handled or any(ids - done for done in handled)
