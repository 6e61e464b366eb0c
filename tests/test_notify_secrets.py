"""Secrets only from the environment, never printed: every notify-facing command, run with a
known fake secret for every target type, leaves no trace of any of them in stdout, stderr,
the working tree or the git history, whether the send succeeds (Slack), fails (every other
target points at a port nothing listens on) or is a dry run."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import copy_sample, git, run_cli
from fakeslack import FakeSlack

IDENT = "INC-2026-0010"
DECLARE_REST = ("--service", "checkout-api", "--actor", "tom", "--push")
NOWHERE = "127.0.0.1"  # with port 9 (discard): nothing listens, every send is refused
SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-4242-secret-slack-token-4242",
    "TEAMS_WEBHOOK_URL": "http://127.0.0.1:9/workflows/abc/triggers/manual/paths/invoke"
    "?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=S3cr3tT3amsSignatur3Value",
    "PAGERDUTY_ROUTING_KEY": "R0UT1NGK3YS3CR3T0000000000000042",
    "STATUSPAGE_API_KEY": "statuspage-s3cr3t-api-key-4242",
    "SMTP_USER": "smtp-s3cr3t-user",
    "SMTP_PASSWORD": "smtp-s3cr3t-password-4242",
    "WEBHOOK_SECRET": "whsec_c2VjcmV0LXNpZ25pbmcta2V5LTQyNDI0MjQy",
    "HOOK_URL": "http://127.0.0.1:9/hooks/s3cr3t-path-token-4242",
}


def targets(slack: FakeSlack) -> list[dict[str, Any]]:
    return [
        {
            "name": "slack",
            "type": "slack",
            "token_env": "SLACK_BOT_TOKEN",
            "api_url": slack.api_url,
            "announce_channel": "incidents",
        },
        {"name": "teams", "type": "teams", "url_env": "TEAMS_WEBHOOK_URL"},
        {
            "name": "pager",
            "type": "pagerduty",
            "routing_key_env": "PAGERDUTY_ROUTING_KEY",
            "api_url": f"http://{NOWHERE}:9",
        },
        {
            "name": "status",
            "type": "statuspage",
            "page_id": "pg1",
            "token_env": "STATUSPAGE_API_KEY",
            "api_url": f"http://{NOWHERE}:9/v1",
        },
        {
            "name": "execs",
            "type": "email",
            "host": NOWHERE,
            "port": 9,
            "from": "incidents@example.com",
            "to": ["leadership@example.com"],
            "username_env": "SMTP_USER",
            "password_env": "SMTP_PASSWORD",
        },
        {"name": "hook", "type": "webhook", "url_env": "HOOK_URL", "secret_env": "WEBHOOK_SECRET"},
    ]


@pytest.fixture
def repo(tmp_path: Path, git_env: None) -> Path:
    root = copy_sample(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(tmp_path / "origin.git"))
    git(root, "remote", "add", "origin", str(tmp_path / "origin.git"))
    return root


def test_no_command_prints_or_stores_a_secret(repo: Path) -> None:
    outputs: list[str] = []

    def cli(*args: str, minute: int = 0) -> subprocess.CompletedProcess[str]:
        env = {**SECRETS, "INCIDENTOPS_NOW": f"2026-11-23T12:{minute:02d}:00Z"}
        result = run_cli(*args, cwd=repo, env=env)
        outputs.append(result.stdout + result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    with FakeSlack(SECRETS["SLACK_BOT_TOKEN"]) as slack:
        slack.add_channel("incidents")
        with (repo / "incidentops.yaml").open("a", encoding="utf-8") as config:
            config.write(yaml.safe_dump({"notify": {"targets": targets(slack)}}, sort_keys=False))
        git(repo, "add", ".")
        git(repo, "commit", "-q", "-m", "sample with every kind of target")
        git(repo, "push", "-q", "-u", "origin", "main")

        steps: list[tuple[str, ...]] = [
            ("declare", "--title", "Checkout errors", "--severity", "SEV1", *DECLARE_REST),
            ("ack", IDENT, "--actor", "tom", "--push"),
            ("update", IDENT, "--audience", "internal", "--message", "Rolling back."),
            ("update", IDENT, "--audience", "customer", "--message", "We are on it."),
            ("update", IDENT, "--audience", "executive", "--message", "Revenue at risk."),
            ("status", IDENT, "identified"),
            ("severity", IDENT, "SEV2", "--reason", "fewer users"),
            ("resolve", IDENT, "--summary", "Rolled back."),
            ("status", IDENT, "investigating", "--note", "errors are back"),  # a reopen
            ("cancel", IDENT, "--reason", "a test"),
        ]
        for minute, step in enumerate(steps):
            args = step if step[-1] == "--push" else (*step, "--actor", "tom", "--push")
            result = cli(*args, minute=minute)
            assert result.returncode == 0, result.stdout + result.stderr
        assert any("failed" in o for o in outputs)  # the unreachable targets really were tried
        assert slack.posts("incidents")  # and Slack really was sent to, with the token
        for args in (
            ("notify", "flush", "--dry-run"),
            ("notify", "flush", "--push"),
            ("notify", "status", IDENT),
            *[("notify", "test", t["name"], "--dry-run") for t in targets(slack)],
            *[("notify", "test", t["name"]) for t in targets(slack)],
            ("show", IDENT),
            ("validate",),
        ):
            cli(*args, minute=30)
        assert any("would send" in o for o in outputs)  # the dry runs printed their payloads

    everything = "\n".join(outputs)
    for path in repo.rglob("*"):
        if path.is_file():
            everything += path.read_text(encoding="utf-8", errors="replace")
    everything += git(repo, "log", "-p", "--all", "--format=%B")
    everything += git(repo.parent / "origin.git", "log", "-p", "--all", "--format=%B")
    for name, secret in SECRETS.items():
        assert secret not in everything, name
    # nor the secret part of a URL on its own
    for fragment in ("S3cr3tT3amsSignatur3Value", "s3cr3t-path-token-4242", "c2VjcmV0LXNpZ25p"):
        assert fragment not in everything
