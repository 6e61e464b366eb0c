"""Git edge for changes proposed on a branch (a pull request) rather than pushed to the
default branch: build one commit on top of the remote's base in a throwaway worktree, so the
checkout a command runs in (often ``main``, mid-job) is never touched, and push it as a new
branch — once. If the branch is already on the remote, or appears there while we build
(another run got there first), it is left as it is and reused."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import git

from incidentops.repo.gitops import GitOpsError, _stderr, open_repo

Build = Callable[[Path], list[str]]  # writes files under the worktree, returns their paths


def remote_branch_exists(root: Path, branch: str, remote: str = "origin") -> bool:
    try:
        return bool(open_repo(root).git.ls_remote("--heads", remote, f"refs/heads/{branch}"))
    except git.GitCommandError as exc:
        raise GitOpsError(f"git ls-remote {remote} failed: {_stderr(exc)}") from None


def push_new_branch(
    root: Path,
    branch: str,
    build: Build,
    message: str,
    author: tuple[str, str] | None = None,
    base: str = "main",
    remote: str = "origin",
    replace: bool = False,
) -> bool:
    """Create ``branch`` on ``remote`` from ``remote/base`` plus one commit made by
    ``build``. True when this call created it; False when it already existed. With
    ``replace`` (a branch the tool alone owns, proposing the current state), an existing
    branch is rebuilt from ``base`` and force-pushed — only when its content differs."""
    repo = open_repo(root)
    exists = remote_branch_exists(root, branch, remote)
    if exists and not replace:
        return False
    try:
        repo.git.fetch("-q", remote, f"+refs/heads/{base}:refs/remotes/{remote}/{base}")
    except git.GitCommandError as exc:
        raise GitOpsError(f"git fetch {remote} {base} failed: {_stderr(exc)}") from None
    env: dict[str, str] = {}
    if author is not None:
        env = {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1]}
    with tempfile.TemporaryDirectory(prefix="incidentops-branch-") as temporary:
        tree = Path(temporary) / "tree"
        try:
            repo.git.worktree("add", "-q", "--detach", str(tree), f"{remote}/{base}")
        except git.GitCommandError as exc:
            raise GitOpsError(f"git worktree add failed: {_stderr(exc)}") from None
        try:
            work = git.Repo(tree)
            paths = build(tree)
            work.git.add("--", *paths)
            work.git.commit("--no-verify", "-q", "-m", message, env=env)
            if exists:
                work.git.fetch("-q", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")
                if work.git.rev_parse("HEAD^{tree}") == work.git.rev_parse(
                    f"{remote}/{branch}^{{tree}}"
                ):
                    return False  # it already proposes exactly this
                work.git.push("-q", "--force", remote, f"HEAD:refs/heads/{branch}")
                return True
            try:
                work.git.push("-q", remote, f"HEAD:refs/heads/{branch}")
            except git.GitCommandError as exc:
                if remote_branch_exists(root, branch, remote):
                    return False  # another run created it meanwhile: theirs stands
                raise GitOpsError(f"git push {remote} {branch} failed: {_stderr(exc)}") from None
            return True
        except git.GitCommandError as exc:
            raise GitOpsError(f"git commit on {branch} failed: {_stderr(exc)}") from None
        finally:
            try:
                repo.git.worktree("remove", "--force", str(tree))
            except git.GitCommandError:
                repo.git.worktree("prune")
