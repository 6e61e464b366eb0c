"""The fake GitHub API answers PyGithub, unchanged, the way GitHub does."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from github import Auth, Github, GithubException, RateLimitExceededException

from fakegithub import FakeGitHub, fake_github


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with fake_github() as f:
        f.add_repo("acme/ops")
        f.add_issue(
            "acme/ops", title="db down", body="primary unreachable", labels=["sev1"], user="alice"
        )
        yield f


def test_get_repo_and_issue(fake: FakeGitHub) -> None:
    repo = fake.client().get_repo("acme/ops")
    assert repo.full_name == "acme/ops"
    assert repo.owner.login == "acme"
    issue = repo.get_issue(1)
    assert (issue.number, issue.title, issue.body, issue.state) == (
        1,
        "db down",
        "primary unreachable",
        "open",
    )
    assert issue.user.login == "alice"
    assert [label.name for label in issue.labels] == ["sev1"]
    assert issue.html_url == "https://github.com/acme/ops/issues/1"
    assert issue.created_at is not None
    assert fake.calls == [
        ("GET", "/repos/acme/ops", None),
        ("GET", "/repos/acme/ops/issues/1", None),
    ]


def test_plain_pygithub_client_as_actions_builds_it(fake: FakeGitHub) -> None:
    gh = Github(auth=Auth.Token("t"), base_url=fake.url, retry=None)
    try:
        assert gh.get_repo("acme/ops").get_issue(1).title == "db down"
    finally:
        gh.close()


def test_edit_issue_and_create(fake: FakeGitHub) -> None:
    repo = fake.client().get_repo("acme/ops")
    issue = repo.get_issue(1)
    issue.edit(title="db down (resolved)", state="closed")
    assert issue.title == "db down (resolved)"
    stored = fake.state.repos["acme/ops"].issues[1]
    assert (stored.title, stored.state, stored.state_reason) == (
        "db down (resolved)",
        "closed",
        "completed",
    )
    assert fake.calls[-1] == (
        "PATCH",
        "/repos/acme/ops/issues/1",
        {"title": "db down (resolved)", "state": "closed"},
    )
    created = repo.create_issue("cache cold", body="x", labels=["sev3"])
    assert created.number == 2
    assert created.user.login == "github-actions[bot]" and created.user.type == "Bot"
    assert "sev3" in fake.state.repos["acme/ops"].labels


def test_labels_add_remove_replace(fake: FakeGitHub) -> None:
    repo = fake.client().get_repo("acme/ops")
    issue = repo.get_issue(1)
    issue.add_to_labels("triaged", "db")
    assert fake.state.repos["acme/ops"].issues[1].labels == ["sev1", "triaged", "db"]
    assert fake.calls[-1] == ("POST", "/repos/acme/ops/issues/1/labels", ["triaged", "db"])
    issue.remove_from_labels("sev1")
    assert fake.state.repos["acme/ops"].issues[1].labels == ["triaged", "db"]
    assert fake.calls[-1][:2] == ("DELETE", "/repos/acme/ops/issues/1/labels/sev1")
    with pytest.raises(GithubException) as err:
        issue.remove_from_labels("absent")
    assert err.value.status == 404
    issue.set_labels("sev2")
    assert fake.state.repos["acme/ops"].issues[1].labels == ["sev2"]
    assert [label.name for label in repo.get_issue(1).labels] == ["sev2"]
    issue.delete_labels()
    assert fake.state.repos["acme/ops"].issues[1].labels == []


def test_repo_labels(fake: FakeGitHub) -> None:
    repo = fake.client().get_repo("acme/ops")
    label = repo.create_label("incident", "d73a4a", "An incident")
    assert (label.name, label.color, label.description) == ("incident", "d73a4a", "An incident")
    assert sorted(x.name for x in repo.get_labels()) == ["incident", "sev1"]
    assert repo.get_label("incident").color == "d73a4a"
    with pytest.raises(GithubException) as err:
        repo.create_label("incident", "000000")
    assert err.value.status == 422


def test_comments_and_reactions(fake: FakeGitHub) -> None:
    fake.add_comment("acme/ops", 1, "seen", user="bob")
    issue = fake.client().get_repo("acme/ops").get_issue(1)
    comment = issue.create_comment("ack")
    assert comment.body == "ack" and comment.user.login == "github-actions[bot]"
    assert fake.calls[-1] == ("POST", "/repos/acme/ops/issues/1/comments", {"body": "ack"})
    comment.edit("ack (edited)")
    stored = fake.state.repos["acme/ops"].comments[comment.id]
    assert stored.body == "ack (edited)"
    assert fake.calls[-1] == (
        "PATCH",
        f"/repos/acme/ops/issues/comments/{comment.id}",
        {"body": "ack (edited)"},
    )
    reaction = comment.create_reaction("eyes")
    assert reaction.content == "eyes" and reaction.user.login == "github-actions[bot]"
    assert comment.create_reaction("eyes").id == reaction.id  # GitHub answers the existing one
    assert [r["content"] for r in stored.reactions] == ["eyes"]
    with pytest.raises(GithubException) as err:
        comment.create_reaction("shrug")
    assert err.value.status == 422
    assert [(c.user.login, c.body) for c in issue.get_comments()] == [
        ("bob", "seen"),
        ("github-actions[bot]", "ack (edited)"),
    ]
    assert issue.create_reaction("rocket").content == "rocket"


def test_collaborator_permission(fake: FakeGitHub) -> None:
    fake.set_permission("alice", "write")
    fake.set_permission("carol", "maintain")
    fake.set_permission("dave", "triage")
    repo = fake.client().get_repo("acme/ops")
    assert repo.get_collaborator_permission("alice") == "write"
    assert repo.get_collaborator_permission("carol") == "write"
    assert repo.get_collaborator_permission("dave") == "read"
    assert repo.get_collaborator_permission("mallory") == "none"
    assert repo.get_collaborator_role_name("carol") == "maintain"
    assert fake.calls[-1][:2] == ("GET", "/repos/acme/ops/collaborators/carol/permission")


def test_unknown_routes_and_objects_are_404(fake: FakeGitHub) -> None:
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{fake.url}/nope", timeout=5)
    assert err.value.code == 404
    assert json.loads(err.value.read())["message"] == "Not Found"
    err.value.close()
    gh = fake.client()
    with pytest.raises(GithubException) as gerr:
        gh.get_repo("acme/missing")
    assert gerr.value.status == 404
    with pytest.raises(GithubException) as gerr:
        gh.get_repo("acme/ops").get_issue(99)
    assert gerr.value.status == 404


def test_502_injected_once_on_post_creates_nothing(fake: FakeGitHub) -> None:
    issue = fake.client().get_repo("acme/ops").get_issue(1)
    fake.fail_next("POST", r"/issues/1/comments$", status=502)
    with pytest.raises(GithubException) as err:
        issue.create_comment("ack")
    assert err.value.status == 502
    assert fake.state.repos["acme/ops"].comments == {}
    assert fake.calls[-1] == ("POST", "/repos/acme/ops/issues/1/comments", {"body": "ack"})
    issue.create_comment("ack")  # the fault fired once only
    assert [c.body for c in fake.state.repos["acme/ops"].comments.values()] == ["ack"]


def test_secondary_rate_limit(fake: FakeGitHub) -> None:
    issue = fake.client().get_repo("acme/ops").get_issue(1)
    fake.rate_limit_next("PATCH", r"/issues/1$", retry_after=7)
    with pytest.raises(RateLimitExceededException) as err:
        issue.edit(title="x")
    assert err.value.status == 403
    assert err.value.headers is not None and err.value.headers["retry-after"] == "7"
    assert fake.state.repos["acme/ops"].issues[1].title == "db down"
    issue.edit(title="x")
    assert fake.state.repos["acme/ops"].issues[1].title == "x"


def test_pagination_over_120_comments(fake: FakeGitHub) -> None:
    for k in range(120):
        fake.add_comment("acme/ops", 1, f"c{k}")
    gh = fake.client(per_page=50)
    comments = gh.get_repo("acme/ops").get_issue(1).get_comments()
    assert [c.body for c in comments] == [f"c{k}" for k in range(120)]
    assert comments.totalCount == 120
    pages = [
        target
        for method, target, _ in fake.requests
        if target.startswith("/repos/acme/ops/issues/1/comments")
    ]
    queries = [dict(parse_qsl(urlsplit(target).query)) for target in pages]
    assert queries[:3] == [
        {"per_page": "50"},
        {"per_page": "50", "page": "2"},
        {"per_page": "50", "page": "3"},
    ]


def test_link_header_shape(fake: FakeGitHub) -> None:
    for k in range(5):
        fake.add_comment("acme/ops", 1, f"c{k}")
    with urllib.request.urlopen(
        f"{fake.url}/repos/acme/ops/issues/1/comments?per_page=2&page=2", timeout=5
    ) as resp:
        link = resp.headers["Link"]
        assert [c["body"] for c in json.loads(resp.read())] == ["c2", "c3"]
    assert f'<{fake.url}/repos/acme/ops/issues/1/comments?per_page=2&page=3>; rel="next"' in link
    assert (
        'page=3>; rel="last"' in link
        and 'page=1>; rel="first"' in link
        and 'page=1>; rel="prev"' in link
    )


def test_pull_requests(fake: FakeGitHub) -> None:
    fake.add_repo("o/r")
    gh = fake.client()
    repo = gh.get_repo("o/r")
    pull = repo.create_pull(title="Postmortem", body="b", head="postmortem/INC-1", base="main")
    assert pull.number == 1 and pull.head.ref == "postmortem/INC-1" and pull.state == "open"
    from github import GithubException

    with pytest.raises(GithubException) as again:
        repo.create_pull(title="again", body="b", head="postmortem/INC-1", base="main")
    assert again.value.status == 422 and "already exists" in str(again.value)
    found = list(repo.get_pulls(state="open", head="o:postmortem/INC-1"))
    assert [p.number for p in found] == [1]
    pull.create_review_request(reviewers=["alice"])
    assert fake.repo("o/r").pulls[1].requested_reviewers == ["alice"]
    issue = repo.get_issue(1)
    assert issue.pull_request is not None  # a pull request is an issue too
    issue.create_comment("hi")
    assert pull.merge().merged
    assert repo.get_pull(1).merged and repo.get_pull(1).state == "closed"
    assert list(repo.get_pulls(state="open")) == []
