"""The whole story through the workflow files: the Declare form, slash-commands and the
scheduled flush, each job run by the harness in a fresh clone against the fake GitHub API,
with notify targets pointing at the stateful fakes. Slack goes down in the middle; nothing is
lost, nothing is sent twice, and no secret appears in any output, reply, file or commit."""

from __future__ import annotations

import subprocess
from typing import Any

import yaml

from fakeslack import FakeSlack
from github_world import World, form_body, git
from workflow_harness import JobRun, run_job

IDENT = "INC-2026-0010"
DELIVERIES = f"deliveries/2026/{IDENT}.yaml"
SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-9999-story-slack-secret-8888",
}
USERS = {
    "UTOM00001": "tom.whitaker@example.com",
    "UPRIYA001": "priya.raman@example.com",
    "UHANNAH01": "hannah.schmidt@example.com",
}
CHANNEL = "inc-2026-0010-checkout-api-returning-500s"


class Runner:
    """Each job as a fresh runner runs it: a new clone of origin, the repository's secrets."""

    def __init__(self, world: World) -> None:
        self.world, self.runs = world, 0
        self.outputs: list[str] = []

    def job(
        self, workflow: str, job: str, event_name: str, event: dict[str, Any], now: str
    ) -> JobRun:
        self.runs += 1
        workdir = self.world.clone(f"runner-{self.runs}")
        knobs = {
            "GITHUB_API_URL": self.world.fake.url,
            "INCIDENTOPS_GITHUB_BACKOFF": "0.01",
            "INCIDENTOPS_GITHUB_WRITE_INTERVAL": "0",
            "GITHUB_SERVER_URL": "https://github.com",
        }
        run = run_job(
            workflow,
            job,
            event_name,
            event,
            workdir,
            self.world.tmp / f"job-{self.runs}",
            knobs,
            now=now,
            secrets=SECRETS,
        )
        self.outputs.append(run.output())
        assert run.ran and run.ok, run.output()
        return run

    def comment(self, number: int, body: str, now: str, user: str = "twhitaker") -> JobRun:
        self.world.fake.set_time(now)
        event = self.world.comment_event(number, body, user)
        return self.job("command.yml", "command", "issue_comment", event, now)

    def flush(self, now: str) -> JobRun:
        self.world.fake.set_time(now)
        event = {"schedule": "*/15 * * * *", "repository": {"full_name": "acme/incidents"}}
        return self.job("remind.yml", "notify", "schedule", event, now)


def configure(world: World, slack: FakeSlack) -> None:
    targets = [
        {
            "name": "slack",
            "type": "slack",
            "token_env": "SLACK_BOT_TOKEN",
            "api_url": slack.api_url,
            "announce_channel": "incidents",
            "incident_channel": "inc-{number}-{slug}",
        },
    ]
    with (world.root / "incidentops.yaml").open("a", encoding="utf-8") as config:
        config.write(yaml.safe_dump({"notify": {"targets": targets}}, sort_keys=False))
    world.commit_and_push("notify targets")


def deliveries(world: World) -> dict[str, Any]:
    value: dict[str, Any] = yaml.safe_load(world.origin_file(DELIVERIES))
    return value


def test_form_to_resolved_reaches_everyone_once_through_an_outage(world: World) -> None:
    with FakeSlack(SECRETS["SLACK_BOT_TOKEN"]) as slack:
        slack.add_channel("incidents")
        for user, email in USERS.items():
            slack.add_user(user, email)
        configure(world, slack)
        runner = Runner(world)

        number = world.open_form(body=form_body(commander="@twhitaker"))
        event = world.issue_event(number)
        runner.job("declare.yml", "declare", "issues", event, "2026-11-23T12:00:00Z")
        channel = slack.named(CHANNEL)
        assert channel.topic.startswith("SEV2 · Investigating · commander: tom")
        assert f"https://github.com/acme/incidents/issues/{number}" in channel.topic
        [announcement] = slack.posts("incidents")
        assert announcement["text"].startswith(f"{IDENT} [SEV2]")

        runner.comment(number, "/ack", "2026-11-23T12:02:00Z")
        # Slack goes down: the update lands on the incident and in the reply, its post waits
        slack.fail_next("POST", r"/api/.*", 503, {"ok": False}, times=1000)
        runner.comment(
            number,
            "/update internal Rolling back <!channel> the 11:30 deploy",
            "2026-11-23T12:04:00Z",
        )
        assert "Rolling back" in world.bot_comments(number)[-1]
        record = deliveries(world)["targets"]["slack"]
        assert record["error"]["event"] == 3
        assert "Rolling back" not in " ".join(m["text"] for m in channel.messages)

        slack.faults.clear()
        runner.flush("2026-11-23T12:15:00Z")  # the scheduled job completes it
        texts = [m["text"] for m in channel.messages]
        assert sum("Rolling back &lt;!channel&gt; the 11:30 deploy" in t for t in texts) == 1
        assert "error" not in deliveries(world)["targets"]["slack"]

        runner.comment(number, "/severity SEV1 every card payment fails", "2026-11-23T12:20:00Z")
        runner.comment(
            number, "/resolve Rolled back; error rate at baseline.", "2026-11-23T12:40:00Z"
        )
        [announcement] = slack.posts("incidents")  # edited in place, never reposted
        assert announcement["text"].startswith(f"{IDENT} [SEV1] ")
        assert "Resolved" in announcement["text"].splitlines()[0]
        kinds = [e["kind"] for e in deliveries(world)["events"]]
        # SEV1 wants an update every 15 minutes: the last (12:04) was due again at 12:19
        assert kinds == ["declared", "acknowledged", "update", "severity", "overdue", "resolved"]
        assert any("update was due at 2026-11-23T12:19:00Z" in m["text"] for m in channel.messages)

        # everything was sent: the next scheduled runs send and commit nothing
        calls, log = len(slack.calls), world.origin_log()
        runner.flush("2026-11-23T12:45:00Z")
        runner.flush("2026-11-23T13:00:00Z")
        assert [c.path for c in slack.calls[calls:]] == []
        assert world.origin_log() == log

    # no secret in any job's output, any comment, any file or commit of origin
    everything = "\n".join(runner.outputs)
    everything += "\n".join(world.comments(number))
    everything += git(world.origin, "log", "-p", "--all", "--format=%B")
    everything += subprocess.run(
        ["git", "grep", "-I", "-h", "-e", ".", "main"],
        cwd=world.origin,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    for secret in SECRETS.values():
        assert secret not in everything
