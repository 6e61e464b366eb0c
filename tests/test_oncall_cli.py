"""`incidentops oncall ...` end to end through the installed console script, on a copy of the
sample repository (the clock is fixed at 2026-11-23T12:00:00Z, a Monday)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from conftest import FIXED_NOW, run_cli

NOW = datetime.fromisoformat(FIXED_NOW)  # the clock run_cli gives the console script
PAYMENTS = Path("oncall/schedules/payments-primary.yaml")
PLATFORM = Path("oncall/schedules/platform-primary.yaml")


def append_overrides(repo: Path, schedule: Path, text: str) -> None:
    """Add override items to a schedule whose file ends with its ``overrides:`` list."""
    path = repo / schedule
    content = path.read_text()
    assert content.rstrip().splitlines()[-1].startswith("    "), "overrides must come last"
    path.write_text(content.rstrip("\n") + "\n" + text)


HOLE = """\
  - start: "2026-11-24T09:00:00Z"
    end: "2026-11-24T11:00:00Z"
    reason: Nobody told the rota
    remove: sofia
"""


# --- now / at -------------------------------------------------------------------------------


def test_now_text_lists_every_schedule(sample: Path) -> None:
    result = run_cli("oncall", "now", cwd=sample)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "payments-primary (Payments primary) at Mon 2026-11-23 12:00 GMT",
        "  Sofia Alvarez (sofia) from weekly: since Mon 2026-11-23 10:00 GMT, "
        "until Mon 2026-11-30 10:00 GMT",
        "",
        "platform-primary (Platform primary (follow the sun)) at Mon 2026-11-23 12:00 UTC",
        "  Tom Whitaker (tom) from emea-weekdays: since Mon 2026-11-23 06:00 UTC, "
        "until Mon 2026-11-23 14:00 UTC",
    ]


def test_now_json_for_one_schedule(sample: Path) -> None:
    result = run_cli(
        "oncall", "now", "--schedule", "platform-primary", "--format", "json", cwd=sample
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "schedule": "platform-primary",
        "at": "2026-11-23T12:00:00+00:00",
        "oncall": [
            {
                "person": "tom",
                "source": "layer:emea-weekdays",
                "from": "2026-11-23T06:00:00+00:00",
                "until": "2026-11-23T14:00:00+00:00",
            }
        ],
    }


def test_now_json_for_every_schedule_is_a_list(sample: Path) -> None:
    result = run_cli("oncall", "now", "--format", "json", cwd=sample)
    documents = json.loads(result.stdout)
    assert [d["schedule"] for d in documents] == ["payments-primary", "platform-primary"]
    assert [[e["person"] for e in d["oncall"]] for d in documents] == [["sofia"], ["tom"]]


@pytest.mark.parametrize(
    ("service", "schedule", "person"),
    [
        ("checkout-api", "platform-primary", "tom"),
        ("payments-gateway", "payments-primary", "sofia"),
    ],
)
def test_now_for_a_service(sample: Path, service: str, schedule: str, person: str) -> None:
    result = run_cli("oncall", "now", "--service", service, "--format", "json", cwd=sample)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schedule"] == schedule
    assert [e["person"] for e in document["oncall"]] == [person]


def test_unknown_service_is_a_usage_error(sample: Path) -> None:
    result = run_cli("oncall", "now", "--service", "nope", cwd=sample)
    assert result.returncode == 2
    assert "unknown service 'nope'" in result.stderr


@pytest.mark.parametrize(
    "when",
    ["+75h", "2026-11-26T15:00:00Z", "2026-11-26T16:00:00+01:00", "2026-11-26T10:00:00-05:00"],
)
def test_at_relative_and_rfc3339(sample: Path, when: str) -> None:
    result = run_cli(
        "oncall", "at", when, "--schedule", "platform-primary", "--format", "json", cwd=sample
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["at"] == "2026-11-26T15:00:00+00:00"
    # US Thanksgiving: tom covers marcus's Americas shift
    assert document["oncall"] == [
        {
            "person": "tom",
            "source": "override",
            "from": "2026-11-26T14:00:00+00:00",
            "until": "2026-11-26T22:00:00+00:00",
        }
    ]


def test_at_plus_two_days(sample: Path) -> None:
    result = run_cli("oncall", "at", "+2d", "--schedule", "payments-primary", cwd=sample)
    assert result.returncode == 0, result.stderr
    assert "at Wed 2026-11-25 12:00 GMT" in result.stdout
    assert "Sofia Alvarez (sofia) from weekly" in result.stdout


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("soon", "'soon' is not a time"),
        ("2026-11-26T15:00", "has no UTC offset"),
        ("2026-13-40T00:00:00Z", "is not a time"),
    ],
)
def test_at_a_bad_time_exits_2(sample: Path, when: str, message: str) -> None:
    result = run_cli("oncall", "at", when, cwd=sample)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_schedule_exits_2(sample: Path) -> None:
    result = run_cli("oncall", "now", "--schedule", "nope", cwd=sample)
    assert result.returncode == 2
    assert "unknown schedule 'nope' (known: payments-primary, platform-primary)" in result.stderr


def test_now_in_a_gap_exits_1(sample: Path) -> None:
    append_overrides(sample, PAYMENTS, HOLE)
    result = run_cli("oncall", "at", "2026-11-24T10:00:00Z", "--format", "json", cwd=sample)
    assert result.returncode == 1
    payments, platform = json.loads(result.stdout)
    assert payments["oncall"] == []
    assert [e["person"] for e in platform["oncall"]] == ["tom"]


# --- preview ----------------------------------------------------------------------------------


def preview_json(sample: Path, *extra: str) -> dict[str, object]:
    result = run_cli(
        "oncall",
        "preview",
        "--schedule",
        "platform-primary",
        "--days",
        "14",
        "--format",
        "json",
        *extra,
        cwd=sample,
    )
    assert result.returncode == 0, result.stderr
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_preview_json(sample: Path) -> None:
    document = preview_json(sample)
    assert document["schedule"] == "platform-primary"
    assert document["timezone"] == "UTC"
    assert document["gaps"] == []
    shifts = document["shifts"]
    assert isinstance(shifts, list)
    assert set(shifts[0]) == {"start", "end", "person", "source"}
    assert shifts[0] == {
        "start": "2026-11-23T12:00:00+00:00",
        "end": "2026-11-23T14:00:00+00:00",
        "person": "tom",
        "source": "layer:emea-weekdays",
    }
    assert {
        "start": "2026-11-26T14:00:00+00:00",
        "end": "2026-11-26T22:00:00+00:00",
        "person": "tom",
        "source": "override",
    } in shifts
    assert {
        "start": "2026-11-27T06:00:00+00:00",
        "end": "2026-11-30T22:00:00+00:00",
        "person": "sofia",
        "source": "override",
    } in shifts
    # layer shifts tile the fortnight without holes or overlaps (overrides here only add)
    regular = sorted(
        (s["start"], s["end"])
        for s in shifts
        if s["source"] != "override" or s["person"] == "tom"  # tom's stands in for marcus
    )
    assert regular[0][0] == "2026-11-23T12:00:00+00:00"
    assert regular[-1][1] == "2026-12-07T12:00:00+00:00"
    assert all(a[1] == b[0] for a, b in itertools.pairwise(regular))


def test_preview_markdown_and_text(sample: Path) -> None:
    args = ("oncall", "preview", "--schedule", "payments-primary", "--days", "14")
    markdown = run_cli(*args, "--format", "markdown", cwd=sample)
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.splitlines() == [
        "### Payments primary (`payments-primary`, Europe/London)",
        "",
        "| start | end | person | source | length |",
        "|---|---|---|---|---|",
        "| Mon 2026-11-23 12:00 GMT | Mon 2026-11-30 10:00 GMT | sofia | weekly | 6 d 22 h |",
        "| Mon 2026-11-30 10:00 GMT | Mon 2026-12-07 10:00 GMT | fatima | weekly | 7 d |",
        "| Mon 2026-12-07 10:00 GMT | Mon 2026-12-07 12:00 GMT | grace | weekly | 2 h |",
    ]
    text = run_cli(*args, "--format", "text", cwd=sample)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0] == "payments-primary (Payments primary), times in Europe/London"
    assert lines[2] == (
        "  Mon 2026-11-30 10:00 GMT -> Mon 2026-12-07 10:00 GMT  fatima  weekly (7 d)"
    )


def test_preview_json_of_every_schedule_is_one_document(sample: Path) -> None:
    result = run_cli("oncall", "preview", "--days", "2", "--format", "json", cwd=sample)
    assert result.returncode == 0, result.stderr
    assert [d["schedule"] for d in json.loads(result.stdout)] == [
        "payments-primary",
        "platform-primary",
    ]


# --- gaps and validate ----------------------------------------------------------------------


def test_gaps_on_the_sample(sample: Path) -> None:
    result = run_cli("oncall", "gaps", cwd=sample)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "payments-primary: no gaps in the next 28 days",
        "platform-primary: no gaps in the next 28 days",
    ]


def test_gaps_with_a_hole(sample: Path) -> None:
    append_overrides(sample, PAYMENTS, HOLE)
    result = run_cli("oncall", "gaps", cwd=sample)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "payments-primary: nobody on call Tue 2026-11-24 09:00 GMT -> Tue 2026-11-24 11:00 GMT "
        "(2 h)",
        "platform-primary: no gaps in the next 28 days",
    ]
    document = run_cli("oncall", "gaps", "--format", "json", cwd=sample)
    assert document.returncode == 1
    assert json.loads(document.stdout) == [
        {
            "schedule": "payments-primary",
            "gaps": [{"start": "2026-11-24T09:00:00+00:00", "end": "2026-11-24T11:00:00+00:00"}],
        },
        {"schedule": "platform-primary", "gaps": []},
    ]


def test_validate_reports_a_coverage_gap_and_a_stray_override(sample: Path) -> None:
    append_overrides(
        sample,
        PAYMENTS,
        HOLE
        + """\
  - start: "2026-12-01T09:00:00Z"
    end: "2026-12-01T11:00:00Z"
    replace: hannah
    with: tom
""",
    )
    lines = (sample / PAYMENTS).read_text().splitlines()
    layer_line = lines.index("  - id: weekly") + 1
    replace_line = lines.index("    replace: hannah") + 1
    result = run_cli("validate", "--format", "json", cwd=sample)
    assert result.returncode == 1, result.stdout
    document = json.loads(result.stdout)
    findings = document["findings"] if isinstance(document, dict) else document
    found = {(f["path"], f["line"], f["rule"]) for f in findings}
    assert (PAYMENTS.as_posix(), layer_line, "coverage-gap") in found
    assert (PAYMENTS.as_posix(), replace_line, "override-person") in found
    text = run_cli("validate", cwd=sample).stdout
    assert f"  {layer_line}:1 " in text
    assert "nobody on call Tue 2026-11-24 09:00 GMT -> Tue 2026-11-24 11:00 GMT" in text
    assert "replace: hannah is not a member of any layer" in text


# --- escalation and handoff -----------------------------------------------------------------


def test_escalation_sev1(sample: Path) -> None:
    result = run_cli(
        "oncall", "escalation", "--service", "checkout-api", "--severity", "SEV1", cwd=sample
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Platform critical, for an incident at 2026-11-23T12:00:00+00:00",
        "  +  0 min  step 1: schedule:platform-primary -> tom",
        "  + 10 min  step 2: person:priya -> priya",
        "  + 40 min  step 3: person:hannah -> hannah",
        "  + 40 min  step 1 (repeat 1): schedule:platform-primary -> tom",
        "  + 50 min  step 2 (repeat 1): person:priya -> priya",
        "  + 80 min  step 3 (repeat 1): person:hannah -> hannah",
        "  + 80 min  step 1 (repeat 2): schedule:platform-primary -> tom",
        "  + 90 min  step 2 (repeat 2): person:priya -> priya",
        "  +120 min  step 3 (repeat 2): person:hannah -> hannah",
    ]


def test_escalation_skips_steps_for_other_severities(sample: Path) -> None:
    # P2 is SEV3: the tech-lead step does not apply; the page lands at 13:55Z, marcus's shift
    result = run_cli(
        "oncall",
        "escalation",
        "--service",
        "search",
        "--severity",
        "p2",
        "--at",
        "2026-11-23T13:55:00Z",
        cwd=sample,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "priya" not in result.stdout
    assert lines[1:3] == [
        "  +  0 min  step 1: schedule:platform-primary -> tom",
        "  + 30 min  step 3: person:hannah -> hannah",
    ]
    assert lines[3] == "  + 30 min  step 1 (repeat 1): schedule:platform-primary -> marcus"
    bad = run_cli("oncall", "escalation", "--service", "search", "--severity", "SEV9", cwd=sample)
    assert bad.returncode == 2
    assert "unknown severity 'SEV9'" in bad.stderr


def test_handoff_markdown(sample: Path) -> None:
    result = run_cli(
        "oncall", "handoff", "--schedule", "platform-primary", "--format", "markdown", cwd=sample
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(
        "## Handoff for Platform primary (follow the sun) (platform-primary) at "
        "Mon 2026-11-23 12:00 UTC\n"
    )
    assert "tom hands over to marcus at Mon 2026-11-23 14:00 UTC." in out
    assert "Services: auth, checkout-api, notifications, search." in out
    incidents = section(out, "### Open incidents")
    assert [line.split()[1] for line in incidents] == [
        "INC-2026-0007",
        "INC-2026-0008",
        "INC-2026-0009",
    ]
    actions = section(out, "### Open action items owned by the team")
    overdue = {line.split()[1] for line in actions if line.endswith("— OVERDUE")}
    assert overdue == {"AI-3", "AI-6", "AI-4"}
    assert any(line.startswith("- AI-1 (INC-2026-0005)") for line in actions)
    overrides = section(out, "### Overrides in the coming week")
    assert overrides[0].startswith(
        "- Thu 2026-11-26 14:00 UTC -> Fri 2026-11-27 14:00 UTC: tom covers marcus"
    )


def section(markdown: str, heading: str) -> list[str]:
    lines = markdown.splitlines()
    start = lines.index(heading) + 1
    end = next((n for n in range(start, len(lines)) if not lines[n].startswith("- ")), len(lines))
    return lines[start:end]


# --- iCalendar ------------------------------------------------------------------------------


def test_ical_for_a_person(sample: Path) -> None:
    result = run_cli("oncall", "ical", "--person", "tom", "--days", "14", "-o", "x.ics", cwd=sample)
    assert result.returncode == 0, result.stderr
    calendar = Calendar.from_ical((sample / "x.ics").read_bytes())
    events = sorted(
        (e.decoded("dtstart"), e.decoded("dtend"), str(e.get("summary")))
        for e in calendar.walk("VEVENT")
    )
    assert result.stdout == f"{len(events)} shifts written to x.ics\n"
    assert {summary for _, _, summary in events} == {"On call: tom (platform-primary)"}
    # the preview of the same fortnight, for tom; it starts now, the calendar shows the
    # shift in progress whole
    shifts = preview_json(sample)["shifts"]
    assert isinstance(shifts, list)
    expected = sorted(
        (datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]))
        for s in shifts
        if s["person"] == "tom"
    )
    assert [(max(start, NOW), end) for start, end, _ in events] == expected
    assert events[0][0] == NOW - timedelta(hours=6)  # Monday 06:00Z, the EMEA shift
    assert str(calendar.get("x-wr-calname")) == "On call: tom"


def test_ical_needs_exactly_one_of_schedule_or_person(sample: Path) -> None:
    assert run_cli("oncall", "ical", cwd=sample).returncode == 2
    unknown = run_cli("oncall", "ical", "--person", "zoe", cwd=sample)
    assert unknown.returncode == 2
    assert "unknown person 'zoe'" in unknown.stderr


# --- diff across git revisions ----------------------------------------------------------------


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_AUTHOR_DATE": "2026-11-20T12:00:00Z",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.com",
    "GIT_COMMITTER_DATE": "2026-11-20T12:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    environment.update(GIT_ENV)
    done = subprocess.run(
        ["git", *args], cwd=repo, env=environment, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def history(sample: Path) -> Path:
    """The sample as a git repository: the original commit, then a swap of grace and sofia."""
    git(sample, "init", "-q", "-b", "main")
    git(sample, "add", "-A")
    git(sample, "commit", "-q", "-m", "sample")
    path = sample / PAYMENTS
    path.write_text(
        path.read_text().replace(
            "members: [grace, sofia, fatima]", "members: [sofia, grace, fatima]"
        )
    )
    git(sample, "commit", "-q", "-am", "swap grace and sofia")
    return sample


def test_diff_between_two_revisions(history: Path) -> None:
    result = run_cli("oncall", "diff", "HEAD~1", "HEAD", cwd=history)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("### On-call preview: `HEAD~1` → `HEAD`, next 28 days")
    assert "#### `payments-primary`" in out
    assert "platform-primary" not in out
    # this week was sofia's and is now grace's; next week's is unchanged (fatima's)
    assert "| Mon 2026-11-23 12:00 GMT | Mon 2026-11-30 10:00 GMT | sofia | grace |" in out, out
    assert "fatima" not in out
    assert "**On-call time:**" in out
    balance = out.split("**On-call time:** ", 1)[1].splitlines()[0]
    assert "grace" in balance and "sofia" in balance


def test_diff_against_the_working_tree(history: Path) -> None:
    clean = run_cli("oncall", "diff", "HEAD", cwd=history)
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.startswith("### On-call preview: no shift changes")
    assert "`HEAD` and `working tree`" in clean.stdout
    append_overrides(
        history,
        PLATFORM,
        """\
  - start: "2026-11-24T06:00:00Z"
    end: "2026-11-24T14:00:00Z"
    reason: Dentist
    replace: tom
    with: priya
""",
    )
    result = run_cli("oncall", "diff", "HEAD", cwd=history)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("### On-call preview: `HEAD` → `working tree`, next 28 days")
    assert "#### `platform-primary`" in out and "payments-primary" not in out
    assert "| Tue 2026-11-24 06:00 UTC | Tue 2026-11-24 14:00 UTC | tom | priya |" in out
    assert "**On-call time:** priya +8 h, tom −8 h" in out


def test_diff_with_no_change(history: Path) -> None:
    result = run_cli("oncall", "diff", "HEAD", "HEAD", cwd=history)
    assert result.returncode == 0, result.stderr
    assert "no shift changes" in result.stdout
    assert "nobody's on-call time changes in the next 28 days" in result.stdout


def test_diff_of_a_bad_revision(history: Path) -> None:
    result = run_cli("oncall", "diff", "no-such-branch", cwd=history)
    assert result.returncode in (1, 2)
    assert "cannot read revision 'no-such-branch'" in result.stderr
    assert "Traceback" not in result.stderr


def test_diff_outside_a_git_repository(sample: Path) -> None:
    result = run_cli("oncall", "diff", "HEAD", cwd=sample)
    assert result.returncode in (1, 2)
    assert "not a git repository" in result.stderr
    assert "Traceback" not in result.stderr
