"""`make demo`: what incidentops shows a person, on this repository's sample data.

1. Validate the sample repository as it is (clean).
2. Break one sample of each kind in a throwaway copy and validate again, showing the report a
   person would read in their terminal.
3. On call now, next week, escalation, handoff.
4. One incident's whole life from the command line, each step a commit.
5. The same from a GitHub issue: the form, slash-commands and the bot's replies, then the
   postmortem pull request /resolve opens and the rollup issue of overdue action items.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).parent / "incidentops"
# The sample data is written as of this moment (open incidents, overdue action items); set
# INCIDENTOPS_NOW to see the same repository at another time.
NOW = os.environ.get("INCIDENTOPS_NOW", "2026-11-23T12:00:00Z")
PARTS = ("incidentops.yaml", "incidents", "postmortems", "runbooks", "oncall", "schemas", "alerts")


def banner(text: str) -> None:
    print(f"\n\033[1m== {text}\033[0m" if sys.stdout.isatty() else f"\n== {text}")


def run(*args: str, cwd: Path) -> int:
    print(f"$ incidentops {shlex.join(args)}")
    sys.stdout.flush()
    env = {**os.environ}
    env.setdefault("INCIDENTOPS_NOW", NOW)
    code = subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, check=False).returncode
    print(f"(exit {code})")
    return code


def edit(path: Path, pattern: str, replacement: str, flags: int = re.MULTILINE) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, replacement, text, count=1, flags=flags)
    if count != 1:
        raise SystemExit(f"demo: could not break {path} ({pattern!r} not found)")
    path.write_text(changed, encoding="utf-8")


def first(root: Path, pattern: str, contains: str = "") -> Path:
    for path in sorted(root.glob(pattern)):
        if contains in path.read_text(encoding="utf-8"):
            return path
    raise SystemExit(f"demo: no sample matches {pattern} containing {contains!r}")


def break_samples(root: Path) -> list[str]:
    """One realistic mistake per kind of file; returns what was done, for the reader."""
    done = []
    incident = first(root, "incidents/*/*.yaml", "status: resolved")
    edit(incident, r"^severity: SEV\d", "severity: SEV5")
    edit(incident, r"^summary:", "sumary:")
    edit(incident, r"^(resolved_at: )\S+", r"\g<1>2020-01-01T00:00:00Z")
    done.append(f"{incident.relative_to(root)}: severity SEV5, 'sumary' typo, resolved in 2020")
    runbook = first(root, "runbooks/*/*.md", "## Remediation\n")
    edit(runbook, r"^## Rollback\n(.*?)(?=^## |\Z)", "", re.MULTILINE | re.DOTALL)
    edit(
        runbook,
        r"^## Remediation\n",
        "## Remediation\n\nIf all else fails: ```kubectl delete pod -l app=api --force```\n\n",
    )
    done.append(f"{runbook.relative_to(root)}: Rollback section removed, destructive command added")
    postmortem = first(root, "postmortems/*/*.md")
    people = (root / "oncall/people.yaml").read_text(encoding="utf-8")
    name = re.search(r"^\s+name: (\w+)", people, re.MULTILINE)
    who = name.group(1) if name else "Alice"
    edit(
        postmortem,
        r"^## What could be improved\n",
        f"## What could be improved\n\n{who} broke the deploy by skipping the canary.\n",
    )
    edit(postmortem, r"^## Lessons learned\n", "## Lessons\n")
    done.append(f"{postmortem.relative_to(root)}: a sentence blaming {who}, a section renamed")
    edit(root / "oncall/services.yaml", r"^(\s+schedule: )(\S+)", r"\g<1>\g<2>-typo")
    done.append("oncall/services.yaml: a schedule name misspelt")
    edit(
        root / "oncall/people.yaml",
        r"^(\s+)(timezone: \S+)",
        r"\g<1>\g<2>\n\g<1>timezone: Mars/Olympus",
    )
    done.append("oncall/people.yaml: a key given twice")
    schedule = first(root, "oncall/schedules/*.yaml")
    edit(schedule, r"^timezone:", "timezon:")
    done.append(f"{schedule.relative_to(root)}: 'timezon' typo")
    escalation = first(root, "oncall/escalation/*.yaml")
    edit(escalation, r"^(\s+-?\s*after: )\S+", r"\g<1>15 minutes")
    done.append(f"{escalation.relative_to(root)}: 'after: 15 minutes' instead of 15m")
    rules = root / "alerts/checkout-api.yaml"
    edit(
        rules,
        r"(runbook_url: https://runbooks.acme.example/checkout-api/)High-Error-Rate/",
        r"\g<1>high-error-rates",
    )
    rules.write_text(
        rules.read_text(encoding="utf-8")
        + "      - alert: CheckoutApiLatencyP99High\n"
        + "        expr: histogram_quantile(0.99, rate(http_seconds_bucket[5m])) > 1\n"
        + "        labels: {severity: ticket}\n",
        encoding="utf-8",
    )
    done.append("alerts/checkout-api.yaml: a runbook_url misspelt, an alert with no runbook")
    hostile = root / "incidents/2026/INC-2026-9999.yaml"
    hostile.write_text(
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
            for i in range(8)
        ),
        encoding="utf-8",
    )
    done.append("incidents/2026/INC-2026-9999.yaml: a 'billion laughs' alias bomb")
    (root / "incidents/2026/INC-2026-9998.yaml").write_text(
        "id: !!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8"
    )
    done.append("incidents/2026/INC-2026-9998.yaml: a !!python tag that would run a command")
    return done


def life(root: Path) -> None:
    """Declare, update, act, identify, mitigate, resolve, draft the postmortem: each step one
    commit, as an on-call engineer would run it."""
    for part in PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        else:
            shutil.copy2(source, root / part)
    git = {
        "GIT_AUTHOR_NAME": "Demo",
        "GIT_AUTHOR_EMAIL": "demo@example.com",
        "GIT_COMMITTER_NAME": "incidentops demo",
        "GIT_COMMITTER_EMAIL": "demo@example.com",
    }
    environment = {**os.environ, **git}
    for command in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "Sample repository"],
    ):
        subprocess.run(["git", *command], cwd=root, env=environment, check=True)
    ident = "INC-2026-0010"
    steps = [
        (
            "12:00",
            [
                "declare",
                "--title",
                "Checkout API returning 500s",
                "--service",
                "checkout-api",
                "--indicator",
                "partial_outage=true",
                "--indicator",
                "affected_users_pct=30",
                "--alert",
                "CheckoutApiHighErrorRate",
            ],
        ),
        (
            "12:04",
            [
                "update",
                ident,
                "--audience",
                "internal",
                "--message",
                "Elevated 5xx on order placement; investigating the database pool.",
            ],
        ),
        (
            "12:09",
            [
                "timeline",
                ident,
                "--kind",
                "action",
                "--text",
                "Restarted checkout-api pods",
                "--result",
                "errors unchanged",
            ],
        ),
        ("12:15", ["status", ident, "identified", "--note", "pool exhausted by a batch job"]),
        ("12:22", ["status", ident, "mitigated", "--note", "batch job paused"]),
        (
            "12:30",
            [
                "update",
                ident,
                "--audience",
                "customer",
                "--message",
                "Checkout is working again; we are watching it closely.",
            ],
        ),
        ("12:50", ["resolve", ident, "--summary", "pool resized, batch job rescheduled"]),
        ("12:55", ["show", ident]),
    ]
    for clock, args in steps:
        os.environ["INCIDENTOPS_NOW"] = f"2026-11-23T{clock}:00Z"
        os.environ["INCIDENTOPS_ACTOR"] = "tom"
        extra = ["--commit"] if args[0] not in ("show",) else []
        run(*args, *extra, cwd=root)
    os.environ["INCIDENTOPS_NOW"] = NOW
    run("postmortem", "draft", ident, "--output", f"postmortems/2026/{ident}.md", cwd=root)
    print("$ git log --oneline")
    sys.stdout.flush()
    subprocess.run(["git", "log", "--oneline", "-8"], cwd=root, check=True)


def main() -> int:
    print(f"incidentops demo; the clock is set to {NOW} (INCIDENTOPS_NOW)")
    banner("1. Validate the sample repository")
    if run("validate", cwd=REPO) != 0:
        return 1
    with tempfile.TemporaryDirectory(prefix="incidentops-demo-") as temporary:
        root = Path(temporary)
        for part in PARTS:
            source = REPO / part
            if source.is_dir():
                shutil.copytree(source, root / part)
            else:
                shutil.copy2(source, root / part)
        banner("2. The same repository with one mistake per kind of file")
        for line in break_samples(root):
            print(f"  - {line}")
        print()
        code = run("validate", cwd=root)
        if code != 1:
            print("demo: expected validate to fail on the broken copy")
            return 1
        banner("2b. Which alerts start incidents, and which have no runbook")
        run("report", "alerts", "--since", "2026-01-01T00:00:00Z", cwd=root)
    banner("3. On call: who is on call now, the next week, and the handoff summary")
    run("oncall", "now", cwd=REPO)
    run("oncall", "preview", "--schedule", "platform-primary", "--days", "7", cwd=REPO)
    run("oncall", "escalation", "--service", "checkout-api", "--severity", "SEV1", cwd=REPO)
    run("oncall", "handoff", "--schedule", "platform-primary", cwd=REPO)
    banner("4. One incident's whole life, in a throwaway copy with git")
    with tempfile.TemporaryDirectory(prefix="incidentops-demo-life-") as temporary:
        life(Path(temporary))
    banner("5. The same incident run from a GitHub issue (a fake GitHub API on 127.0.0.1)")
    sys.stdout.flush()
    from github_story import story

    story()
    banner(f"Done (clock: {NOW}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
