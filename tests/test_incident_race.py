"""Two people at once: two clones of one ``origin`` declare incidents and add timeline events to
the same incident concurrently, each command with ``--push``. Nothing is lost, no ID is taken
twice, and what lands on ``origin`` validates."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from conftest import copy_sample, git, run_cli
from incidentops.loader import load_yaml

SHARED = "INC-2026-0008"


@pytest.fixture
def origin(tmp_path: Path, git_env: None) -> Path:
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    seed = copy_sample(tmp_path / "seed")
    git(seed, "init", "-q", "-b", "main")
    git(seed, "add", ".")
    git(seed, "commit", "-q", "-m", "sample")
    git(seed, "push", "-q", str(bare), "main")
    return bare


def _clone(origin: Path, name: str) -> Path:
    target = origin.parent / name
    git(origin.parent, "clone", "-q", str(origin), str(target))
    return target


def _work(clone: Path, who: str, failures: list[str]) -> None:
    env = {"INCIDENTOPS_ACTOR": who}
    for n in range(3):
        commands = [
            (
                "declare",
                "--title",
                f"{who} outage {n}",
                "--severity",
                "SEV3",
                "--service",
                "search",
            ),
            ("timeline", SHARED, "--kind", "note", "--text", f"{who} note {n}"),
        ]
        for args in commands:
            result = run_cli(*args, "--push", cwd=clone, env=env)
            if result.returncode != 0:
                failures.append(f"{who} {args[0]}: {result.stderr.strip()}")


def test_concurrent_declares_and_updates_lose_nothing(origin: Path) -> None:
    clones = {who: _clone(origin, who) for who in ("tom", "mei")}
    failures: list[str] = []
    threads = [
        threading.Thread(target=_work, args=(clone, who, failures)) for who, clone in clones.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []

    check = _clone(origin, "check")
    folder = check / "incidents" / "2026"
    new = sorted(p.stem for p in folder.glob("INC-2026-*.yaml") if p.stem > "INC-2026-0009")
    assert new == [f"INC-2026-{n:04d}" for n in range(10, 16)]
    titles = []
    for ident in new:
        data = load_yaml((folder / f"{ident}.yaml").read_text(encoding="utf-8")).value
        assert data["id"] == ident
        titles.append(data["title"])
    assert sorted(titles) == sorted(f"{who} outage {n}" for who in clones for n in range(3))

    shared = load_yaml((folder / f"{SHARED}.yaml").read_text(encoding="utf-8")).value
    notes = [
        e["text"] for e in shared["timeline"] if e["text"].startswith(("tom note", "mei note"))
    ]
    assert sorted(notes) == sorted(f"{who} note {n}" for who in clones for n in range(3))
    for who in clones:  # each person's notes in the order they were written
        assert [t for t in notes if t.startswith(who)] == [f"{who} note {n}" for n in range(3)]

    log = git(check, "log", "--format=%s", "main").splitlines()
    assert len(log) == 13
    assert sorted(log[:12]) == sorted(
        [f"{ident}: declared SEV3" for ident in new] + [f"{SHARED}: timeline note"] * 6
    )
    result = run_cli("validate", cwd=check)
    assert result.returncode == 0, result.stdout + result.stderr
