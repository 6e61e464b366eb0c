"""Any text a person types is stored exactly, or refused saying why.

People's text (a timeline text or result, a status note, a severity reason, a resolve summary,
a cancel reason, an update message, a declaration's title and summary) is hostile here: YAML
indicators at its start, texts YAML would read as something else, emoji and ZWJ sequences,
right-to-left overrides, line and paragraph separators, CR/LF mixes, template and workflow
syntax, mentions, NUL and lone surrogates. Through the core, the console script and the
GitHub commands, every such text is either

* stored so that reading the file back gives exactly the text as cleaned (CRLF made LF; one
  line has its runs of white space made one space; several lines keep every character but the
  white space at both ends; a declaration's title only loses the white space at its ends and
  its summary is kept as given), with every other line of the file byte-for-byte as it was
  and the file valid; or
* refused because it is empty or holds a character no YAML file can hold, naming the field
  (or the option), the file unchanged.

The expectations are computed here from those rules, not by calling the package's cleaning.
"""

from __future__ import annotations

import concurrent.futures
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from conftest import copy_sample, run_cli
from github_world import World, form_body
from incidentops.base.config import Config
from incidentops.incident import declare as declaring
from incidentops.incident import lifecycle, recording
from incidentops.incident.lifecycle import Change, LifecycleError
from incidentops.loader import load_yaml
from incidentops.repo import operations
from incidentops.repo.edit import EditRefused, check_text
from incidentops.validate.index import load_config

# ---------------------------------------------------------------------------- the rules


# YAML 1.2's c-printable set: what a YAML file can hold at all
_UNHOLDABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def holdable(text: str) -> bool:
    return _UNHOLDABLE.search(text) is None


def first_unholdable(text: str) -> str:
    found = _UNHOLDABLE.search(text)
    assert found is not None
    return f"U+{ord(found.group()):04X}"


def people_text(text: str) -> str:
    return text.replace("\r\n", "\n")


def cleaned(text: str) -> str:
    """The stored form of a person's text: CRLF made LF; one line has its runs of white space
    made one space; several lines lose only the white space at both ends."""
    text = people_text(text)
    return " ".join(text.split()) if "\n" not in text else text.strip()


# ---------------------------------------------------------------------------- hostile text

UNHOLDABLE = ("\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80")
UNHOLDABLE += ("\x9f", "\ufffe", "\uffff")
INDICATORS = tuple("-?:,[]{}#&*!|>'\"%@`")
YAMLISH = (
    "yes",
    "No",
    "on",
    "null",
    "Null",
    "~",
    "true",
    "1e3",
    "0x1F",
    "0o17",
    "+12",
    "-.5",
    ".inf",
    ".NaN",
    "1_000",
    "12:30",
    "2026-11-23",
    "2026-11-23T10:15:00Z",
    "key: value",
    "- item",
    "? key",
    ": value",
    "--- ",
    "---",
    "...",
    "<<",
    "=",
    "!!str x",
    "!tag",
    "&anchor",
    "*alias",
    "%YAML 1.2",
    "[a, b]",
    "{a: b}",
    "a #not a comment",
    "'quoted'",
    '"double"',
    "\\",
    "\\n",
    "\\x00",
)
FRAGMENTS = (
    "👩\u200d💻",
    "🏳️\u200d🌈",
    "👍🏽",
    "🔥",
    "漢字",
    "事件が発生",
    "שלום",
    "مرحبا",
    "\u200f",
    "\u200e",
    "\u202e",
    "\u202c",
    "\u2066",
    "e\u0301",
    "\u0301",
    "a\u20dd",
    "\u200b",
    "\u2060",
    "\u00a0",
    "\u3000",
    "\u2028",
    "\u2029",
    "\x85",
    "\ufeff",
    "\t",
    "\r",
    "\r\n",
    "\n",
    "\n\n",
    " ",
    "   ",
    "{{ 7*7 }}",
    "{% raw %}",
    "{%",
    "}}",
    "{#",
    "**bold**",
    "# heading",
    "> quoted",
    "```",
    "[link](https://x.example)",
    "| a | b |",
    "<script>alert(1)</script>",
    "<!-- incidentops:reply comment=1 -->",
    "&amp;",
    "@here",
    "@tom",
    "@everyone",
    "@acme/oncall",
    "`@team",
    "#1",
    "GH-2",
    "::error::x",
    "::stop-commands::tok",
    "::add-mask::secret",
    "$(rm -rf /)",
    "`id`",
    "; echo hi",
    "%s",
    "Is checkout down?",
    "see https://grafana.example/d/abc?orgId=1",
)
EDGES = ("", "", " ", "  ", "\n", "\r\n", "\t", " \n ", "\n\n", "\ufeff", "\u2028", "\r")

piece = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.sampled_from(YAMLISH),
    st.sampled_from(INDICATORS),
    st.text(max_size=6),
)
unholdable_char = st.one_of(st.sampled_from(UNHOLDABLE), st.characters(categories=["Cs"]))


@st.composite
def hostile_text(draw: st.DrawFn) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text())
    lead = draw(st.sampled_from((*EDGES, *INDICATORS, *(f"{i} " for i in INDICATORS))))
    body = "".join(draw(st.lists(piece, max_size=6)))
    text = lead + body + draw(st.sampled_from(EDGES))
    if draw(st.integers(0, 7)) == 0:  # sometimes a character no YAML file can hold
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(unholdable_char) + text[at:]
    return text


texts = hostile_text()
SETTINGS: dict[str, Any] = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
}
# a console script run takes a third of a second, a GitHub command about one: no shrinking
SLOW = {**SETTINGS, "phases": [Phase.explicit, Phase.reuse, Phase.generate]}


# ---------------------------------------------------------------------------- what is checked


def lines_kept(before: str, after: str, keys: tuple[str, ...]) -> list[str]:
    """The lines of ``before`` that ``after`` no longer has, in order, besides the lines of
    the top-level ``keys`` the change sets (empty: every other line is byte-for-byte kept)."""
    old, new = before.split("\n"), after.split("\n")
    rewritable = tuple(f"{key}:" for key in keys)
    lost = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            lost += [line for line in old[i1:i2] if not line.startswith(rewritable)]
    return lost


def errors_in(relative: str, text: str, config: Config) -> list[Any]:
    return [f for f in check_text(relative, text, config, "incident") if f.level == "error"]


def data_of(text: str) -> dict[str, Any]:
    value = load_yaml(text).value
    assert isinstance(value, dict)
    return value


def added_event(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """The one timeline event ``new`` has that ``old`` did not (appended or inserted)."""
    before, after = old["timeline"], new["timeline"]
    assert len(after) == len(before) + 1
    index = next(
        (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), len(before)
    )
    assert after[:index] + after[index + 1 :] == before
    event: dict[str, Any] = after[index]
    return event


# ---------------------------------------------------------------------------- the commands

OPEN_INCIDENT = "INC-2026-0008"  # investigating, SEV4, started 2026-11-23T02:15Z
RESOLVED_INCIDENT = "INC-2026-0006"  # resolved, SEV3, no postmortem yet
LATER = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # after every event: appended
EARLIER = datetime(2026, 11, 23, 11, 30, tzinfo=UTC)  # between two events: inserted


def path_of(ident: str) -> str:
    return f"incidents/2026/{ident}.yaml"


@dataclass(frozen=True)
class Command:
    """A command storing a person's text: how the core is asked, what it must store."""

    name: str
    field: str | tuple[str, ...]  # how the core names the text in its error
    sets: tuple[str, ...]  # the top-level keys whose lines the change may rewrite
    decide: Callable[[dict[str, Any], str, datetime, Config], Change]
    stored: Callable[[dict[str, Any], dict[str, Any]], Any]  # (new, old) -> the stored value
    expected: Callable[[str], Any]  # the text -> what must be stored
    optional: bool = False  # an empty text is no text (an optional note or result)
    cli: tuple[str, ...] = ()  # the console script's arguments before the text's option
    option: str = ""
    ident: str = OPEN_INCIDENT
    shown: bool = True  # `show` prints it

    def refuses(self, text: str) -> bool:
        if self.optional and text == "":
            return False
        return not holdable(text) or not cleaned(text)

    def argv(self, text: str) -> list[str]:
        return [*self.cli, f"{self.option}={text}", "--actor", "tom"]


def _event_text(new: dict[str, Any], old: dict[str, Any]) -> Any:
    return added_event(new, old)["text"]


def _status(verb: str, optional: bool = False) -> Callable[[str], str]:
    def expected(text: str) -> str:
        return f"Status: {verb}" + (f" — {cleaned(text)}" if text or not optional else "")

    return expected


COMMANDS = (
    Command(
        "timeline",
        "the text",
        (),
        lambda data, text, at, _: recording.add_event(data, "note", text, at, "tom"),
        _event_text,
        cleaned,
        cli=("timeline", RESOLVED_INCIDENT, "--kind", "note"),
        option="--text",
        ident=RESOLVED_INCIDENT,
    ),
    Command(
        "timeline result",
        "the result",
        (),
        lambda data, text, at, _: recording.add_event(
            data, "action", "Rolled back", at, "tom", text
        ),
        lambda new, old: added_event(new, old).get("result"),
        lambda text: cleaned(text) if text else None,
        optional=True,
        cli=("timeline", RESOLVED_INCIDENT, "--kind", "action", "--text", "Rolled back"),
        option="--result",
        ident=RESOLVED_INCIDENT,
    ),
    Command(
        "status note",
        "the note",
        ("status", "mitigated_at"),
        lambda data, text, at, _: lifecycle.set_status(data, "mitigated", at, "tom", text),
        _event_text,
        _status("mitigated", optional=True),
        optional=True,
        cli=("status", OPEN_INCIDENT, "mitigated"),
        option="--note",
    ),
    Command(
        "severity reason",
        "the reason",
        ("severity",),
        lambda data, text, at, config: recording.set_severity(
            data, "SEV2", text, at, "tom", config
        ),
        _event_text,
        lambda text: f"Severity escalated SEV4 -> SEV2: {cleaned(text)}",
        cli=("severity", OPEN_INCIDENT, "SEV2"),
        option="--reason",
    ),
    Command(
        "update message",
        "the message",
        (),
        lambda data, text, at, _: recording.add_update(data, "customer", text, at, "tom"),
        lambda new, old: new["updates"][-1]["text"],
        cleaned,
        cli=("update", RESOLVED_INCIDENT, "--audience", "customer"),
        option="--message",
        ident=RESOLVED_INCIDENT,
        shown=False,
    ),
    Command(
        "resolve summary",
        # the core hands the summary on as the status note, and may name it either way
        ("the summary", "the note"),
        ("status", "resolved_at"),
        lambda data, text, at, _: lifecycle.resolve(data, text, at, "tom"),
        _event_text,
        _status("resolved"),
        cli=("resolve", OPEN_INCIDENT),
        option="--summary",
    ),
    Command(
        "cancel reason",
        "the reason",
        ("status", "cancelled_at"),
        lambda data, text, at, _: lifecycle.cancel(data, text, at, "tom"),
        _event_text,
        _status("cancelled"),
        cli=("cancel", OPEN_INCIDENT),
        option="--reason",
    ),
)


# ---------------------------------------------------------------------------- in process


class Repo:
    """A copy of the sample, with the files the tests change as they were."""

    def __init__(self, root: Path, config: Config, originals: dict[str, bytes]) -> None:
        self.root, self.config, self.originals = root, config, originals

    def __repr__(self) -> str:
        return f"Repo({self.root})"

    def restore(self) -> None:
        for relative, content in self.originals.items():
            (self.root / relative).write_bytes(content)
        (self.root / path_of("INC-2026-0010")).unlink(missing_ok=True)


def _repo(root: Path) -> Repo:
    copy_sample(root)
    config, _ = load_config(root)
    originals = {
        path_of(i): (root / path_of(i)).read_bytes() for i in (OPEN_INCIDENT, RESOLVED_INCIDENT)
    }
    return Repo(root, config, originals)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return _repo(tmp_path_factory.mktemp("core") / "repo")


@pytest.mark.parametrize("command", COMMANDS, ids=[c.name for c in COMMANDS])
@settings(max_examples=150, **SETTINGS)
@example(text="? key", backdated=False)  # the old writer failed on these two
@example(text=":fire: checkout is down", backdated=True)
@example(text="", backdated=False)
@example(text="two  spaces, then a line end\n", backdated=False)
@given(text=texts, backdated=st.booleans())
def test_the_core_stores_any_text_exactly_or_refuses_it(
    repo: Repo, command: Command, text: str, backdated: bool
) -> None:
    repo.restore()
    relative = path_of(command.ident)
    path = repo.root / relative
    before = path.read_bytes()
    at = EARLIER if backdated else LATER
    try:
        operations.change(
            repo.root,
            command.ident,
            lambda data: command.decide(data, text, at, repo.config),
            repo.config,
        )
    except (LifecycleError, EditRefused) as refused:
        event("refused: empty" if holdable(text) else "refused: cannot be held")
        assert path.read_bytes() == before, "a refused change wrote the file"
        assert command.refuses(text), f"{text!r} was refused: {refused}"
        assert isinstance(refused, LifecycleError), f"{text!r}: {refused}"
        message = str(refused)
        assert message.startswith(command.field), message
        if not holdable(text):
            assert first_unholdable(text) in message, message
        return
    event("stored")
    assert not command.refuses(text), f"{text!r} was stored"
    after = path.read_text(encoding="utf-8")
    assert lines_kept(before.decode("utf-8"), after, command.sets) == []
    assert errors_in(relative, after, repo.config) == []
    assert command.stored(data_of(after), data_of(before.decode("utf-8"))) == command.expected(text)


def declared_title(title: str) -> str:
    """What ``incidentops declare --title`` stores: the text with its ends stripped."""
    return people_text(title).strip()


@settings(max_examples=150, **SETTINGS)
@example(title="? key", summary=":fire: checkout is down")
@given(title=texts, summary=st.none() | texts)
def test_the_core_declares_any_title_and_summary_exactly_or_refuses_them(
    repo: Repo, title: str, summary: str | None
) -> None:
    repo.restore()
    severity = lifecycle.severity_of(repo.config, "SEV3")
    as_given = people_text(summary) if summary else None  # --summary is stored as given

    def build(ident: str) -> dict[str, Any]:
        made = declaring.build(
            ident,
            declared_title(title),
            severity,
            "given",
            ["checkout-api"],
            LATER,
            None,
            as_given,
            "tom",
            {"commander": "tom"},
            [],
            [],
            {},
        )
        return made.data

    target = repo.root / path_of("INC-2026-0010")
    wanted = declared_title(title)  # what the core is given
    bad_title = not holdable(wanted) or not wanted or len(wanted) > 200
    bad_summary = as_given is not None and not holdable(as_given)
    try:
        operations.declare(repo.root, build, 2026, repo.config)
    except (LifecycleError, EditRefused) as refused:
        event("refused: cannot be held" if "character U+" in str(refused) else "refused: title")
        assert not target.exists()
        assert bad_title or bad_summary, f"{title!r} / {summary!r} refused: {refused}"
        message = str(refused)
        if not holdable(wanted):
            assert message.startswith("title:") and first_unholdable(wanted) in message, message
        elif bad_summary:
            assert message.startswith("summary:"), message
            assert first_unholdable(str(as_given)) in message, message
        else:
            assert "title" in message, message
        return
    event("stored")
    assert not (bad_title or bad_summary), f"{title!r} / {summary!r} was stored"
    text = target.read_text(encoding="utf-8")
    assert errors_in(path_of("INC-2026-0010"), text, repo.config) == []
    data = data_of(text)
    assert data["title"] == wanted
    assert data.get("summary") == as_given


# ---------------------------------------------------------------------------- the console script


def argv_safe(text: str) -> str:
    """The text as a command line can carry it: no NUL; a lone surrogate as the byte 0xFF,
    which no UTF-8 holds (the script reads it back as the lone surrogate U+DCFF)."""
    text = text.replace("\x00", "\x01")
    return re.sub("[\ud800-\udfff]", "\udcff", text)


def one_line_error(result: Any) -> str:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    line: str = lines[0]
    return line


VIEWS = (
    ("list",),
    ("metrics",),
    ("report", "weekly"),
    ("oncall", "handoff", "--schedule", "payments-primary"),
)


def views_work(root: Path, ident: str) -> str:
    """Every reading command works on the repository holding the text; ``show``'s output."""
    calls = [("show", ident), ("postmortem", "draft", ident), *VIEWS]
    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        results = list(pool.map(lambda args: run_cli(*args, cwd=root), calls))
    for args, result in zip(calls, results, strict=True):
        assert result.returncode == 0, (args, result.stderr)
        assert "Traceback" not in result.stderr + result.stdout, (args, result.stderr)
    shown: str = results[0].stdout
    return shown


@dataclass(frozen=True)
class Declaring:
    """``incidentops declare`` with a hostile title or summary."""

    name: str
    option: str

    @property
    def shown(self) -> bool:
        return self.option == "--title"

    def argv(self, text: str) -> list[str]:
        title = () if self.option == "--title" else ("--title", "Checkout is down")
        return [
            "declare",
            f"{self.option}={text}",
            *title,
            "--severity",
            "SEV3",
            "--service",
            "checkout-api",
            "--actor",
            "tom",
        ]

    def refuses(self, text: str) -> bool:
        if not holdable(text):
            return True
        return self.option == "--title" and not 0 < len(declared_title(text)) <= 200

    def expected(self, text: str) -> Any:
        return declared_title(text) if self.option == "--title" else people_text(text) or None


CLI_COMMANDS: tuple[Command | Declaring, ...] = (
    *COMMANDS,
    Declaring("declare title", "--title"),
    Declaring("declare summary", "--summary"),
)


@pytest.fixture(scope="module")
def cli_repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return _repo(tmp_path_factory.mktemp("cli") / "repo")


def check_cli(repo: Repo, command: Command | Declaring, text: str) -> None:
    repo.restore()
    before = {relative: (repo.root / relative).read_bytes() for relative in repo.originals}
    result = run_cli(*command.argv(text), cwd=repo.root)
    new = repo.root / path_of("INC-2026-0010")
    event(f"{command.name}: {'stored' if result.returncode == 0 else 'refused'}")
    if result.returncode != 0:
        assert result.returncode == 2, result.stderr
        assert command.refuses(text), f"{text!r} was refused: {result.stderr}"
        line = one_line_error(result)
        if not holdable(text):
            assert f"'{command.option}'" in line and first_unholdable(text) in line, line
        assert {r: (repo.root / r).read_bytes() for r in repo.originals} == before
        assert not new.exists()
        return
    assert "Traceback" not in result.stderr + result.stdout
    assert not command.refuses(text), f"{text!r} was stored"
    if isinstance(command, Declaring):
        data = data_of(new.read_text(encoding="utf-8"))
        ident = "INC-2026-0010"
        stored = data["title"] if command.option == "--title" else data.get("summary")
        assert stored == command.expected(text)
    else:
        ident, relative = command.ident, path_of(command.ident)
        after = (repo.root / relative).read_text(encoding="utf-8")
        old = before[relative].decode("utf-8")
        assert lines_kept(old, after, command.sets) == []
        assert errors_in(relative, after, repo.config) == []
        stored = command.stored(data_of(after), data_of(old))
        assert stored == command.expected(text)
    shown = views_work(repo.root, ident)
    if isinstance(stored, str) and "\n" not in stored and command.shown:
        assert stored in shown  # `show` prints the title and the latest timeline events


@settings(max_examples=10, **SLOW)
@example(command=COMMANDS[0], text="? key")  # each command once, then ten picked at random
@example(command=COMMANDS[1], text=":fire: rolled back\r\n  and verified")
@example(command=COMMANDS[2], text="a control character \x01 is not stored")
@example(command=COMMANDS[3], text="yes")
@example(command=COMMANDS[4], text="@here {{ 7*7 }} ::error::x <script>")
@example(command=COMMANDS[5], text="- item\n\n  kept  as typed  \n")
@example(command=COMMANDS[6], text="\u202eevil\u200f 👩\u200d💻 漢字")
@example(command=CLI_COMMANDS[7], text="? checkout: down #1")
@example(command=CLI_COMMANDS[7], text="a byte no UTF-8 holds: \udcff")
@example(command=CLI_COMMANDS[8], text="line one\r\nline two\u2028three")
@given(command=st.sampled_from(CLI_COMMANDS), text=texts.map(argv_safe))
def test_the_console_script_stores_any_text_exactly_or_refuses_it_in_one_line(
    cli_repo: Repo, command: Command | Declaring, text: str
) -> None:
    check_cli(cli_repo, command, text)


# texts that broke an edit before: a `?` or `:` at the start, a lone CR among several lines
ONCE_BROKEN = (
    "Is checkout down?",
    "see https://grafana.example/d/abc?orgId=1",
    ":fire: checkout is down",
    "::error::x",
    "a\rb\nc",
    "? key: value",
    "- [ ] not a task",
)


def test_texts_that_once_broke_an_edit_are_stored_exactly(cli_repo: Repo) -> None:
    cli_repo.restore()
    relative = path_of(RESOLVED_INCIDENT)
    path = cli_repo.root / relative
    for text in ONCE_BROKEN:  # one after the other: the file holds them all in the end
        before = path.read_text(encoding="utf-8")
        result = run_cli(*COMMANDS[0].argv(text), cwd=cli_repo.root)
        assert result.returncode == 0, (text, result.stderr)
        after = path.read_text(encoding="utf-8")
        assert lines_kept(before, after, ()) == [], text
        assert added_event(data_of(after), data_of(before))["text"] == text
    assert errors_in(relative, path.read_text(encoding="utf-8"), cli_repo.config) == []
    shown = views_work(cli_repo.root, RESOLVED_INCIDENT)
    assert all(text in shown for text in ONCE_BROKEN if "\n" not in text), shown


@pytest.mark.parametrize("actor", [":fire:", "nobody-here"])
@pytest.mark.parametrize("command", ["timeline", "update"])
def test_an_actor_who_is_not_a_person_is_refused_in_one_line(
    cli_repo: Repo, command: str, actor: str
) -> None:
    cli_repo.restore()
    args = {
        "timeline": ("timeline", OPEN_INCIDENT, "--kind", "note", "--text", "x"),
        "update": ("update", OPEN_INCIDENT, "--audience", "internal", "--message", "x"),
    }[command]
    result = run_cli(*args, "--actor", actor, cwd=cli_repo.root)
    assert result.returncode == 2, result.stdout
    assert actor in one_line_error(result)
    assert (cli_repo.root / path_of(OPEN_INCIDENT)).read_bytes() == cli_repo.originals[
        path_of(OPEN_INCIDENT)
    ]


@pytest.mark.parametrize(
    "when",
    ["99999999999w ago", "+3000000d", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"],
)
@pytest.mark.parametrize("command", ["timeline", "declare"])
def test_a_time_out_of_range_is_refused_in_one_line(
    cli_repo: Repo, command: str, when: str
) -> None:
    cli_repo.restore()
    args = {
        "timeline": ("timeline", OPEN_INCIDENT, "--kind", "note", "--text", "x"),
        "declare": ("declare", "--title", "x", "--severity", "SEV3", "--service", "checkout-api"),
    }[command]
    result = run_cli(*args, f"--at={when}", cwd=cli_repo.root)
    assert result.returncode == 2, result.stdout
    assert one_line_error(result).startswith("Error: --at: ")
    assert (cli_repo.root / path_of(OPEN_INCIDENT)).read_bytes() == cli_repo.originals[
        path_of(OPEN_INCIDENT)
    ]
    assert not (cli_repo.root / path_of("INC-2026-0010")).exists()


LAYOUT = """\
# Written by hand, in its own layout: a comment above the document marker,
# extra spaces after keys, four-space indentation and `-   ` items.
---
id: INC-2026-0020
title:   "Checkout latency after the 11:30 deploy"
severity:    SEV3
status:  investigating
services:
    -   checkout-api
declared_at:   "2026-11-23T11:25:00Z"
declared_by: tom
roles:
    commander:   tom
timeline:
    -   at: "2026-11-23T11:25:00Z"
        kind:   declared
        actor: tom
        text: "Declared SEV3: p99 latency at 2s."
    -   at:   "2026-11-23T11:40:00Z"
        kind: note
        text:    'first look: the pool is saturated'   # a comment after a value

updates: []
"""


@pytest.mark.parametrize("text", ["? a", "line one\n  line two", "Is checkout down?"])
def test_a_hand_written_layout_survives_an_edit_line_for_line(tmp_path: Path, text: str) -> None:
    root = copy_sample(tmp_path / "repo")
    relative = path_of("INC-2026-0020")
    (root / relative).write_text(LAYOUT, encoding="utf-8")
    config, _ = load_config(root)
    result = run_cli(
        "timeline", "INC-2026-0020", "--kind", "note", f"--text={text}", "--actor", "tom", cwd=root
    )
    assert result.returncode == 0, result.stderr
    after = (root / relative).read_text(encoding="utf-8")
    assert lines_kept(LAYOUT, after, ()) == [], after
    assert data_of(after)["timeline"][-1]["text"] == cleaned(text)
    assert errors_in(relative, after, config) == []


# ---------------------------------------------------------------------------- GitHub

INCIDENT = "incidents/2026/INC-2026-0010.yaml"  # what the form in `world` declares
_LIVE_MENTION = re.compile(r"(?<!\w)@([A-Za-z0-9][A-Za-z0-9-]*)")


def logins(world: World) -> set[str]:
    people = data_of((world.root / "oncall/people.yaml").read_text(encoding="utf-8"))["people"]
    return {str(p.get("github")) for p in people if isinstance(p, dict)}


def assert_inert(world: World, reply: str) -> None:
    """What the bot wrote mentions only role holders by their login, and nobody can plant a
    hidden marker or a tag in it."""
    visible = reply.split("\n", 1)[1] if "\n" in reply else ""  # past the bot's own marker
    visible = re.sub(r"`/[^`\n]*`", "", visible)  # the bot's own command examples
    assert set(_LIVE_MENTION.findall(visible)) <= logins(world), visible
    assert "<!--" not in visible and "<script" not in visible, visible


@pytest.fixture
def declared(world: World) -> int:
    number = world.open_form()
    result = world.declare(number)
    assert result.returncode == 0, result.stderr
    return number


SLASH = ("timeline", "update", "status", "severity")


def last_event_text(data: dict[str, Any]) -> Any:
    return data["timeline"][-1]["text"]


def slash(
    name: str, text: str, data: dict[str, Any]
) -> tuple[str, str, Callable[[dict[str, Any]], Any]]:
    """(the comment, what must be stored, where it is stored) for ``text`` on ``data``."""
    if name == "timeline":
        return f"/timeline note: {text}", cleaned(text), lambda d: d["timeline"][-1]["text"]
    if name == "update":
        return f"/update internal {text}", cleaned(text), lambda d: d["updates"][-1]["text"]
    if name == "status":
        target = "mitigated" if data["status"] == "investigating" else "investigating"
        verb = "mitigated" if target == "mitigated" else "regressed to investigating"
        note = f" — {cleaned(text)}" if text.strip() else ""
        return f"/status {target} {text}", f"Status: {verb}{note}", last_event_text
    level = "SEV1" if data["severity"] != "SEV1" else "SEV2"
    direction = "escalated" if level == "SEV1" else "downgraded"
    change = f"Severity {direction} {data['severity']} -> {level}: {cleaned(text)}"
    return f"/severity {level} {text}", change, last_event_text


def check_slash(world: World, number: int, name: str, text: str) -> None:
    before = data_of(world.origin_file(INCIDENT))
    log = world.origin_log()
    body, expected, stored = slash(name, text, before)
    result = world.command(number, body)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.returncode == 0, result.stderr + result.stdout
    reply = world.bot_comments(number)[-1]
    assert_inert(world, reply)
    typed = text.strip()
    if not holdable(typed) or (not typed and name != "status"):
        assert world.origin_log() == log, f"{text!r} was committed"
        assert "**Not applied:**" in reply, reply
        shown = reply.replace("\u2060", "")
        problem = first_unholdable(typed) if not holdable(typed) else "needs"
        assert problem in shown, shown
        return
    assert "**Not applied:**" not in reply, f"{text!r}: {reply}"
    assert len(world.origin_log()) == len(log) + 1
    got = stored(data_of(world.origin_file(INCIDENT)))
    assert got == expected, f"{body!r} stored {got!r}, not {expected!r}"


@settings(max_examples=12, **SLOW)
@given(name=st.sampled_from(SLASH), text=texts)
def test_slash_commands_store_any_text_exactly_or_say_why(
    world: World, declared: int, name: str, text: str
) -> None:
    check_slash(world, declared, name, text)


# Several lines in a comment: the text below the command's line is part of the same text, as
# the person laid it out (a paragraph break, an indented line) and as GitHub sends it (CRLF).
MULTI_LINE = (
    ("update", "We are investigating.\r\n\r\nNext update at 12:30."),
    ("timeline", "pool config:\n    max: 50\n    idle: 5"),
    ("status", "rolled back the 11:30 deploy\n\n- error rate at baseline\n- @tom to confirm"),
    ("severity", "payments failing:\n  * cards\n  * wallets"),
)


def test_slash_commands_keep_the_lines_below_the_command_as_typed(
    world: World, declared: int
) -> None:
    failures = []
    for name, text in MULTI_LINE:
        try:
            check_slash(world, declared, name, text)
        except AssertionError as failure:
            failures.append(str(failure).split("\n", 1)[0])
    assert not failures, "\n".join(failures)


@settings(max_examples=4, **SLOW)
@example(title="Checkout is down", summary="We rolled back.\r\n\r\n  Next update at 12:30.\r\n")
@given(title=texts.map(lambda t: re.sub("[\r\n]", " ", t)), summary=texts)
def test_a_form_declaration_stores_title_and_summary_exactly_or_says_why(
    world: World, title: str, summary: str
) -> None:
    log = world.origin_log()
    number = world.open_form(title=f"[Incident]: {title}", body=form_body(summary=summary))
    result = world.declare(number)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    replies = world.bot_comments(number)
    for reply in replies:
        assert_inert(world, reply)
    # GitHub titles are one line; a form's answer is sent as typed in a browser (CRLF)
    wanted_title, wanted_summary = title.strip(), people_text(summary).strip()
    unholdable = [t for t in (wanted_title, wanted_summary) if not holdable(t)]
    made = re.search(r"declared (INC-\d{4}-\d{4}) \((\S+)\)", result.stdout)
    if unholdable or not 0 < len(wanted_title) <= 200 or not wanted_summary:
        assert made is None and world.origin_log() == log, result.stdout
        assert replies, f"no reply on the issue: {result.stderr}"
        said = replies[-1].replace("\u2060", "")
        assert "No incident was declared" in said, said
        if unholdable:
            assert first_unholdable(unholdable[0]) in said, said
        return
    assert result.returncode == 0, result.stderr + result.stdout
    assert made is not None, result.stdout
    assert replies and f"{made.group(1)} declared" in replies[-1]
    data = data_of(world.origin_file(made.group(2)))
    assert (data["title"], data["summary"]) == (wanted_title, wanted_summary)
