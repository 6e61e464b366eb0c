"""Random command sequences against one open incident, in process (no git): every command
either applies and leaves a valid file with one more timeline event, or is refused with a
typed error and leaves the file byte-for-byte as it was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import copy_sample
from incidentops.base.config import Config
from incidentops.base.timeutil import parse_time
from incidentops.incident import lifecycle, recording
from incidentops.incident.lifecycle import AUDIENCES, EVENT_KINDS, ORDER, Change, LifecycleError
from incidentops.loader import load_yaml
from incidentops.oncall.repo import from_directory
from incidentops.repo import operations
from incidentops.repo.edit import EditRefused, check_text
from incidentops.validate.index import load_config

IDENT = "INC-2026-0008"  # investigating, SEV4, started 2026-11-23T02:15Z
RELATIVE = f"incidents/2026/{IDENT}.yaml"
BASE = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BEFORE_START = datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
# most commands happen after the previous one; some are backdated into the middle of the
# timeline (inserted in time order), some before the incident began (refused)
WHEN = ("next", "next", "next", "earlier", "before start")

texts = st.sampled_from(
    ["Rolled back", "  ", "{{ 7*7 }} and {% raw %}", "line one\nline two", "yes", "#12 @tom: ok"]
)
optional_texts = st.none() | texts
states = st.sampled_from([*ORDER, "cancelled", "sleeping"])
actors = st.sampled_from([None, "tom", "mei"])

commands = st.one_of(
    st.tuples(st.just("status"), states, optional_texts),
    st.tuples(
        st.just("timeline"), st.sampled_from([*EVENT_KINDS, "gossip"]), texts, optional_texts
    ),
    st.tuples(
        st.just("severity"), st.sampled_from(["SEV1", "SEV2", "sev3", "SEV4", "P0", "SEV9"]), texts
    ),
    st.tuples(
        st.just("role"),
        st.sampled_from(["commander", "communications", "scribe", "juggler"]),
        st.sampled_from(["tom", "mei", "grace", "nobody"]),
    ),
    st.tuples(
        st.just("update"),
        st.sampled_from([*AUDIENCES, "everyone"]),
        texts,
        st.none() | states,
    ),
    st.tuples(st.just("resolve"), texts),
    st.tuples(st.just("cancel"), texts),
)
steps = st.lists(
    st.tuples(commands, st.integers(0, 45), st.sampled_from(WHEN), actors),
    min_size=3,
    max_size=8,
)


@dataclass
class Repo:
    root: Path
    config: Config
    people: dict[str, Any]
    original: bytes


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    root = copy_sample(tmp_path_factory.mktemp("sequences") / "repo")
    config, _ = load_config(root)
    people = from_directory(root, config).people
    return Repo(root, config, people, (root / RELATIVE).read_bytes())


def decide(
    command: tuple[Any, ...], at: datetime, actor: str | None, repo: Repo
) -> operations.Decide:
    name, *args = command

    def decision(data: dict[str, Any]) -> Change:
        if name == "status":
            return lifecycle.set_status(data, args[0], at, actor, args[1])
        if name == "timeline":
            return recording.add_event(data, args[0], args[1], at, actor, args[2])
        if name == "severity":
            return recording.set_severity(data, args[0], args[1], at, actor, repo.config)
        if name == "role":
            return recording.set_role(data, args[0], args[1], at, actor, repo.config, repo.people)
        if name == "update":
            return recording.add_update(data, args[0], args[1], at, actor, args[2])
        if name == "resolve":
            return lifecycle.resolve(data, args[0], at, actor)
        return lifecycle.cancel(data, args[0], at, actor)

    return decision


def _load(text: str) -> dict[str, Any]:
    value = load_yaml(text).value
    assert isinstance(value, dict)
    return value


@settings(max_examples=25, derandomize=True, deadline=None)
@given(steps)
def test_every_command_applies_cleanly_or_changes_nothing(
    repo: Repo, sequence: list[tuple[tuple[Any, ...], int, str, str | None]]
) -> None:
    path = repo.root / RELATIVE
    path.write_bytes(repo.original)
    moment = BASE
    for command, gap, when, actor in sequence:
        moment += timedelta(minutes=gap)
        at = {"earlier": BASE - timedelta(hours=1), "before start": BEFORE_START}.get(when, moment)
        before = path.read_bytes()
        old = _load(before.decode("utf-8"))
        try:
            outcome = operations.change(
                repo.root, IDENT, decide(command, at, actor, repo), repo.config
            )
        except (LifecycleError, EditRefused) as refused:
            assert path.read_bytes() == before, command
            if isinstance(refused, EditRefused):  # only for an invalid result, never a misapply
                assert str(refused).startswith("edit refused, the result would be invalid")
            continue
        assert when != "before start", "a time before the incident started was accepted"
        text = path.read_text(encoding="utf-8")
        errors = [
            f for f in check_text(RELATIVE, text, repo.config, "incident") if f.level == "error"
        ]
        assert errors == [], (command, errors)
        new = _load(text)
        assert new == outcome.data
        assert len(new["timeline"]) == len(old["timeline"]) + 1
        moments = [parse_time(e["at"]) for e in new["timeline"]]
        assert moments == sorted(moments, key=lambda m: m or at)
        name = command[0]
        if name in ("status", "resolve", "cancel"):
            target = {"resolve": "resolved", "cancel": "cancelled"}.get(name, command[1])
            assert new["status"] == target
            assert lifecycle.allowed(old["status"], target)
        else:
            assert new["status"] == old["status"]
        if name == "update":
            assert new["updates"][-1]["text"] == lifecycle.clean_text(command[2], "")
