"""Run a workflow's own jobs the way Actions would, minus the runner: the YAML is read, the
trigger and the job's ``if:`` are evaluated against the event, ``env:`` expressions are
expanded, and each ``run:`` step runs in bash (``-eo pipefail``, as Actions does) with the
environment Actions gives a step, in a fresh clone of the bare ``origin``.

Steps that ``uses:`` an action are provided by the harness instead (the clone is the
checkout; the test's virtualenv is the Python with incidentops installed), as is the step
with ``id: install``. Everything else — the event the job reacts to, the token it passes,
the script it runs — comes from the workflow file, so the file itself is under test.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from conftest import FIXED_NOW, REPO, clock_env

VENV_BIN = str(Path(sys.executable).parent)


# ---------------------------------------------------------------------- expressions

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\],.*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


class ExpressionError(ValueError):
    pass


def _truthy(value: Any) -> bool:
    if isinstance(value, float) and math.isnan(value):
        return False
    return value not in (None, False, 0, "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return bool(a == b)


class _Parser:
    """GitHub's expression language, the part workflows here use: literals, property paths
    (``a.b``, ``a['b']``, ``a.*.b``), ``! == != < > && ||``, and contains/startsWith/
    endsWith/format/toJSON/always/success/failure/cancelled."""

    def __init__(self, text: str, context: dict[str, Any]) -> None:
        self.tokens = [
            (m.lastgroup, m.group(m.lastgroup))
            for m in _TOKEN.finditer(text)
            if m.lastgroup is not None
        ]
        if "".join(t[1] for t in self.tokens).replace(" ", "") != text.replace(" ", "").replace(
            "\n", ""
        ):
            raise ExpressionError(f"cannot read expression {text!r}")
        self.position = 0
        self.context = context

    def peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str | None, str]:
        token = self.tokens[self.position]
        if expected is not None and token[1] != expected:
            raise ExpressionError(f"expected {expected!r}, found {token[1]!r}")
        self.position += 1
        return token

    def parse(self) -> Any:
        value = self.or_()
        if self.position != len(self.tokens):
            raise ExpressionError(f"unexpected {self.peek()!r}")
        return value

    def or_(self) -> Any:
        left = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            left = left if _truthy(left) else right
        return left

    def and_(self) -> Any:
        left = self.compare()
        while self.peek() == "&&":
            self.take()
            right = self.compare()
            left = right if _truthy(left) else left
        return left

    def compare(self) -> Any:
        left = self.unary()
        while self.peek() in ("==", "!=", "<", ">", "<=", ">="):
            op = self.take()[1]
            right = self.unary()
            if op == "==":
                left = _equal(left, right)
            elif op == "!=":
                left = not _equal(left, right)
            else:
                left = {
                    "<": left < right,
                    ">": left > right,
                    "<=": left <= right,
                    ">=": left >= right,
                }[op]
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not _truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(text) if "." in text else int(text)
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "name":
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            if self.peek() == "(":
                return self.call(text)
            return self.context.get(text)
        raise ExpressionError(f"unexpected {text!r}")

    def call(self, name: str) -> Any:
        self.take("(")
        args = []
        while self.peek() != ")":
            args.append(self.or_())
            if self.peek() == ",":
                self.take()
        self.take(")")
        lowered = name.lower()
        status = self.context.get("__status__", "success")
        if lowered == "contains":
            haystack, needle = args
            if isinstance(haystack, list):
                return any(_equal(item, needle) for item in haystack)
            return _text(needle).lower() in _text(haystack).lower()
        if lowered == "startswith":
            return _text(args[0]).lower().startswith(_text(args[1]).lower())
        if lowered == "endswith":
            return _text(args[0]).lower().endswith(_text(args[1]).lower())
        if lowered == "format":
            return re.sub(r"\{(\d+)\}", lambda m: _text(args[1 + int(m.group(1))]), _text(args[0]))
        if lowered == "tojson":
            return json.dumps(args[0])
        if lowered == "always":
            return True
        if lowered == "success":
            return status == "success"
        if lowered == "failure":
            return status == "failure"
        if lowered == "cancelled":
            return False
        raise ExpressionError(f"unknown function {name}")

    def postfix(self, value: Any) -> Any:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                if self.peek() == "*":
                    self.take()
                    value = list(value.values()) if isinstance(value, dict) else list(value or [])
                    if self.peek() == ".":
                        self.take()
                        key = self.take()[1]
                        value = [
                            item.get(key) if isinstance(item, dict) else None for item in value
                        ]
                    continue
                key = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            if isinstance(value, list) and key not in (None,) and not isinstance(key, int):
                value = [item.get(key) if isinstance(item, dict) else None for item in value]
            elif isinstance(value, dict):
                match = [k for k in value if isinstance(k, str) and k.lower() == str(key).lower()]
                value = value[match[0]] if match else None
            elif isinstance(value, list) and isinstance(key, int):
                value = value[key] if -len(value) <= key < len(value) else None
            else:
                value = None
        return value


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    text = expression.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    return _Parser(text.strip(), context).parse()


def expand(value: Any, context: dict[str, Any]) -> str:
    """A string with ``${{ ... }}`` parts replaced by their values."""
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: _text(evaluate(m.group(1), context)), _text(value))


# ---------------------------------------------------------------------- running a job


@dataclass
class Step:
    name: str
    skipped: str | None  # why the harness did not run it
    result: subprocess.CompletedProcess[str] | None = None


@dataclass
class JobRun:
    ran: bool
    why: str = ""
    steps: list[Step] = field(default_factory=list)
    concurrency: str | None = None

    @property
    def ok(self) -> bool:
        return self.ran and all(s.result is None or s.result.returncode == 0 for s in self.steps)

    def output(self) -> str:
        return "\n".join(
            (s.result.stdout + s.result.stderr) for s in self.steps if s.result is not None
        )


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(
        (REPO / ".github" / "workflows" / name).read_text(encoding="utf-8")
    )
    return data


def triggered(workflow: dict[str, Any], event_name: str, event: dict[str, Any]) -> bool:
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return on == event_name
    if isinstance(on, list):
        return event_name in on
    if event_name not in on:
        return False
    spec = on[event_name] or {}
    if not isinstance(spec, dict):  # schedule: a list of crons
        return True
    types = spec.get("types")
    return not types or event.get("action") in types


def run_job(
    workflow_name: str,
    job_id: str,
    event_name: str,
    event: dict[str, Any],
    workdir: Path,
    tmp: Path,
    extra_env: dict[str, str],
    github: dict[str, Any] | None = None,
    now: str = FIXED_NOW,
    secrets: dict[str, str] | None = None,
) -> JobRun:
    """Run ``job_id`` of ``workflow_name`` for the event; every step's clock is at ``now``
    (``INCIDENTOPS_NOW``, git's dates: see ``conftest.clock_env``), never the wall clock."""
    workflow = load(workflow_name)
    if not triggered(workflow, event_name, event):
        return JobRun(False, f"{workflow_name} is not triggered by {event_name}")
    job = workflow["jobs"][job_id]
    tmp.mkdir(parents=True, exist_ok=True)
    event_path = tmp / "event.json"
    event_path.write_text(json.dumps(event), encoding="utf-8")
    repository = event["repository"]["full_name"]
    context: dict[str, Any] = {
        "github": {
            "event_name": event_name,
            "event": event,
            "repository": repository,
            "repository_owner": repository.split("/")[0],
            "token": "ghs_harness_job_token",
            "run_id": "4242",
            "ref": "refs/heads/main",
            "workflow": workflow.get("name"),
            "actor": (event.get("sender") or {}).get("login"),
            **(github or {}),
        },
        # an unset secret expands to "" in Actions, as it does here
        "secrets": {"GITHUB_TOKEN": "ghs_harness_job_token", **(secrets or {})},
        "inputs": event.get("inputs") or {},
        "steps": {},
        "env": {},
    }
    # A workflow-level group is claimed before the job's `if:` (so even a skipped run takes
    # its place in the queue); a job-level group only by a job that runs.
    workflow_group = (workflow.get("concurrency") or {}).get("group")
    concurrency = expand(workflow_group, context) if workflow_group else None
    condition = job.get("if")
    if condition is not None and not _truthy(evaluate(str(condition), context)):
        return JobRun(False, f"job if: is false: {condition}", concurrency=concurrency)
    job_group = (job.get("concurrency") or {}).get("group")
    concurrency = expand(job_group, context) if job_group else concurrency
    output = tmp / "output"
    summary = tmp / "summary.md"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_"))}
    base.update(
        {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": repository,
            "GITHUB_API_URL": extra_env["GITHUB_API_URL"],
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REF": context["github"]["ref"],
            "GITHUB_RUN_ID": "4242",
            "GITHUB_WORKSPACE": str(workdir),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "RUNNER_TEMP": str(tmp),
            "PATH": VENV_BIN + os.pathsep + os.environ.get("PATH", ""),
            **clock_env(now),
            "NO_COLOR": "1",
        }
    )
    base.update({k: v for k, v in extra_env.items() if k != "GITHUB_API_URL"})
    run = JobRun(True, concurrency=concurrency)
    status = "success"
    for index, step in enumerate(job["steps"]):
        name = step.get("name") or step.get("uses") or f"step {index}"
        if "uses" in step:
            run.steps.append(Step(name, "an action: provided by the harness"))
            continue
        if step.get("id") == "install":
            run.steps.append(Step(name, "installs incidentops: the test virtualenv has it"))
            context["steps"]["install"] = {"outcome": "success", "conclusion": "success"}
            continue
        context["__status__"] = status
        if "if" in step and not _truthy(evaluate(str(step["if"]), context)):
            run.steps.append(Step(name, "if: is false"))
            continue
        elif "if" not in step and status != "success":
            run.steps.append(Step(name, "an earlier step failed"))
            continue
        env = dict(base)
        for scope in (workflow.get("env"), job.get("env"), step.get("env")):
            for key, value in (scope or {}).items():
                env[key] = expand(value, context)
                context["env"][key] = env[key]
        script = tmp / f"step-{index}.sh"
        script.write_text(step["run"], encoding="utf-8")
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        run.steps.append(Step(name, None, result))
        outcome = "success" if result.returncode == 0 else "failure"
        if step.get("id"):
            context["steps"][step["id"]] = {"outcome": outcome, "conclusion": outcome}
        if outcome == "failure" and not step.get("continue-on-error"):
            status = "failure"
    return run
