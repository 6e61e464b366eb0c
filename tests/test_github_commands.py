"""``incidentops github command`` end to end: each slash-command as one commit on origin,
labels in step, one reply; refusals fail closed; redelivery changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from github_world import World

INCIDENT = "incidents/2026/INC-2026-0010.yaml"


@pytest.fixture
def declared(world: World) -> int:
    number = world.open_form()
    result = world.declare(number)
    assert result.returncode == 0, result.stderr
    return number


def _incident(world: World) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(world.origin_file(INCIDENT))
    return data


def _reply_to(world: World, number: int) -> str:
    return world.bot_comments(number)[-1]


def test_status_becomes_one_commit_labels_and_a_reply(world: World, declared: int) -> None:
    before = len(world.origin_log())
    result = world.command(declared, "/status identified\nThe 11:30 deploy exhausted the pool.")
    assert result.returncode == 0, result.stderr + result.stdout
    log = world.origin_log()
    assert len(log) == before + 1 and log[0] == "INC-2026-0010: status identified"
    assert world.git_origin("log", "-1", "--format=%an|%cn", "main") == (
        "Tom Whitaker|github-actions[bot]"
    )
    data = _incident(world)
    assert data["status"] == "identified"
    event = data["timeline"][-1]
    assert event["actor"] == "tom"
    assert event["text"] == "Status: identified — The 11:30 deploy exhausted the pool."
    assert data["links"]["comments"] == [world.fake.repo().issues[declared].comments[-2]]
    assert "status:identified" in world.issue(declared).labels
    assert "status:investigating" not in world.issue(declared).labels
    reply = _reply_to(world, declared)
    assert "INC-2026-0010: status identified" in reply
    reactions = world.fake.repo().comments[data["links"]["comments"][0]].reactions
    assert [r["content"] for r in reactions] == ["eyes"]
