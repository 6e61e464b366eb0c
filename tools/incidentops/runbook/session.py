"""Walking a runbook one step at a time: show it, ask, run it, say how it went, record it.

The terminal and the recorder are given (``Terminal``, ``Record``), so the walk itself knows
nothing of click, git or the incident file, and a test can drive it through a real pseudo
terminal or in-process alike.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from incidentops.runbook.destructive import destructive
from incidentops.runbook.execute import StepError, StepRun, command, run, workdir
from incidentops.runbook.mask import masked
from incidentops.runbook.steps import Runbook, Step


class Terminal(Protocol):
    interactive: bool

    def say(self, text: str) -> None: ...

    def output(self, text: str) -> None: ...

    def choose(self, prompt: str) -> str: ...  # one of r s e q

    def ask(self, prompt: str) -> str: ...

    def edit(self, code: str) -> str | None: ...


@dataclass(frozen=True)
class Done:
    """What happened to one step, as recorded."""

    step: Step
    outcome: str  # succeeded failed timed-out interrupted skipped
    code_run: str
    run: StepRun | None = None
    edited: bool = False
    note: str = ""  # why it was skipped, when it was


Record = Callable[[Done], None]


@dataclass
class Options:
    env: dict[str, str]
    secrets: list[str]
    timeout: float
    destructive_commands: tuple[str, ...]
    yes: bool = False
    allow_destructive: bool = False
    start: str | None = None
    only: str | None = None


@dataclass
class Walk:
    done: list[Done] = field(default_factory=list)
    quit: bool = False


class SessionError(ValueError):
    """A walk that cannot start (a step named that does not exist), in one line."""


def plan(book: Runbook, start: str | None, only: str | None) -> list[Step]:
    """The steps to walk: every step (shown ones too) from ``start``, or the one ``only``
    names; a step marked ``excludeFromRunAll`` only when named."""
    for name in (start, only):
        if name is not None and book.find(name) is None:
            names = ", ".join(s.name for s in book.runnable()) or "none"
            raise SessionError(f"{book.path} has no step {name!r} (steps: {names})")
    if only is not None:
        wanted = book.find(only)
        return [wanted] if wanted is not None else []
    steps = list(book.steps)
    first = book.find(start) if start is not None else None
    if first is not None:
        steps = steps[steps.index(first) :]
    return [
        s for s in steps if s is first or not (s.annotations.exclude_from_run_all and s.runnable)
    ]


def describe(step: Step, book: Runbook, interpreters: dict[str, str]) -> str:
    head = f"── {step.label()} · {step.name} ({book.path}:{step.line}) "
    lines = [head + "─" * max(0, 72 - len(head)), step.title, ""]
    lines += ["    " + line for line in step.code.rstrip("\n").splitlines()]
    if step.expected is not None:
        lines += ["", "  expected:"] + [
            "    " + line for line in step.expected.rstrip().splitlines()
        ]
    if not step.runnable:
        language = step.language or "no language"
        lines += ["", f"  (shown, not run: {language} has no interpreter in incidentops.yaml)"]
    elif step.language in interpreters:
        lines += ["", f"  runs with: {interpreters[step.language]}"]
    return "\n".join(lines)


def walk(
    book: Runbook,
    root: Path,
    interpreters: dict[str, str],
    terminal: Terminal,
    options: Options,
    record: Record,
) -> Walk:
    result = Walk()
    for step in plan(book, options.start, options.only):
        terminal.say(describe(step, book, interpreters))
        if not step.runnable:
            continue
        done = _one(step, book, root, interpreters, terminal, options)
        if done is None:
            result.quit = True
            break
        result.done.append(done)
        record(done)
    return result


def _one(
    step: Step,
    book: Runbook,
    root: Path,
    interpreters: dict[str, str],
    terminal: Terminal,
    options: Options,
) -> Done | None:
    code, edited = step.code, False
    while terminal.interactive and not options.yes:
        choice = terminal.choose("[r]un, [s]kip, [e]dit, [q]uit?")
        if choice == "q":
            return None
        if choice == "s":
            return Done(step, "skipped", code, note="skipped by the responder")
        if choice == "e":
            changed = terminal.edit(code)
            if changed is not None and changed.strip() and changed != code:
                code, edited = changed, True
                terminal.say("edited (the runbook file is unchanged):\n" + _indent(code))
            continue
        break
    dangerous = destructive(code, options.destructive_commands) or (
        "annotated destructive" if step.annotations.destructive else None
    )
    if dangerous:
        if not terminal.interactive and not options.allow_destructive:
            terminal.say(
                f"refused: {step.name} is destructive ({dangerous}); not a terminal "
                "and no --allow-destructive"
            )
            return Done(step, "skipped", code, edited=edited, note=f"destructive ({dangerous})")
        if terminal.interactive:
            typed = terminal.ask(
                f"{step.name} is destructive ({dangerous}). Type {step.name} to run it"
            )
            if typed.strip() != step.name:
                terminal.say("not confirmed: skipped")
                return Done(step, "skipped", code, edited=edited, note="destructive, not confirmed")
    interpreter = interpreters[step.language]
    cwd = root
    if step.annotations.cwd:
        cwd = (root / book.path).parent / step.annotations.cwd
        if "\x00" in step.annotations.cwd or not (
            cwd.resolve().is_relative_to(root.resolve()) and cwd.is_dir()
        ):
            terminal.say(f"refused: cwd {step.annotations.cwd!r} is not a folder in the repository")
            return Done(step, "skipped", code, edited=edited, note="bad cwd")
    with workdir() as folder:
        try:
            argv, stdin = command(interpreter, code, Path(folder), options.env)
            outcome = run(
                argv, stdin, cwd, options.env, options.timeout, terminal.output, options.secrets
            )
        except StepError as exc:
            terminal.say(f"could not start {step.name}: {exc}")
            return Done(step, "failed", code, edited=edited, note=str(exc))
    terminal.say(_verdict(step, outcome))
    return Done(step, outcome.outcome, code, outcome, edited)


def _verdict(step: Step, outcome: StepRun) -> str:
    words = {
        "succeeded": "succeeded",
        "failed": f"failed (exit {outcome.exit_code})",
        "timed-out": "timed out and was stopped",
        "interrupted": "interrupted (Ctrl-C); the session goes on",
    }[outcome.outcome]
    line = f"{step.name} {words} in {outcome.seconds:g} s"
    if step.expected is not None and outcome.outcome in ("succeeded", "failed"):
        line += (
            "\n  expected:\n"
            + _indent(step.expected.rstrip())
            + "\n  got:\n"
            + _indent(outcome.output or "(no output)")
        )
    return line


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def step_env(
    base: dict[str, str], parameters: dict[str, str], book: Runbook, incident: str | None
) -> dict[str, str]:
    """What a step's process sees: the caller's environment, the parameters (as values, never
    code), and where it is."""
    env = {**base, **parameters, "INCIDENTOPS_RUNBOOK": book.path}
    if incident:
        env["INCIDENTOPS_INCIDENT"] = incident
    return env


def secrets_of(names: tuple[str, ...], environ: dict[str, str] | None = None) -> list[str]:
    source = os.environ if environ is None else environ
    return [source[name] for name in names if source.get(name)]


def recorded_text(done: Done, book: Runbook, secrets: list[str]) -> tuple[str, str | None]:
    """The timeline event's text (the step and the command as run) and result (how it went
    and the tail of its output), secrets masked."""
    step = done.step
    verb = "Skipped" if done.outcome == "skipped" else "Ran"
    command_text = masked(done.code_run.rstrip("\n"), secrets)
    text = f"{verb} runbook step {step.name} ({step.label()} of {book.path}): {step.title}"
    if done.outcome != "skipped":
        text += "\n\n" + command_text
    if done.run is None:
        return text, done.note or None
    head = {
        "succeeded": "succeeded",
        "failed": f"failed (exit {done.run.exit_code})",
        "timed-out": "timed out",
        "interrupted": "interrupted",
    }[done.outcome]
    result = f"{head} in {done.run.seconds:g} s" + (
        " (edited before it ran)" if done.edited else ""
    )
    if done.run.output:
        result += "\n\n" + done.run.output
    return text, result


def recorded_step(done: Done, book: Runbook) -> dict[str, Any]:
    """The event's structured ``runbook:`` field (what ``runbook status`` reads back)."""
    step: dict[str, Any] = {
        "path": book.path,
        "section": done.step.section,
        "step": done.step.name,
        "outcome": done.outcome,
    }
    if done.run is not None:
        if done.run.exit_code is not None:
            step["exit_code"] = done.run.exit_code
        step["seconds"] = done.run.seconds
    if done.edited:
        step["edited"] = True
    return step
