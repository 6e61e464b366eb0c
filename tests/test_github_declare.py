"""``incidentops github declare`` end to end: the console script, a real git repository with
a bare origin, PyGithub over HTTP to the fake API."""

from __future__ import annotations

import yaml

from github_world import FORM_LABEL, World, form_body

INCIDENT = "incidents/2026/INC-2026-0010.yaml"


def test_a_form_becomes_an_incident_on_main(world: World) -> None:
    number = world.open_form()
    result = world.declare(number)
    assert result.returncode == 0, result.stderr + result.stdout
    data = yaml.safe_load(world.origin_file(INCIDENT))
    assert data["id"] == "INC-2026-0010"
    assert data["severity"] == "SEV2"  # partial outage, 30% of users
    assert data["links"] == {"issue": number}
    assert data["declared_by"] == "tom"
    assert data["services"] == ["checkout-api"]
    assert data["title"] == "Checkout API returning 500s"
    assert data["started_at"] == "2026-11-23T11:40:00Z"
    assert world.origin_log()[0] == "INC-2026-0010: declared SEV2"
    author = world.git_origin("log", "-1", "--format=%an <%ae>|%cn", "main")
    assert author == "Tom Whitaker <tom.whitaker@example.com>|github-actions[bot]"
    issue = world.issue(number)
    assert issue.title == "[INC-2026-0010] Checkout API returning 500s"
    assert set(issue.labels) == {FORM_LABEL, "incident", "severity:SEV2", "status:investigating"}
    [comment] = world.bot_comments(number)
    assert "<!-- incidentops:declared id=INC-2026-0010 -->" in comment
    assert "/status STATE" in comment
    print(comment)
