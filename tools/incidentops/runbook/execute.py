"""Running one step: its interpreter, a timeout, output streamed live and its tail captured.

The step runs in a session of its own, so Ctrl-C at the terminal reaches incidentops, which
stops the step (SIGINT to its process group, then SIGTERM and SIGKILL if it lingers) and goes
on with the session instead of dying with it. Standard input is the step's code for an
interpreter that reads it, else nothing: a step never waits on a prompt nobody sees.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import selectors
import shlex
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from incidentops.runbook.mask import clean, masked, tail

KEEP = 256 * 1024  # characters of output kept while a step runs (the tail is cut from it)
GRACE = 2.0  # seconds between asking a stopped step to end and killing it


class StepError(ValueError):
    """A step that cannot be started, said in one line."""


@dataclass(frozen=True)
class StepRun:
    outcome: str  # succeeded | failed | timed-out | interrupted
    exit_code: int | None
    seconds: float
    output: str  # cleaned, masked, the tail only


_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


def command(
    interpreter: str, code: str, folder: Path, env: dict[str, str] | None = None
) -> tuple[list[str], bytes | None]:
    """The argv that runs ``code`` and what goes to its standard input. With ``{file}`` in
    the interpreter, the code is written to a file in ``folder``. ``$NAME`` and ``${NAME}`` in
    the interpreter's words are the step's environment values (each stays one argument: no
    shell reads them)."""
    try:
        words = shlex.split(interpreter)
    except ValueError as exc:
        raise StepError(f"interpreter {interpreter!r}: {exc}") from None
    values = env or {}
    argv = [
        _VARIABLE.sub(lambda m: values.get(m.group(1) or m.group(2), ""), word) for word in words
    ]
    if not argv:
        raise StepError("the interpreter is empty")
    if any("{file}" in part for part in argv):
        script = folder / "step"
        script.write_text(code if code.endswith("\n") else code + "\n", encoding="utf-8")
        return [part.replace("{file}", str(script)) for part in argv], None
    return argv, code.encode("utf-8")


def _stop(process: subprocess.Popen[bytes], first: int) -> None:
    for sig in (first, signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        try:
            process.wait(GRACE)
            return
        except subprocess.TimeoutExpired:
            continue


class _Output:
    """What a step prints: kept (its last ``KEEP`` characters) and echoed line by line,
    masked, so that a secret is never split across two echoes."""

    def __init__(self, echo: Callable[[str], None], secrets: list[str]) -> None:
        self.echo, self.secrets = echo, secrets
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.kept: list[str] = []
        self.size = 0
        self.pending = ""

    def add(self, chunk: bytes) -> None:
        text = self.decoder.decode(chunk)
        self.kept.append(text)
        self.size += len(text)
        if self.size > 2 * KEEP:
            joined = "".join(self.kept)[-KEEP:]
            self.kept, self.size = [joined], len(joined)
        self.pending += text
        if "\n" in self.pending:
            complete, _, self.pending = self.pending.rpartition("\n")
            self.echo(masked(complete + "\n", self.secrets))
        elif len(self.pending) > 4096:  # a progress bar without newlines
            cut = self._safe_cut()
            self.echo(masked(self.pending[:cut], self.secrets))
            self.pending = self.pending[cut:]

    def _safe_cut(self) -> int:
        """Where a long line may be cut for echoing without splitting a secret: at the last
        space well before its end, else far enough back that no secret's start is cut off."""
        hold = max((len(s) for s in self.secrets), default=0) + 128  # token shapes too
        cut = max(0, len(self.pending) - hold)
        space = self.pending.rfind(" ", 0, cut)
        if space > 0:
            return space + 1
        for secret in self.secrets:
            for size in range(min(len(secret) - 1, cut), 0, -1):
                if self.pending[cut - size : cut] == secret[:size]:
                    cut -= size
                    break
        return cut

    def finish(self) -> str:
        rest = self.decoder.decode(b"", final=True)
        if self.pending or rest:
            self.echo(masked(self.pending + rest + "\n", self.secrets))
        return tail(clean("".join(self.kept) + rest, self.secrets)).strip("\n")


def _start(
    argv: list[str], stdin: bytes | None, cwd: Path, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except (OSError, ValueError) as exc:  # ValueError: a NUL in an argument or a variable
        raise StepError(f"{argv[0]}: {getattr(exc, 'strerror', None) or exc}") from None
    if stdin is not None and process.stdin is not None:
        threading.Thread(target=_feed, args=(process.stdin, stdin), daemon=True).start()
    return process


def _pump(process: subprocess.Popen[bytes], output: _Output, timeout: float, started: float) -> str:
    """Read until the step closes its output (""), times out or is interrupted."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    try:
        while True:
            left = timeout - (time.monotonic() - started)
            if left <= 0:
                _stop(process, signal.SIGTERM)
                return "timed-out"
            if not selector.select(min(left, 0.5)):
                # the step has ended but something it started in the background holds its
                # output open (`cmd &`): the step is done
                if process.poll() is not None:
                    return ""
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                return ""
            output.add(chunk)
    except KeyboardInterrupt:
        _stop(process, signal.SIGINT)
        return "interrupted"
    finally:
        selector.close()


def run(
    argv: list[str],
    stdin: bytes | None,
    cwd: Path,
    env: dict[str, str],
    timeout: float,
    echo: Callable[[str], None],
    secrets: list[str],
) -> StepRun:
    """Run one step to its end, its timeout or a Ctrl-C; ``echo`` gets the output live, line
    by line, already masked."""
    started = time.monotonic()
    process = _start(argv, stdin, cwd, env)
    output = _Output(echo, secrets)
    outcome = _pump(process, output, timeout, started)
    if not outcome:  # its output is closed; it may still be running (until the timeout)
        try:
            process.wait(max(0.1, timeout - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            _stop(process, signal.SIGTERM)
            outcome = "timed-out"
        except KeyboardInterrupt:
            _stop(process, signal.SIGINT)
            outcome = "interrupted"
    assert process.stdout is not None
    process.stdout.close()
    code = process.returncode
    if not outcome:
        outcome = "succeeded" if code == 0 else "failed"
    exit_code = code if outcome in ("succeeded", "failed") else None
    return StepRun(outcome, exit_code, round(time.monotonic() - started, 3), output.finish())


def _feed(stream: IO[bytes], data: bytes) -> None:
    with contextlib.suppress(BrokenPipeError, OSError):
        stream.write(data)
        stream.close()


def workdir() -> tempfile.TemporaryDirectory[str]:
    """A private folder for a step's script (removed afterwards)."""
    return tempfile.TemporaryDirectory(prefix="incidentops-step-")
