"""Git edges (GitPython): one commit per command, and a push that survives concurrent pushes.

Why "re-apply on a fresh tree" rather than ``git rebase``: when a push is rejected because
someone else pushed first, we fetch, move the branch to the remote tip (dropping only our own
commit) and call the command's ``attempt()`` again on top of what is there now. The command
recomputes its change from the current files, so a concurrent timeline entry is kept (no lost
update) and a concurrent ``declare`` that took our ID makes ours allocate the next free one
(IDs stay unique). A textual rebase of YAML could conflict or, worse, merge cleanly into a
duplicate ID. The loop is bounded (``retries``) with exponential backoff and jitter.

The branch is moved with ``git reset --keep``, not ``--hard``: files the person changed but did
not commit survive, and git refuses rather than overwrite them. A branch holding commits not
on the remote is refused up front, since re-applying would silently drop them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import git

_RETRYABLE = (
    "[rejected]",
    "non-fast-forward",
    "fetch first",
    "cannot lock ref",
    "failed to update ref",
)
_FINAL = ("hook declined", "protected branch")


class GitOpsError(Exception):
    """A git operation failed; the message says which and why."""


class NothingToCommit(GitOpsError):
    """The paths hold no change to commit (the command changed nothing)."""


def open_repo(root: Path) -> git.Repo:
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitOpsError(f"{root}: not inside a git repository") from None


def commit(
    root: Path, paths: list[str], message: str, author: tuple[str, str] | None = None
) -> str:
    """Commit exactly ``paths`` (relative to ``root``; other staged changes stay staged and
    out of this commit) and return the new commit's sha. ``author`` is (name, email); the
    committer comes from git's configuration and environment."""
    repo = open_repo(root)
    if not paths:
        raise NothingToCommit("no paths to commit")
    base = Path(repo.working_tree_dir or root).resolve()
    relative = [str((Path(root).resolve() / p).relative_to(base)) for p in paths]
    env: dict[str, str] = {}
    if author is not None:
        name, email = author
        if any(c in name + email for c in "<>\n\r\0"):
            raise GitOpsError(f"invalid author {name!r} <{email}>")
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
    try:
        repo.git.add("-A", "--", *relative)
        if repo.head.is_valid() and not repo.git.diff(
            "--cached", "--name-only", "HEAD", "--", *relative
        ):
            raise NothingToCommit(f"nothing to commit in {', '.join(paths)}")
        repo.git.commit("--no-verify", "-q", "-m", message, "--only", "--", *relative, env=env)
    except git.GitCommandError as exc:
        raise GitOpsError(f"git commit failed: {_stderr(exc)}") from None
    return repo.head.commit.hexsha


def push_with_retry(
    root: Path,
    attempt: Callable[[], list[str]],
    message: str | Callable[[], str],
    author: tuple[str, str] | None = None,
    remote: str = "origin",
    branch: str | None = None,
    retries: int = 5,
    backoff: float = 0.2,
) -> str:
    """Sync with ``remote``, run ``attempt()`` (it changes the working tree and returns the
    paths it wrote), commit with ``message`` (or what ``message()`` returns after the attempt,
    when it depends on it, e.g. a re-allocated ID), push; on a rejected push, move to the
    remote tip and run ``attempt()`` again, up to ``retries`` more times. Returns the pushed
    commit's sha (or the current one when ``attempt()`` changed nothing)."""
    repo = open_repo(root)
    try:
        branch = branch or repo.active_branch.name
    except TypeError:
        raise GitOpsError("HEAD is detached; name the branch to push") from None
    tracking = f"{remote}/{branch}"
    _sync(repo, remote, branch, tracking, first=True)
    for number in range(retries + 1):
        paths = attempt()
        try:
            text = message if isinstance(message, str) else message()
            sha = commit(root, paths, text, author)
        except NothingToCommit:
            return repo.head.commit.hexsha
        try:
            repo.git.push("-q", remote, f"HEAD:refs/heads/{branch}")
            return sha
        except git.GitCommandError as exc:
            error = _stderr(exc)
            if not _retryable(exc) or number == retries:
                if _retryable(exc):
                    error = f"rejected {retries + 1} times, last: {error}"
                if repo.head.commit.parents:  # keep the change in the working tree, uncommitted
                    repo.git.reset("-q", f"{sha}~1")
                raise GitOpsError(f"git push to {remote} {branch} failed: {error}") from None
        time.sleep(backoff * 2**number * (0.5 + random.random()))
        _sync(repo, remote, branch, tracking, first=False)
    raise AssertionError("unreachable")  # pragma: no cover


def _sync(repo: git.Repo, remote: str, branch: str, tracking: str, first: bool) -> None:
    """Fetch and move the branch to the remote tip (``first``: only if nothing unpushed)."""
    try:
        repo.git.fetch("-q", remote, f"+refs/heads/{branch}:refs/remotes/{tracking}")
    except git.GitCommandError as exc:
        if "couldn't find remote ref" in _stderr(exc):
            return  # the remote branch does not exist yet: the first push creates it
        raise GitOpsError(f"git fetch {remote} failed: {_stderr(exc)}") from None
    if first and repo.head.is_valid():
        try:
            repo.git.merge_base("--is-ancestor", "HEAD", tracking)
        except git.GitCommandError:
            raise GitOpsError(
                f"{branch} has commits that are not on {tracking}; push or drop them first"
            ) from None
    _undo(repo, tracking)


def _undo(repo: git.Repo, target: str | None) -> None:
    if target is None:
        return
    try:
        repo.git.reset("-q", "--keep", target)
    except git.GitCommandError as exc:
        raise GitOpsError(f"cannot move to {target}: {_stderr(exc)}") from None


def _retryable(exc: git.GitCommandError) -> bool:
    text = f"{exc.stdout}\n{exc.stderr}"
    return any(s in text for s in _RETRYABLE) and not any(s in text for s in _FINAL)


def _stderr(exc: git.GitCommandError) -> str:
    text = str(exc.stderr or exc.stdout or exc).strip()
    return text.removeprefix("stderr:").strip().strip("'").strip()


__all__ = ["GitOpsError", "NothingToCommit", "commit", "open_repo", "push_with_retry"]
