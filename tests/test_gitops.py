"""gitops against real git: a bare ``origin`` and clones of it, fixed author and committer."""

from __future__ import annotations

import threading
from pathlib import Path

import git
import pytest

from conftest import git as run_git
from incidentops.repo.gitops import GitOpsError, NothingToCommit, commit, push_with_retry


@pytest.fixture
def origin(tmp_path: Path, git_env: None) -> Path:
    bare = tmp_path / "origin.git"
    run_git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    seed = tmp_path / "seed"
    run_git(tmp_path, "clone", "-q", str(bare), str(seed))
    (seed / "log.txt").write_text("start\n")
    (seed / "items").mkdir()
    (seed / "items" / "0001.txt").write_text("seed\n")
    run_git(seed, "add", ".")
    run_git(seed, "commit", "-q", "-m", "seed")
    run_git(seed, "push", "-q", "origin", "HEAD:main")
    return bare


def _clone(origin: Path, name: str) -> Path:
    target = origin.parent / name
    run_git(origin.parent, "clone", "-q", str(origin), str(target))
    run_git(target, "config", "user.name", name)
    run_git(target, "config", "user.email", f"{name}@example.com")
    return target


def _declare(clone: Path, label: str) -> list[str]:
    """A tiny stand-in for declare+update: allocate the next free number, log a line."""
    items = clone / "items"
    number = max(int(p.stem) for p in items.glob("*.txt")) + 1
    (items / f"{number:04d}.txt").write_text(f"{label}\n")
    with (clone / "log.txt").open("a") as log:
        log.write(f"{label}\n")
    return [f"items/{number:04d}.txt", "log.txt"]


def _origin_files(origin: Path) -> tuple[list[str], dict[str, str]]:
    check = origin.parent / "check"
    if check.exists():
        run_git(check, "pull", "-q")
    else:
        run_git(origin.parent, "clone", "-q", str(origin), str(check))
    log = (check / "log.txt").read_text().splitlines()
    items = {p.name: p.read_text().strip() for p in (check / "items").glob("*.txt")}
    return log, items


def test_commit_records_message_author_and_only_the_paths(origin: Path) -> None:
    clone = _clone(origin, "alice")
    (clone / "log.txt").write_text("changed\n")
    (clone / "other.txt").write_text("staged but not ours\n")
    run_git(clone, "add", "other.txt")
    sha = commit(clone, ["log.txt"], "INC-2026-0043: status identified", ("Alice", "a@x.org"))
    made = git.Repo(clone).commit(sha)
    assert made.message.strip() == "INC-2026-0043: status identified"
    assert (made.author.name, made.author.email) == ("Alice", "a@x.org")
    assert made.committer.name == "Test Bot"  # from the environment
    assert list(made.stats.files) == ["log.txt"]
    assert "other.txt" in run_git(clone, "diff", "--cached", "--name-only")  # still staged
    with pytest.raises(NothingToCommit):
        commit(clone, ["log.txt"], "again")


def test_commit_outside_a_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    with pytest.raises(GitOpsError, match="not inside a git repository"):
        commit(tmp_path / "plain", ["x"], "m")


def test_rejected_push_is_retried_on_the_fresh_tree(origin: Path) -> None:
    alice, bob = _clone(origin, "alice"), _clone(origin, "bob")
    calls: list[int] = []

    def attempt() -> list[str]:
        if not calls:  # bob declares between alice's sync and her push
            bob_paths = _declare(bob, "bob")
            commit(bob, bob_paths, "bob")
            run_git(bob, "push", "-q", "origin", "HEAD:main")
        calls.append(1)
        return _declare(alice, "alice")

    push_with_retry(alice, attempt, "alice declares", retries=3, backoff=0.01)
    assert len(calls) == 2
    log, items = _origin_files(origin)
    assert log == ["start", "bob", "alice"]
    assert items == {"0001.txt": "seed", "0002.txt": "bob", "0003.txt": "alice"}


def test_retries_exhausted_raise(origin: Path) -> None:
    alice, bob = _clone(origin, "alice"), _clone(origin, "bob")
    calls: list[int] = []

    def attempt() -> list[str]:
        calls.append(1)
        run_git(bob, "pull", "-q")
        commit(bob, _declare(bob, f"bob{len(calls)}"), "bob")
        run_git(bob, "push", "-q", "origin", "HEAD:main")  # always first
        return _declare(alice, "alice")

    with pytest.raises(GitOpsError, match="rejected 3 times"):
        push_with_retry(alice, attempt, "alice", retries=2, backoff=0.01)
    assert len(calls) == 3
    log, _ = _origin_files(origin)
    assert "alice" not in log
    assert "alice" in (alice / "log.txt").read_text()  # the change is kept, uncommitted


def test_unpushed_local_commits_are_refused(origin: Path) -> None:
    alice = _clone(origin, "alice")
    (alice / "log.txt").write_text("local\n")
    commit(alice, ["log.txt"], "local only")
    with pytest.raises(GitOpsError, match="not on origin/main"):
        push_with_retry(alice, lambda: _declare(alice, "x"), "m")


def test_two_clones_racing_lose_nothing_and_keep_ids_unique(origin: Path) -> None:
    clones = {name: _clone(origin, name) for name in ("alice", "bob")}
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def work(name: str) -> None:
        try:
            start.wait()
            for i in range(10):
                push_with_retry(
                    clones[name],
                    lambda: _declare(clones[name], f"{name}-{i}"),  # noqa: B023 - called now
                    f"{name} {i}",
                    retries=30,
                    backoff=0.005,
                )
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in clones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    log, items = _origin_files(origin)
    expected = {f"{n}-{i}" for n in clones for i in range(10)}
    assert sorted(log[1:]) == sorted(expected)  # every change, none twice
    assert sorted(items.values()) == sorted([*expected, "seed"])  # one number each
    assert len(items) == 21
