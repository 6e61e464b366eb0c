"""Shared fixtures: a copy of this repository's sample data, and the installed console script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_PARTS = ("incidentops.yaml", "incidents", "postmortems", "runbooks", "oncall", "schemas")
SCRIPT = Path(sys.executable).parent / "incidentops"
FIXED_NOW = "2026-11-23T12:00:00Z"


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
    """The real console script as a subprocess, with a fixed clock and no colour."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    environment.update({"INCIDENTOPS_NOW": FIXED_NOW, "NO_COLOR": "1"})
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
