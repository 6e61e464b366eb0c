"""What every GitHub command has to hand: the repository on disk, settings, the clock, the
API, where links point, and the few steps they share (who may act, who authored a commit,
keeping one marked comment up to date)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.github.api import LEVELS, Api, GitHubError
from incidentops.github.replies import Where


@dataclass
class Run:
    root: Path
    config: Config
    now: datetime
    api: Api
    where: Where
    dry_run: bool = False
    say: Callable[[str], None] = print
    log: list[str] = field(default_factory=list)

    @cached_property
    def oncall(self) -> Any:
        from incidentops.oncall.repo import from_directory

        return from_directory(self.root, self.config)

    @property
    def people(self) -> dict[str, Any]:
        return dict(self.oncall.people)

    def authorised(self, login: str) -> tuple[bool, str]:
        """(may act, the role found). Fails closed: an API error is a refusal."""
        need = self.config.github.command_permission
        try:
            role = self.api.permission(login)
        except GitHubError as exc:
            return False, f"no permission we could confirm ({exc})"
        return LEVELS.index(role) >= LEVELS.index(need) if role in LEVELS else False, role

    def author(self, login: str) -> tuple[str, str]:
        """The commit author for a GitHub login: the person's name and email from
        ``people.yaml``, else the login and GitHub's no-reply address."""
        from incidentops.github.commands import person_of_login

        handle = person_of_login(login, self.people)
        person = self.people.get(handle or "", {})
        email = (person.get("contact") or {}).get("email") if person else None
        if person and email:
            return str(person.get("name") or handle), str(email)
        return login, f"{login}@users.noreply.github.com"

    def upsert(self, number: int, kind: str, body: str, comments: list[Any] | None = None) -> None:
        """Keep one bot comment with marker ``kind`` on ``number``: edit it when its text
        changed, create it when there is none."""
        from incidentops.github.text import has_marker

        existing = self.api.find_comment(number, lambda text: has_marker(text, kind), comments)
        if existing is None:
            self.api.create_comment(number, body, body.split("\n", 1)[0])
        elif existing.body != body:
            self.api.edit_comment(existing, body)

    def show_diff(self, path: str, before: str, after: str) -> None:
        diff = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            f"a/{path}",
            f"b/{path}",
        )
        self.say("".join(diff).rstrip("\n"))


def server_url() -> str:
    return os.environ.get("GITHUB_SERVER_URL") or "https://github.com"


def branch_name() -> str:
    ref = os.environ.get("GITHUB_REF") or ""
    return ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else "main"
