"""The GitHub REST API through PyGithub, with a retry policy chosen on purpose.

PyGithub's default retry re-sends any request that got a 5xx, a POST included, and GitHub
may already have carried that POST out: a second comment. So PyGithub retries nothing here,
and this module decides per call:

- reads and idempotent writes (GET, PUT labels, PATCH title, a reaction, which GitHub
  answers with the existing one) are retried on 5xx, connection errors and rate limits;
- a create (POST a comment) is retried only after looking for the earlier attempt's marker,
  so a comment whose answer was lost is found instead of written twice.

Waits grow exponentially from ``backoff`` (``retry-after`` when GitHub sends one), at most
``attempts`` tries and never a single wait beyond ``max_wait``: then a clear error. With
``dry_run`` every write is printed as the call it would make, and nothing is sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from incidentops.github.policy import LEVELS, GitHubError, Settings, judge

__all__ = ["LEVELS", "Api", "GitHubError", "Settings"]

T = TypeVar("T")


@dataclass
class Api:
    repository: str
    settings: Settings
    dry_run: bool = False
    bot_login: str = "github-actions[bot]"
    say: Callable[[str], None] = print
    sleep: Callable[[float], None] = time.sleep
    requests: int = 0  # calls made (each retry counts)
    planned: list[str] = field(default_factory=list)  # dry run: the writes not made
    _client: Any = None
    # An issue's comments are listed once per run; comments this run creates are added.
    _comments: dict[int, list[Any]] = field(default_factory=dict)

    # ---------------------------------------------------------------- plumbing
    @property
    def client(self) -> Any:
        if self._client is None:
            from github import Auth, Github

            if not self.settings.token:
                raise GitHubError("no token: set GITHUB_TOKEN (Actions: secrets.GITHUB_TOKEN)")
            self._client = Github(
                auth=Auth.Token(self.settings.token),
                base_url=self.settings.url.rstrip("/"),
                retry=None,
                lazy=True,
                per_page=100,
                seconds_between_requests=None,
                seconds_between_writes=self.settings.write_interval or None,
            )
        return self._client

    @property
    def repo(self) -> Any:
        return self.client.get_repo(self.repository)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def call(
        self, what: str, fn: Callable[[], T], recover: Callable[[], T | None] | None = None
    ) -> T:
        """Run one API call under the retry policy; ``recover`` (for creates) looks for the
        work of an earlier attempt before trying again."""
        from github import GithubException
        from requests import RequestException

        last = ""
        for attempt in range(self.settings.attempts):
            if attempt and recover is not None:
                found = recover()
                if found is not None:
                    return found
            self.requests += 1
            try:
                return fn()
            except GithubException as exc:
                retry, wait, last = judge(exc)
                if not retry:
                    raise GitHubError(f"{what}: {last}") from None
            except RequestException as exc:
                wait, last = None, f"connection failed ({type(exc).__name__})"
            if attempt + 1 == self.settings.attempts:
                break
            delay = wait if wait is not None else self.settings.backoff * 2**attempt
            if delay > self.settings.max_wait:
                raise GitHubError(f"{what}: {last}; asked to wait {delay:.0f} s, giving up")
            self.sleep(delay)
        raise GitHubError(f"{what}: failed {self.settings.attempts} times; last: {last}")

    def write(
        self, what: str, fn: Callable[[], T], recover: Callable[[], T | None] | None = None
    ) -> T | None:
        if self.dry_run:
            self.planned.append(what)
            self.say(f"would {what}")
            return None
        return self.call(what, fn, recover)

    # ---------------------------------------------------------------- reads
    def permission(self, login: str) -> str:
        """The person's role on the repository (admin, maintain, write, triage, read, none)."""

        def ask() -> str:
            _, data = self.client.requester.requestJsonAndCheck(
                "GET", f"{self.repo.url}/collaborators/{_quote(login)}/permission"
            )
            role = data.get("role_name") or data.get("permission") or "none"
            return str(role) if str(role) in LEVELS else str(data.get("permission") or "none")

        return self.call(f"GET permission of {login}", ask)

    def issue(self, number: int) -> Any:
        def fetch() -> Any:
            issue = self.repo.get_issue(number)
            issue.title  # noqa: B018 - completes the lazy object: one GET, inside the retry
            return issue

        return self.call(f"GET issue #{number}", fetch)

    def comments(self, number: int) -> list[Any]:
        if number not in self._comments:
            self._comments[number] = self.call(
                f"GET comments of #{number}",
                lambda: list(self.repo.get_issue(number).get_comments()),
            )
        return self._comments[number]

    def ours(self, user: Any) -> bool:
        """Written by the bot itself: only then are its hidden markers trusted (people's text
        is quoted with ``<`` escaped, and another app's comments are not ours)."""
        return user is not None and str(user.login).lower() == self.bot_login.lower()

    def forget_comments(self, number: int) -> None:
        self._comments.pop(number, None)

    def find_comment(
        self, number: int, predicate: Callable[[str], bool], comments: list[Any] | None = None
    ) -> Any | None:
        """The newest comment of the bot's on ``number`` whose body matches."""
        for comment in reversed(comments if comments is not None else self.comments(number)):
            if self.ours(comment.user) and predicate(comment.body):
                return comment
        return None

    # ---------------------------------------------------------------- writes
    def react(self, comment_id: int, content: str) -> None:
        def post() -> None:
            self.client.requester.requestJsonAndCheck(
                "POST",
                f"{self.repo.url}/issues/comments/{comment_id}/reactions",
                input={"content": content},
            )

        self.write(f"POST reaction {content} on comment {comment_id}", post)

    def set_labels(self, number: int, labels: list[str]) -> None:
        self.write(
            f"PUT labels of #{number}: {', '.join(labels)}",
            lambda: self.repo.get_issue(number).set_labels(*labels),
        )

    def edit_issue(self, number: int, **changes: Any) -> None:
        shown = ", ".join(f"{k}={v!r}" for k, v in changes.items())
        self.write(
            f"PATCH issue #{number}: {shown}", lambda: self.repo.get_issue(number).edit(**changes)
        )

    def create_comment(self, number: int, body: str, marker: str) -> Any:
        """Post ``body`` (which holds ``marker``) unless a bot comment with it exists."""

        def recover() -> Any | None:
            from github import GithubException

            self._comments.pop(number, None)  # the lost one may be there now: list again
            try:
                return self.find_comment(number, lambda text: marker in text)
            except (GithubException, GitHubError):
                return None  # the retry will tell

        def post() -> Any:
            return self.repo.get_issue(number).create_comment(body)

        self.say_body(f"POST comment on #{number}", body)
        created = self.write(f"POST comment on #{number}", post, recover)
        known = self._comments.get(number)
        if created is not None and known is not None and all(c.id != created.id for c in known):
            known.append(created)
        return created

    def edit_comment(self, comment: Any, body: str) -> None:
        self.say_body(f"PATCH comment {comment.id}", body)
        self.write(f"PATCH comment {comment.id}", lambda: comment.edit(body))

    def create_issue(self, title: str, body: str, labels: list[str], marker: str) -> Any:
        from github import GithubException

        def recover() -> Any | None:
            try:
                found = self.repo.get_issues(state="all", labels=labels[:1]).get_page(0)
            except GithubException:
                return None  # the retry will tell
            return next((i for i in found if self.ours(i.user) and marker in (i.body or "")), None)

        return self.write(
            f"POST issue {title!r}",
            lambda: self.repo.create_issue(title=title, body=body, labels=labels),
            recover,
        )

    def find_pull(self, branch: str) -> Any | None:
        """The newest pull request (open, closed or merged) from ``branch`` of this
        repository."""
        owner = self.repository.split("/", 1)[0]
        pulls = self.call(
            f"GET pulls from {branch}",
            lambda: self.repo.get_pulls(state="all", head=f"{owner}:{branch}").get_page(0),
        )
        return pulls[0] if pulls else None

    def create_pull(self, title: str, body: str, head: str, base: str) -> Any | None:
        """Open a pull request; GitHub's 422 "already exists" means another run opened it,
        which is found and returned instead."""
        from github import GithubException

        def post() -> Any:
            try:
                return self.repo.create_pull(title=title, body=body, head=head, base=base)
            except GithubException as exc:
                if exc.status == 422 and "already exists" in str(exc):
                    return self.find_pull(head)
                raise

        self.say_body(f"POST pull request {head} -> {base}", body)

        def recover() -> Any | None:
            try:
                return self.find_pull(head)
            except GitHubError:
                return None

        return self.write(f"POST pull request {head} -> {base}", post, recover)

    def request_reviewers(self, number: int, logins: list[str]) -> str | None:
        """Ask for reviews; a login GitHub will not accept (not a collaborator, the author)
        is reported, not fatal. Returns the problem, if any."""
        try:
            self.write(
                f"POST reviewers of #{number}: {', '.join(logins)}",
                lambda: self.repo.get_pull(number).create_review_request(reviewers=logins),
            )
        except GitHubError as exc:
            return str(exc)
        return None

    def say_body(self, what: str, body: str) -> None:
        if self.dry_run:
            self.say(f"--- {what} ---\n{body}\n---")


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
