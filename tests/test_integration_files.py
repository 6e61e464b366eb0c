"""The files other tools run: GitHub workflows, the composite action (action.yml) and the
pre-commit hook (.pre-commit-hooks.yaml).

They pass actionlint and zizmor (every offline audit, pedantic persona), and keep the rules of
DESIGN.md section 5 that a linter would not enforce on its own: nothing granted at workflow level,
every action pinned to a reviewed commit SHA with its version in a comment, no persisted checkout
credentials, no privileged triggers, and no event data or action inputs expanded inside ``run:``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKFLOW_DIR = REPO / ".github" / "workflows"
WORKFLOWS = sorted([*WORKFLOW_DIR.glob("*.yml"), *WORKFLOW_DIR.glob("*.yaml")])
ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"

# The reviewed pins (shared/pinned-actions.md), kept here so the test needs no other checkout.
# action -> (commit SHA, the version its `# comment` names)
PINNED: dict[str, tuple[str, str]] = {
    "actions/checkout": ("11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
    "actions/setup-python": ("a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "actions/upload-pages-artifact": ("56afc609e74202658d3ffba0e8f6dda462b719fa", "v3.0.1"),
    "actions/deploy-pages": ("d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e", "v4.0.5"),
    "github/codeql-action/upload-sarif": ("8aad20d150bbac5944a9f9d289da16a4b0d87c1e", "v4.36.2"),
}

FORBIDDEN_TRIGGERS = {"pull_request_target", "workflow_run"}
# `${{ ... }}` that expands attacker-controlled event data (github.event_name is fine).
UNTRUSTED_EXPRESSION = re.compile(
    r"\$\{\{(?:(?!\}\}).)*\bgithub\s*\.\s*(?:event\s*[.\[]|head_ref\b)", re.DOTALL
)
USES_LINE = re.compile(
    r"""^\s*(?:-\s+)?uses:\s*["']?(?P<ref>[^"'\s#]+)["']?\s*(?:\#\s*(?P<comment>.*?))?\s*$"""
)
SHA = re.compile(r"[0-9a-f]{40}")

LINTED = [*WORKFLOWS, ACTION]


def _ids(paths: list[Path]) -> list[str]:
    return [path.relative_to(REPO).as_posix() for path in paths]


def _load(path: Path) -> dict[Any, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{path.name}: not a mapping"
    return document


def _triggers(workflow: dict[Any, Any]) -> set[str]:
    # YAML 1.1 reads the bare key `on` as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return set(on)
    assert isinstance(on, dict), "workflow has no `on:` triggers"
    return set(on)


def _steps(document: dict[Any, Any]) -> Iterator[dict[str, Any]]:
    """Every step of a workflow's jobs, or of a composite action."""
    if "runs" in document:
        yield from document["runs"].get("steps", [])
        return
    for job in document["jobs"].values():
        yield from job.get("steps", [])


def _tool(name: str) -> Path:
    tool = BIN / name
    assert tool.exists(), f"{tool} is missing: install the dev extra (make test does)"
    return tool


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# --- the linters ---------------------------------------------------------------------------------


def test_the_files_exist() -> None:
    assert (WORKFLOW_DIR / "validate.yml") in WORKFLOWS
    assert ACTION.is_file()
    assert HOOKS.is_file()


def test_actionlint_is_clean() -> None:
    result = _run(_tool("actionlint"), *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("target", [".github/workflows/", "action.yml", ".pre-commit-hooks.yaml"])
def test_zizmor_pedantic_is_clean(target: str) -> None:
    result = _run(_tool("zizmor"), "--offline", "--pedantic", target)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout, result.stdout + result.stderr


# --- rules for every workflow and the action -----------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_workflow_grants_nothing_at_top_level(path: Path) -> None:
    workflow = _load(path)
    assert "permissions" in workflow, "set `permissions: {}` at the top"
    assert workflow["permissions"] == {}, "grant permissions per job, not for the whole workflow"


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_workflow_has_no_privileged_triggers(path: Path) -> None:
    assert not _triggers(_load(path)) & FORBIDDEN_TRIGGERS


@pytest.mark.parametrize("path", LINTED, ids=_ids(LINTED))
def test_every_action_is_pinned_to_a_reviewed_sha(path: Path) -> None:
    document = _load(path)
    uses = [step["uses"] for step in _steps(document) if "uses" in step]
    if "jobs" in document:  # reusable workflows called by a job
        uses += [job["uses"] for job in document["jobs"].values() if "uses" in job]
    for ref in uses:
        if ref.startswith("./"):
            continue  # an action in this repository
        action, _, version = ref.partition("@")
        assert action in PINNED, f"{ref}: not a reviewed action (add it to the pinned table)"
        assert SHA.fullmatch(version), f"{ref}: pin a full commit SHA, not a tag or branch"
        assert version == PINNED[action][0], f"{ref}: not the reviewed SHA {PINNED[action][0]}"


@pytest.mark.parametrize("path", LINTED, ids=_ids(LINTED))
def test_every_pin_names_its_version_in_a_comment(path: Path) -> None:
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES_LINE.match(line)
        if not match or match["ref"].startswith("./"):
            continue
        seen += 1
        action, _, sha = match["ref"].partition("@")
        expected = PINNED.get(action, (sha, "?"))[1]
        assert match["comment"] == expected, f"line {number}: want `# {expected}`: {line.strip()}"
    assert seen, "no `uses:` lines found"


@pytest.mark.parametrize("path", LINTED, ids=_ids(LINTED))
def test_checkout_persists_credentials_only_in_jobs_that_push(path: Path) -> None:
    document = _load(path)
    jobs = document.get("jobs") or {"action": {"steps": _steps(document)}}
    for job in jobs.values():
        pushes = (job.get("permissions") or {}).get("contents") == "write"
        for step in job.get("steps") or []:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                persist = (step.get("with") or {}).get("persist-credentials")
                wanted = (True, "true") if pushes else (False, "false")
                assert persist in wanted, f"{step}: persist-credentials must be {wanted[0]}"


@pytest.mark.parametrize("path", LINTED, ids=_ids(LINTED))
def test_no_event_data_is_expanded_in_run(path: Path) -> None:
    for step in _steps(_load(path)):
        script = step.get("run", "")
        assert not UNTRUSTED_EXPRESSION.search(script), (
            f"step {step.get('name', step)!r}: pass event data through env:, not ${{{{ }}}} in run"
        )


def test_the_untrusted_expression_pattern() -> None:
    assert UNTRUSTED_EXPRESSION.search("echo ${{ github.event.pull_request.title }}")
    assert UNTRUSTED_EXPRESSION.search("echo ${{github.event['issue'].body}}")
    assert UNTRUSTED_EXPRESSION.search("git switch ${{ github.head_ref }}")
    assert not UNTRUSTED_EXPRESSION.search("echo ${{ github.event_name }}")
    assert not UNTRUSTED_EXPRESSION.search('echo "$TITLE"  # github.event.issue.title via env')


# --- the validate workflow -----------------------------------------------------------------------


def _validate_job() -> dict[str, Any]:
    jobs = _load(WORKFLOW_DIR / "validate.yml")["jobs"]
    assert list(jobs) == ["validate"]
    job: dict[str, Any] = jobs["validate"]
    return job


def _step(job: dict[str, Any], fragment: str) -> dict[str, Any]:
    matches = [step for step in job["steps"] if fragment in str(step.get("uses", step.get("run")))]
    assert len(matches) == 1, f"want one step with {fragment!r}, found {len(matches)}"
    return matches[0]


def test_validate_workflow_triggers_and_concurrency() -> None:
    workflow = _load(WORKFLOW_DIR / "validate.yml")
    assert _triggers(workflow) == {"pull_request", "push", "workflow_dispatch"}
    assert workflow[True]["push"]["branches"] == ["main"]
    concurrency = workflow["concurrency"]
    assert "github.ref" in concurrency["group"]
    assert "pull_request" in str(concurrency["cancel-in-progress"])


def test_validate_job_permissions_and_timeouts() -> None:
    job = _validate_job()
    # actions: read is for upload-sarif in private repositories (see the workflow's comment).
    assert job["permissions"] == {
        "contents": "read",
        "security-events": "write",
        "actions": "read",
    }
    assert 0 < job["timeout-minutes"] <= 30
    for step in job["steps"]:
        if "run" in step:
            assert "timeout-minutes" in step, f"{step['name']}: no timeout-minutes"


def test_validate_job_steps() -> None:
    job = _validate_job()
    install = _step(job, "pip install")
    assert job["env"]["PIP_CONSTRAINT"] == "constraints.txt"
    assert _step(job, "actions/setup-python@")["with"]["python-version"] == "3.11"

    # The SARIF run tolerates findings (exit 1) but not usage errors (exit 2).
    sarif = _step(job, "--format sarif")
    assert "--output incidentops.sarif" in sarif["run"]
    assert "|| status=$?" in sarif["run"]
    assert '[ "$status" -gt 1 ]' in sarif["run"]
    assert "continue-on-error" not in sarif

    # The annotation run is the gate: it fails the job, and runs whenever the install worked.
    gate = _step(job, "--format github")
    assert "||" not in gate["run"]
    assert "continue-on-error" not in gate
    assert f"steps.{install['id']}.outcome == 'success'" in gate["if"]
    assert "!cancelled()" in gate["if"]

    upload = _step(job, "github/codeql-action/upload-sarif@")
    assert "always()" in upload["if"]
    assert f"steps.{sarif['id']}.outcome == 'success'" in upload["if"]
    assert upload["with"] == {"sarif_file": "incidentops.sarif", "category": "incidentops"}
    steps = job["steps"]
    assert steps.index(install) < steps.index(sarif) < steps.index(gate) < steps.index(upload)


# --- the composite action ------------------------------------------------------------------------


def test_action_inputs() -> None:
    action = _load(ACTION)
    defaults = {name: spec.get("default") for name, spec in action["inputs"].items()}
    assert defaults == {
        "paths": "",
        "format": "github",
        "strict": "false",
        "sarif-file": "",
        "version": "",  # empty: this action's own checkout ($GITHUB_ACTION_PATH)
    }
    for name, spec in action["inputs"].items():
        assert spec.get("description"), f"input {name} has no description"


def test_action_is_composite_and_passes_inputs_through_env() -> None:
    action = _load(ACTION)
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    setup = steps[0]
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"]["update-environment"] is False  # the caller's PATH stays as it was

    referenced: set[str] = set()
    for step in steps:
        if "run" not in step:
            continue
        assert step["shell"] == "bash"
        assert "${{" not in step["run"], f"{step['name']}: expression inside run:"
        assert step["run"].lstrip().startswith("set -euo pipefail")
        for value in (step.get("env") or {}).values():
            referenced |= set(re.findall(r"\binputs\.([\w-]+)", str(value)))
    assert referenced == set(action["inputs"]), "every input reaches a step through env:"

    validate = steps[-1]["run"]
    assert "read -r -d '' -a paths" in validate
    assert '-- ${paths[@]+"${paths[@]}"}' in validate
    install = steps[1]["run"]
    assert '-- "$SPEC"' in install
    assert "$GITHUB_ACTION_PATH/constraints.txt" in install


# --- the pre-commit hook -------------------------------------------------------------------------


def test_pre_commit_hook() -> None:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    assert len(hooks) == 1
    hook = hooks[0]
    assert hook["id"] == "incidentops-validate"
    assert hook["name"]
    assert hook["entry"] == "incidentops validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is True
    assert hook["files"] == (
        r"^(incidents/.*\.ya?ml|postmortems/.*\.md|runbooks/.*\.md|oncall/.*\.ya?ml"
        r"|incidentops\.yaml)$"
    )


@pytest.mark.parametrize(
    ("path", "selected"),
    [
        ("incidents/2026/INC-2026-0001.yaml", True),
        ("incidents/2026/INC-2026-0001.yml", True),
        ("postmortems/2026/INC-2026-0001.md", True),
        ("runbooks/checkout-api/high-error-rate.md", True),
        ("oncall/services.yaml", True),
        ("incidentops.yaml", True),
        ("README.md", False),
        ("docs/rules.md", False),
        ("schemas/incident.schema.json", False),
        ("incidents/README.txt", False),
        ("sub/incidentops.yaml", False),
        (".github/workflows/validate.yml", False),
    ],
)
def test_pre_commit_hook_file_pattern(path: str, selected: bool) -> None:
    hook = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))[0]
    # pre-commit applies `files` with re.search to repository-relative POSIX paths.
    assert bool(re.search(hook["files"], path)) is selected
