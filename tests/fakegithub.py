"""A stateful fake of the GitHub REST API, served over real HTTP on 127.0.0.1.

PyGithub talks to it unchanged::

    with fake_github() as fake:
        fake.add_repo("o/r")
        fake.add_issue("o/r", title="db down", labels=["sev1"])
        gh = fake.client()  # Github(auth=Auth.Token("t"), base_url=fake.url, retry=None)
        gh.get_repo("o/r").get_issue(1).create_comment("ack")
        assert fake.calls[-1] == ("POST", "/repos/o/r/issues/1/comments", {"body": "ack"})

``fake.url`` is what Actions passes as ``GITHUB_API_URL``. ``fake.calls`` logs every
request as ``(method, path, json_body)``; the path carries no query string (``fake.requests``
keeps the full target). Faults: ``fail_next`` answers the next matching requests with an
error status; ``rate_limit_next`` answers with a secondary-rate-limit 403 and ``retry-after``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

import pytest

DEFAULT_LOGIN = "github-actions[bot]"
SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")
# GitHub's `permission` field folds the finer roles onto the classic three (plus none).
PERMISSION_OF_ROLE = {
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
    "none": "none",
}


# The test suite's "now" (a Monday), which the fake stamps created/updated times with unless a
# test moves its clock with ``FakeGitHub.set_time``; conftest gives the console script the same
# moment as INCIDENTOPS_NOW. Never the wall clock: a stamp from the real "now" would make what
# the code under test decides depend on the day the suite runs.
FIXED_NOW = "2026-11-23T12:00:00Z"
_CLOCK: list[str] = []  # set by FakeGitHub.set_time: the time the fake stamps things with


def _now() -> str:
    return _CLOCK[-1] if _CLOCK else FIXED_NOW


def reset_clock() -> None:
    """The fake's clock back at ``FIXED_NOW`` (every test starts there)."""
    _CLOCK.clear()


class HTTPError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


@dataclass
class Comment:
    id: int
    issue: int
    body: str
    user: str
    created_at: str
    updated_at: str
    reactions: list[dict[str, Any]] = field(default_factory=list)  # {id, content, user, created_at}


@dataclass
class Issue:
    number: int
    id: int
    title: str
    body: str | None
    user: str
    state: str = "open"
    state_reason: str | None = None
    labels: list[str] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)  # comment ids, in order
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)
    closed_at: str | None = None
    reactions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Pull:
    number: int
    head: str  # branch name in this repository
    base: str
    head_sha: str = "0" * 40
    merged: bool = False
    merged_at: str | None = None
    draft: bool = False
    requested_reviewers: list[str] = field(default_factory=list)


@dataclass
class Repo:
    full_name: str
    id: int
    owner: str
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # name → {name, color, description}
    permissions: dict[str, str] = field(default_factory=dict)  # login → role
    pulls: dict[int, Pull] = field(default_factory=dict)  # a pull request is also an issue
    next_number: int = 1

    @property
    def name(self) -> str:
        return self.full_name.split("/", 1)[1]


@dataclass
class State:
    repos: dict[str, Repo] = field(default_factory=dict)


@dataclass
class _Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    message: str
    headers: dict[str, str]
    applied: bool = False  # do the work, then answer with the error (a lost response)


class FakeGitHub:
    def __init__(self) -> None:
        self.state = State()
        self.calls: list[tuple[str, str, Any]] = []
        self.requests: list[tuple[str, str, Any]] = []  # (method, full target with query, body)
        self.tokens: dict[str, str] = {}  # token → login; unknown tokens act as DEFAULT_LOGIN
        self.url = ""
        self.latency = 0.0  # seconds every request waits before it is answered
        self._lock = threading.RLock()
        self._ids = itertools.count(1000)
        self._user_ids: dict[str, int] = {}
        self._faults: list[_Fault] = []
        self._clients: list[Any] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> FakeGitHub:
        fake = self

        class Handler(_Handler):
            pass

        Handler.fake = fake
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="fakegithub", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        reset_clock()
        for client in self._clients:
            client.close()
        self._clients.clear()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def set_time(self, stamp: str | None) -> None:
        """Stamp created/updated times with ``stamp`` (RFC 3339, Z) instead of ``FIXED_NOW``,
        for tests that simulate time with INCIDENTOPS_NOW; None goes back to ``FIXED_NOW``."""
        reset_clock()
        if stamp:
            _CLOCK.append(stamp)

    def client(self, token: str = "t", **kwargs: Any) -> Any:
        """A PyGithub client pointed at this fake (closed when the fake stops)."""
        from github import Auth, Github

        kwargs.setdefault("retry", None)
        # PyGithub throttles itself (0.25 s per request, 1 s per write); a fake needs none.
        kwargs.setdefault("seconds_between_requests", None)
        kwargs.setdefault("seconds_between_writes", None)
        gh = Github(auth=Auth.Token(token), base_url=self.url, **kwargs)
        self._clients.append(gh)
        return gh

    # ------------------------------------------------------------------ seeding
    def _next_id(self) -> int:
        return next(self._ids)

    def user_json(self, login: str) -> dict[str, Any]:
        with self._lock:
            uid = self._user_ids.setdefault(login, 100 + len(self._user_ids))
        kind = "Bot" if login.endswith("[bot]") else "User"
        return {
            "login": login,
            "id": uid,
            "node_id": f"U_{uid}",
            "type": kind,
            "site_admin": False,
            "url": f"{self.url}/users/{quote(login)}",
            "html_url": f"https://github.com/{login}",
        }

    def add_repo(self, full_name: str) -> Repo:
        with self._lock:
            if full_name not in self.state.repos:
                owner = full_name.split("/", 1)[0]
                self.state.repos[full_name] = Repo(
                    full_name=full_name, id=self._next_id(), owner=owner
                )
            return self.state.repos[full_name]

    def repo(self, full_name: str | None = None) -> Repo:
        if full_name is None:
            if len(self.state.repos) != 1:
                raise ValueError(f"name the repository: the fake holds {len(self.state.repos)}")
            return next(iter(self.state.repos.values()))
        return self.state.repos[full_name]

    def add_label(
        self, repo: str, name: str, color: str = "ededed", description: str | None = None
    ) -> dict[str, Any]:
        with self._lock:
            r = self.repo(repo)
            label = r.labels.setdefault(
                name, {"name": name, "color": color, "description": description}
            )
            return label

    def add_issue(
        self,
        repo: str,
        title: str = "An issue",
        body: str | None = None,
        *,
        user: str = "octocat",
        labels: list[str] | tuple[str, ...] = (),
        state: str = "open",
        number: int | None = None,
    ) -> Issue:
        with self._lock:
            r = self.repo(repo)
            n = number if number is not None else r.next_number
            r.next_number = max(r.next_number, n + 1)
            for name in labels:
                self.add_label(repo, name)
            issue = Issue(
                number=n, id=self._next_id(), title=title, body=body, user=user, labels=list(labels)
            )
            if state == "closed":
                issue.state, issue.state_reason, issue.closed_at = (
                    "closed",
                    "completed",
                    issue.created_at,
                )
            r.issues[n] = issue
            return issue

    def add_comment(self, repo: str, number: int, body: str, *, user: str = "octocat") -> Comment:
        with self._lock:
            r = self.repo(repo)
            issue = r.issues[number]
            now = _now()
            c = Comment(
                id=self._next_id(),
                issue=number,
                body=body,
                user=user,
                created_at=now,
                updated_at=now,
            )
            r.comments[c.id] = c
            issue.comments.append(c.id)
            return c

    def add_pull(
        self,
        repo: str,
        title: str,
        head: str,
        base: str = "main",
        body: str | None = None,
        *,
        user: str = "octocat",
        labels: list[str] | tuple[str, ...] = (),
        draft: bool = False,
    ) -> Pull:
        """A pull request from branch ``head`` (the issue with the same number carries the
        title, body, labels, state and comments)."""
        with self._lock:
            issue = self.add_issue(repo, title, body, user=user, labels=labels)
            pull = Pull(issue.number, head, base, draft=draft)
            self.repo(repo).pulls[issue.number] = pull
            return pull

    def set_permission(self, login: str, permission: str, repo: str | None = None) -> None:
        """Give ``login`` a role (admin, maintain, write, triage, read, none) on ``repo``."""
        if permission not in PERMISSION_OF_ROLE:
            raise ValueError(f"unknown permission {permission!r}")
        with self._lock:
            self.repo(repo).permissions[login] = permission

    # ------------------------------------------------------------------ faults
    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 502,
        times: int = 1,
        *,
        message: str = "Server Error",
        headers: dict[str, str] | None = None,
        applied: bool = False,
    ) -> None:
        """Answer the next ``times`` requests whose path ``re.search``-matches with ``status``;
        with ``applied``, carry the request out first (GitHub did the work, the answer was lost)."""
        with self._lock:
            self._faults.append(
                _Fault(
                    method.upper(),
                    re.compile(path_regex),
                    status,
                    times,
                    message,
                    dict(headers or {}),
                    applied,
                )
            )

    def rate_limit_next(
        self, method: str, path_regex: str, retry_after: int = 60, times: int = 1
    ) -> None:
        """A secondary rate limit: 403, ``retry-after``, and GitHub's message."""
        self.fail_next(
            method,
            path_regex,
            403,
            times,
            message=SECONDARY_RATE_LIMIT_MESSAGE,
            headers={"retry-after": str(retry_after), "x-ratelimit-remaining": "4999"},
        )

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method == method and fault.pattern.search(path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # ------------------------------------------------------------------ JSON shapes
    def _repo_api(self, r: Repo) -> str:
        return f"{self.url}/repos/{r.full_name}"

    def repo_json(self, r: Repo) -> dict[str, Any]:
        api = self._repo_api(r)
        return {
            "id": r.id,
            "node_id": f"R_{r.id}",
            "name": r.name,
            "full_name": r.full_name,
            "owner": self.user_json(r.owner),
            "private": False,
            "html_url": f"https://github.com/{r.full_name}",
            "url": api,
            "issues_url": api + "/issues{/number}",
            "labels_url": api + "/labels{/name}",
            "default_branch": "main",
            "has_issues": True,
            "open_issues_count": sum(1 for i in r.issues.values() if i.state == "open"),
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
        }

    def label_json(self, r: Repo, name: str) -> dict[str, Any]:
        label = r.labels.get(name) or {"name": name, "color": "ededed", "description": None}
        lid = abs(hash((r.full_name, name))) % 10**9
        return {
            "id": lid,
            "node_id": f"LA_{lid}",
            "url": f"{self._repo_api(r)}/labels/{quote(name, safe='')}",
            "name": label["name"],
            "color": label["color"],
            "description": label["description"],
            "default": False,
        }

    def _reaction_summary(self, url: str, reactions: list[dict[str, Any]]) -> dict[str, Any]:
        summary: dict[str, Any] = {"url": url, "total_count": len(reactions)}
        for content in REACTIONS:
            summary[content] = sum(1 for x in reactions if x["content"] == content)
        return summary

    def issue_json(self, r: Repo, i: Issue) -> dict[str, Any]:
        url = f"{self._repo_api(r)}/issues/{i.number}"
        return {
            "id": i.id,
            "node_id": f"I_{i.id}",
            "url": url,
            "repository_url": self._repo_api(r),
            "labels_url": url + "/labels{/name}",
            "comments_url": url + "/comments",
            "events_url": url + "/events",
            "html_url": f"https://github.com/{r.full_name}/issues/{i.number}",
            "number": i.number,
            "title": i.title,
            "body": i.body,
            "user": self.user_json(i.user),
            "labels": [self.label_json(r, n) for n in i.labels],
            "state": i.state,
            "state_reason": i.state_reason,
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": len(i.comments),
            "created_at": i.created_at,
            "updated_at": i.updated_at,
            "closed_at": i.closed_at,
            "author_association": "OWNER" if i.user == r.owner else "NONE",
            "reactions": self._reaction_summary(url + "/reactions", i.reactions),
            **(
                {"pull_request": {"url": f"{self._repo_api(r)}/pulls/{i.number}"}}
                if i.number in r.pulls
                else {}
            ),
        }

    def pull_json(self, r: Repo, p: Pull) -> dict[str, Any]:
        i = r.issues[p.number]
        url = f"{self._repo_api(r)}/pulls/{p.number}"
        repo = self.repo_json(r)
        return {
            "id": i.id + 1,
            "node_id": f"PR_{i.id}",
            "url": url,
            "html_url": f"https://github.com/{r.full_name}/pull/{p.number}",
            "issue_url": f"{self._repo_api(r)}/issues/{p.number}",
            "comments_url": f"{self._repo_api(r)}/issues/{p.number}/comments",
            "number": p.number,
            "state": i.state,
            "locked": False,
            "title": i.title,
            "body": i.body,
            "user": self.user_json(i.user),
            "labels": [self.label_json(r, n) for n in i.labels],
            "draft": p.draft,
            "merged": p.merged,
            "merged_at": p.merged_at,
            "mergeable": None,
            "requested_reviewers": [self.user_json(x) for x in p.requested_reviewers],
            "head": {
                "label": f"{r.owner}:{p.head}",
                "ref": p.head,
                "sha": p.head_sha,
                "repo": repo,
                "user": self.user_json(r.owner),
            },
            "base": {
                "label": f"{r.owner}:{p.base}",
                "ref": p.base,
                "sha": "0" * 40,
                "repo": repo,
                "user": self.user_json(r.owner),
            },
            "created_at": i.created_at,
            "updated_at": i.updated_at,
            "closed_at": i.closed_at,
        }

    def comment_json(self, r: Repo, c: Comment) -> dict[str, Any]:
        url = f"{self._repo_api(r)}/issues/comments/{c.id}"
        return {
            "id": c.id,
            "node_id": f"IC_{c.id}",
            "url": url,
            "html_url": f"https://github.com/{r.full_name}/issues/{c.issue}#issuecomment-{c.id}",
            "issue_url": f"{self._repo_api(r)}/issues/{c.issue}",
            "body": c.body,
            "user": self.user_json(c.user),
            "created_at": c.created_at,
            "updated_at": c.updated_at,
            "author_association": "OWNER" if c.user == r.owner else "NONE",
            "reactions": self._reaction_summary(url + "/reactions", c.reactions),
        }

    def reaction_json(self, x: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": x["id"],
            "node_id": f"REA_{x['id']}",
            "user": self.user_json(x["user"]),
            "content": x["content"],
            "created_at": x["created_at"],
        }


# ---------------------------------------------------------------------- routing

Response = tuple[int, Any, dict[str, str]]
Route = Callable[..., Response]
ROUTES: list[tuple[str, re.Pattern[str], Route]] = []
SEG = r"([^/]+)"


def route(method: str, pattern: str) -> Callable[[Route], Route]:
    def register(fn: Route) -> Route:
        ROUTES.append((method, re.compile(pattern.replace("{seg}", SEG) + r"/?"), fn))
        return fn

    return register


class Request:
    def __init__(
        self, fake: FakeGitHub, method: str, path: str, query: dict[str, str], body: Any, login: str
    ):
        self.fake = fake
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.login = login

    def repo(self, owner: str, name: str) -> Repo:
        r = self.fake.state.repos.get(f"{unquote(owner)}/{unquote(name)}")
        if r is None:
            raise HTTPError(404, "Not Found")
        return r

    def issue(self, r: Repo, number: str) -> Issue:
        i = r.issues.get(int(number)) if number.isdigit() else None
        if i is None:
            raise HTTPError(404, "Not Found")
        return i

    def comment(self, r: Repo, cid: str) -> Comment:
        c = r.comments.get(int(cid)) if cid.isdigit() else None
        if c is None:
            raise HTTPError(404, "Not Found")
        return c

    def obj(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise HTTPError(400, "Problems parsing JSON")
        return self.body

    def page(self, items: list[Any]) -> Response:
        try:
            per_page = min(max(int(self.query.get("per_page", 30)), 1), 100)
            page = max(int(self.query.get("page", 1)), 1)
        except ValueError:
            raise HTTPError(400, "Invalid pagination parameters") from None
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page : page * per_page]
        links = []

        def link(p: int, rel: str) -> None:
            q = dict(self.query, per_page=str(per_page), page=str(p))
            links.append(f'<{self.fake.url}{self.path}?{urlencode(q)}>; rel="{rel}"')

        if page < last:
            link(page + 1, "next")
            link(last, "last")
        if page > 1:
            link(1, "first")
            link(page - 1, "prev")
        return 200, chunk, ({"Link": ", ".join(links)} if links else {})


@route("GET", r"/repos/{seg}/{seg}")
def get_repo(req: Request, o: str, n: str) -> Response:
    return 200, req.fake.repo_json(req.repo(o, n)), {}


@route("GET", r"/repos/{seg}/{seg}/issues")
def list_issues(req: Request, o: str, n: str) -> Response:
    r = req.repo(o, n)
    state = req.query.get("state", "open")
    wanted = [x for x in req.query.get("labels", "").split(",") if x]
    since = req.query.get("since", "")
    creator = req.query.get("creator", "")
    issues = [
        i
        for i in sorted(r.issues.values(), key=lambda i: -i.number)
        if state in ("all", i.state)
        and all(x in i.labels for x in wanted)
        and (not since or i.updated_at >= since)
        and (not creator or i.user == creator)
    ]
    return req.page([req.fake.issue_json(r, i) for i in issues])


@route("POST", r"/repos/{seg}/{seg}/issues")
def create_issue(req: Request, o: str, n: str) -> Response:
    r = req.repo(o, n)
    data = req.obj()
    if not data.get("title"):
        raise HTTPError(422, "Validation Failed")
    i = req.fake.add_issue(
        r.full_name,
        str(data["title"]),
        data.get("body"),
        user=req.login,
        labels=list(data.get("labels") or []),
    )
    return 201, req.fake.issue_json(r, i), {}


@route("GET", r"/repos/{seg}/{seg}/issues/(\d+)")
def get_issue(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    return 200, req.fake.issue_json(r, req.issue(r, num)), {}


@route("PATCH", r"/repos/{seg}/{seg}/issues/(\d+)")
def edit_issue(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    i = req.issue(r, num)
    data = req.obj()
    if "title" in data:
        i.title = str(data["title"])
    if "body" in data:
        i.body = data["body"]
    if "state" in data:
        if data["state"] not in ("open", "closed"):
            raise HTTPError(422, "Validation Failed")
        if data["state"] != i.state:
            i.state = data["state"]
            i.closed_at = _now() if i.state == "closed" else None
            i.state_reason = data.get("state_reason") or (
                "completed" if i.state == "closed" else "reopened"
            )
    elif "state_reason" in data:
        i.state_reason = data["state_reason"]
    if "labels" in data:
        names = [x["name"] if isinstance(x, dict) else str(x) for x in data["labels"]]
        for name in names:
            req.fake.add_label(r.full_name, name)
        i.labels = list(dict.fromkeys(names))
    i.updated_at = _now()
    return 200, req.fake.issue_json(r, i), {}


@route("GET", r"/repos/{seg}/{seg}/issues/(\d+)/comments")
def list_comments(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    i = req.issue(r, num)
    since = req.query.get("since", "")
    chosen = [r.comments[c] for c in i.comments if not since or r.comments[c].updated_at >= since]
    return req.page([req.fake.comment_json(r, c) for c in chosen])


@route("POST", r"/repos/{seg}/{seg}/issues/(\d+)/comments")
def create_comment(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    i = req.issue(r, num)
    body = req.obj().get("body")
    if not isinstance(body, str) or not body:
        raise HTTPError(422, "Validation Failed")
    c = req.fake.add_comment(r.full_name, i.number, body, user=req.login)
    return 201, req.fake.comment_json(r, c), {}


@route("GET", r"/repos/{seg}/{seg}/issues/comments")
def list_repo_comments(req: Request, o: str, n: str) -> Response:
    """Every issue comment of the repository, oldest first (``since``: updated at or after)."""
    r = req.repo(o, n)
    since = req.query.get("since", "")
    comments = sorted(r.comments.values(), key=lambda c: (c.created_at, c.id))
    if req.query.get("direction") == "desc":
        comments.reverse()
    chosen = [c for c in comments if not since or c.updated_at >= since]
    return req.page([req.fake.comment_json(r, c) for c in chosen])


@route("GET", r"/repos/{seg}/{seg}/issues/comments/(\d+)")
def get_comment(req: Request, o: str, n: str, cid: str) -> Response:
    r = req.repo(o, n)
    return 200, req.fake.comment_json(r, req.comment(r, cid)), {}


@route("PATCH", r"/repos/{seg}/{seg}/issues/comments/(\d+)")
def edit_comment(req: Request, o: str, n: str, cid: str) -> Response:
    r = req.repo(o, n)
    c = req.comment(r, cid)
    body = req.obj().get("body")
    if not isinstance(body, str) or not body:
        raise HTTPError(422, "Validation Failed")
    c.body, c.updated_at = body, _now()
    return 200, req.fake.comment_json(r, c), {}


def _react(req: Request, reactions: list[dict[str, Any]]) -> Response:
    content = req.obj().get("content")
    if content not in REACTIONS:
        raise HTTPError(422, "Validation Failed")
    for x in reactions:
        if x["user"] == req.login and x["content"] == content:
            return 200, req.fake.reaction_json(x), {}
    x = {"id": req.fake._next_id(), "content": content, "user": req.login, "created_at": _now()}
    reactions.append(x)
    return 201, req.fake.reaction_json(x), {}


@route("POST", r"/repos/{seg}/{seg}/issues/comments/(\d+)/reactions")
def react_comment(req: Request, o: str, n: str, cid: str) -> Response:
    r = req.repo(o, n)
    return _react(req, req.comment(r, cid).reactions)


@route("POST", r"/repos/{seg}/{seg}/issues/(\d+)/reactions")
def react_issue(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    return _react(req, req.issue(r, num).reactions)


def _label_names(body: Any) -> list[str]:
    items = body.get("labels", []) if isinstance(body, dict) else body
    if not isinstance(items, list):
        raise HTTPError(422, "Validation Failed")
    return [x["name"] if isinstance(x, dict) else str(x) for x in items]


@route("GET", r"/repos/{seg}/{seg}/issues/(\d+)/labels")
def list_issue_labels(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    return req.page([req.fake.label_json(r, x) for x in req.issue(r, num).labels])


@route("POST", r"/repos/{seg}/{seg}/issues/(\d+)/labels")
def add_labels(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    i = req.issue(r, num)
    for name in _label_names(req.body):
        req.fake.add_label(r.full_name, name)
        if name not in i.labels:
            i.labels.append(name)
    i.updated_at = _now()
    return 200, [req.fake.label_json(r, x) for x in i.labels], {}


@route("PUT", r"/repos/{seg}/{seg}/issues/(\d+)/labels")
def set_labels(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    i = req.issue(r, num)
    names = _label_names(req.body)
    for name in names:
        req.fake.add_label(r.full_name, name)
    i.labels, i.updated_at = list(dict.fromkeys(names)), _now()
    return 200, [req.fake.label_json(r, x) for x in i.labels], {}


@route("DELETE", r"/repos/{seg}/{seg}/issues/(\d+)/labels")
def clear_labels(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    i = req.issue(r, num)
    i.labels, i.updated_at = [], _now()
    return 204, None, {}


@route("DELETE", r"/repos/{seg}/{seg}/issues/(\d+)/labels/{seg}")
def remove_label(req: Request, o: str, n: str, num: str, name: str) -> Response:
    r = req.repo(o, n)
    i = req.issue(r, num)
    name = unquote(name)
    if name not in i.labels:
        raise HTTPError(404, "Label does not exist")
    i.labels.remove(name)
    i.updated_at = _now()
    return 200, [req.fake.label_json(r, x) for x in i.labels], {}


@route("GET", r"/repos/{seg}/{seg}/labels")
def list_labels(req: Request, o: str, n: str) -> Response:
    r = req.repo(o, n)
    return req.page([req.fake.label_json(r, x) for x in r.labels])


@route("GET", r"/repos/{seg}/{seg}/labels/{seg}")
def get_label(req: Request, o: str, n: str, name: str) -> Response:
    r = req.repo(o, n)
    name = unquote(name)
    if name not in r.labels:
        raise HTTPError(404, "Not Found")
    return 200, req.fake.label_json(r, name), {}


@route("POST", r"/repos/{seg}/{seg}/labels")
def create_label(req: Request, o: str, n: str) -> Response:
    r = req.repo(o, n)
    data = req.obj()
    name = data.get("name")
    if not isinstance(name, str) or not name or name in r.labels:
        raise HTTPError(422, "Validation Failed")
    req.fake.add_label(
        r.full_name, name, str(data.get("color", "ededed")).lstrip("#"), data.get("description")
    )
    return 201, req.fake.label_json(r, name), {}


def _pull(req: Request, r: Repo, number: str) -> Pull:
    p = r.pulls.get(int(number)) if number.isdigit() else None
    if p is None:
        raise HTTPError(404, "Not Found")
    return p


@route("GET", r"/repos/{seg}/{seg}/pulls")
def list_pulls(req: Request, o: str, n: str) -> Response:
    r = req.repo(o, n)
    state = req.query.get("state", "open")
    head = req.query.get("head", "")
    base = req.query.get("base", "")
    pulls = [
        p
        for p in sorted(r.pulls.values(), key=lambda p: -p.number)
        if state in ("all", r.issues[p.number].state)
        and (not head or head in (p.head, f"{r.owner}:{p.head}"))
        and (not base or base == p.base)
    ]
    return req.page([req.fake.pull_json(r, p) for p in pulls])


@route("POST", r"/repos/{seg}/{seg}/pulls")
def create_pull(req: Request, o: str, n: str) -> Response:
    r = req.repo(o, n)
    data = req.obj()
    head = str(data.get("head") or "").split(":")[-1]
    if not data.get("title") or not head or not data.get("base"):
        raise HTTPError(422, "Validation Failed")
    for p in r.pulls.values():
        if p.head == head and r.issues[p.number].state == "open":
            raise HTTPError(422, f"A pull request already exists for {r.owner}:{head}.")
    pull = req.fake.add_pull(
        r.full_name,
        str(data["title"]),
        head,
        str(data["base"]),
        data.get("body"),
        user=req.login,
        draft=bool(data.get("draft")),
    )
    return 201, req.fake.pull_json(r, pull), {}


@route("GET", r"/repos/{seg}/{seg}/pulls/(\d+)")
def get_pull(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    return 200, req.fake.pull_json(r, _pull(req, r, num)), {}


@route("PATCH", r"/repos/{seg}/{seg}/pulls/(\d+)")
def edit_pull(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    p = _pull(req, r, num)
    i = r.issues[p.number]
    data = req.obj()
    if "title" in data:
        i.title = str(data["title"])
    if "body" in data:
        i.body = data["body"]
    if "base" in data:
        p.base = str(data["base"])
    if data.get("state") in ("open", "closed") and data["state"] != i.state:
        i.state = data["state"]
        i.closed_at = _now() if i.state == "closed" else None
    i.updated_at = _now()
    return 200, req.fake.pull_json(r, p), {}


@route("POST", r"/repos/{seg}/{seg}/pulls/(\d+)/requested_reviewers")
def request_reviewers(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    p = _pull(req, r, num)
    for login in req.obj().get("reviewers") or []:
        if login == r.issues[p.number].user:
            raise HTTPError(422, "Review cannot be requested from pull request author.")
        if login not in p.requested_reviewers:
            p.requested_reviewers.append(str(login))
    return 201, req.fake.pull_json(r, p), {}


@route("PUT", r"/repos/{seg}/{seg}/pulls/(\d+)/merge")
def merge_pull(req: Request, o: str, n: str, num: str) -> Response:
    r = req.repo(o, n)
    p = _pull(req, r, num)
    i = r.issues[p.number]
    if i.state != "open":
        raise HTTPError(405, "Pull Request is not mergeable")
    p.merged, p.merged_at = True, _now()
    i.state, i.closed_at = "closed", p.merged_at
    return (
        200,
        {"sha": p.head_sha, "merged": True, "message": "Pull Request successfully merged"},
        {},
    )


@route("GET", r"/repos/{seg}/{seg}/collaborators/{seg}/permission")
def get_permission(req: Request, o: str, n: str, login: str) -> Response:
    r = req.repo(o, n)
    login = unquote(login)
    role = r.permissions.get(login, "none")
    return (
        200,
        {
            "permission": PERMISSION_OF_ROLE[role],
            "role_name": role,
            "user": req.fake.user_json(login),
        },
        {},
    )


@route("GET", r"/user")
def get_user(req: Request) -> Response:
    return 200, req.fake.user_json(req.login), {}


# ---------------------------------------------------------------------- HTTP


class _Handler(BaseHTTPRequestHandler):
    fake: FakeGitHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, payload: Any, headers: dict[str, str]) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        merged = {"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "4999"}
        lower = {k.lower() for k in headers}
        merged = {k: v for k, v in merged.items() if k.lower() not in lower} | headers
        for key, value in merged.items():
            self.send_header(key, value)
        self.end_headers()
        if data:
            self.wfile.write(data)

    def _handle(self) -> None:
        fake = self.fake
        method = self.command
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        split = urlsplit(self.path)
        path = split.path
        with fake._lock:
            fake.calls.append((method, path, body))
            fake.requests.append((method, self.path, body))
        if fake.latency:
            time.sleep(fake.latency)
        fault = fake._take_fault(method, path)
        if fault is not None and not fault.applied:
            self._send(fault.status, {"message": fault.message}, fault.headers)
            return
        token = (
            (self.headers.get("Authorization") or "").removeprefix("token ").removeprefix("Bearer ")
        )
        login = fake.tokens.get(token, DEFAULT_LOGIN)
        req = Request(fake, method, path, dict(parse_qsl(split.query)), body, login)
        for route_method, pattern, fn in ROUTES:
            m = pattern.fullmatch(path)
            if m and route_method == method:
                try:
                    with fake._lock:
                        status, payload, headers = fn(req, *m.groups())
                except HTTPError as err:
                    status, payload, headers = err.status, {"message": err.message}, err.headers
                if fault is not None:
                    status, payload, headers = (
                        fault.status,
                        {"message": fault.message},
                        fault.headers,
                    )
                payload = (
                    dict(payload, documentation_url="https://docs.github.com/rest")
                    if status >= 400 and isinstance(payload, dict)
                    else payload
                )
                self._send(status, payload, headers)
                return
        self._send(
            404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}, {}
        )

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle


@contextmanager
def fake_github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def github_fake() -> Iterator[FakeGitHub]:
    """The fake as a pytest fixture (import it into a test module or conftest to use it)."""
    with fake_github() as fake:
        yield fake
