"""Shared fixtures: a copy of this repository's sample data, the installed console script, and
the suite's clock.

Tests never read the wall clock for an expectation (see tests/README.md). Every clock the code
under test reads is set: ``INCIDENTOPS_NOW`` for incidentops (in this process by the autouse
``fixed_clock`` fixture, in every console script run by ``run_cli``, the GitHub world and the
workflow harness), the fake GitHub API's stamps (``fakegithub.FIXED_NOW`` unless a test calls
``set_time``), and git's author and committer dates. The suite passes on any system date.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fakegithub import FIXED_NOW, reset_clock

REPO = Path(__file__).resolve().parents[1]
SAMPLE_PARTS = (
    "incidentops.yaml",
    "incidents",
    "postmortems",
    "runbooks",
    "oncall",
    "schemas",
    "alerts",
)
SCRIPT = Path(sys.executable).parent / "incidentops"
# FIXED_NOW, the suite's "now" (2026-11-23T12:00:00Z, a Monday), lives in fakegithub, which
# stamps with it by default; it is imported from here everywhere else.


def clock_env(now: str = FIXED_NOW) -> dict[str, str]:
    """The environment that sets every clock a child process reads: incidentops's
    (``INCIDENTOPS_NOW``, at ``now``) and git's author and committer dates. Git's are always
    ``FIXED_NOW``: nothing reads them, and one date for every commit keeps histories free of
    clock skew however a test moves incidentops's clock."""
    return {"INCIDENTOPS_NOW": now, "GIT_AUTHOR_DATE": FIXED_NOW, "GIT_COMMITTER_DATE": FIXED_NOW}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs at ``FIXED_NOW``: incidentops code called in this process (and any child
    it starts) reads ``INCIDENTOPS_NOW``, the fake GitHub API stamps with the same moment.
    Tests that need another moment pass it explicitly (``run_cli(env=clock_env(...))``,
    ``World.run(now=...)``, ``World.scheduled``, ``fake.set_time``)."""
    for key, value in clock_env().items():
        monkeypatch.setenv(key, value)
    reset_clock()
    return FIXED_NOW


def copy_sample(target: Path) -> Path:
    """The sample repository (data only) in ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in SAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "repo")


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """The real console script as a subprocess, with no colour and the clock at ``FIXED_NOW``
    (``env`` may move it: ``env=clock_env("2026-11-24T09:00:00Z")`` or just
    ``{"INCIDENTOPS_NOW": ...}``); never the wall clock."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    environment.update({**clock_env(), "NO_COLOR": "1"})
    environment.update(env or {})
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=check,
        timeout=120,
    )


@pytest.fixture
def git_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed identities and no personal git configuration (inherited by the console script)."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.delenv("INCIDENTOPS_ACTOR", raising=False)
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test Bot")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "bot@example.com")


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` (raising on failure) and return its output, stripped."""
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


# The GitHub world (fake API + repository with a bare origin) as a fixture for every test
# module; imported last because it builds on the helpers above.
from fakegithub import github_fake  # noqa: E402, F401
from github_world import world  # noqa: E402, F401
