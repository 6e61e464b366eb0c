"""The package's shape, checked: no import cycle between modules or between feature folders,
and every import pointing down the declared stack (docs/architecture.md).

A short ``ast`` walk rather than import-linter: the rules are three, the walk sees lazy imports
inside functions and ``TYPE_CHECKING`` blocks (an import that only runs later still ties the
two modules together), and its messages name the file and line of the offending import.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tools" / "incidentops"

# Highest first; a folder imports only folders on a lower line. Folders on the same line are
# independent of each other. The package root holds only the version (bottom) and
# ``__main__`` (top, it runs the command line).
STACK: tuple[frozenset[str], ...] = (
    frozenset({"__main__"}),
    frozenset({"cli"}),
    frozenset({"github"}),
    frozenset({"repo", "followup", "notify"}),
    frozenset({"validate", "metrics"}),
    frozenset({"slo", "runbook"}),
    frozenset({"incident"}),
    frozenset({"oncall", "alerts"}),
    frozenset({"loader"}),
    frozenset({"base"}),
    frozenset({"__init__"}),
)


@dataclass(frozen=True)
class Import:
    source: str  # dotted module doing the import
    target: str  # dotted module imported
    where: str  # path:line of the import statement


def module_name(root: Path, path: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(root: Path) -> tuple[set[str], list[Import]]:
    """Every module under the package at ``root`` and every import between two of them."""
    paths = sorted(root.rglob("*.py"))
    modules = {module_name(root, p) for p in paths}
    found = []
    for path in paths:
        source = module_name(root, path)
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from pkg import sub` imports the module pkg.sub when there is one
                targets = [
                    f"{node.module}.{a.name}"
                    if f"{node.module}.{a.name}" in modules
                    else node.module
                    for a in node.names
                ]
            where = f"{path.relative_to(root.parent)}:{getattr(node, 'lineno', 0)}"
            found.extend(
                Import(source, t, where)
                for t in targets
                if t in modules and t != source and t.split(".")[0] == root.name
            )
    return modules, found


def folder_of(module: str) -> str:
    """The feature folder a module belongs to (``__init__``/``__main__`` at the root)."""
    parts = module.split(".")
    if len(parts) == 1:
        return "__init__"
    return parts[1]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def module_graph(found: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for item in found:
        # a module importing its own package's __init__ (``from incidentops.loader import x``
        # inside loader/) is not a cycle of two modules unless __init__ imports it back,
        # which the graph then shows
        graph.setdefault(item.source, set()).add(item.target)
    return graph


def folder_graph(found: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for item in found:
        a, b = folder_of(item.source), folder_of(item.target)
        if a != b:
            graph.setdefault(a, set()).add(b)
    return graph


def rank(folder: str) -> int:
    for level, members in enumerate(STACK):
        if folder in members:
            return level
    raise AssertionError(f"folder {folder!r} is not in the stack: add it to STACK and docs")


def upward(found: list[Import]) -> list[str]:
    """Imports that do not point strictly down the stack."""
    wrong = []
    for item in found:
        a, b = folder_of(item.source), folder_of(item.target)
        if a != b and rank(a) >= rank(b):
            wrong.append(f"{item.where}: {item.source} imports {item.target} ({a} -> {b})")
    return wrong


MODULES, IMPORTS = imports_of(PACKAGE)


def test_no_import_cycle_between_modules() -> None:
    assert cycles(module_graph(IMPORTS)) == []


def test_no_import_cycle_between_folders() -> None:
    assert cycles(folder_graph(IMPORTS)) == []


def test_every_import_points_down_the_stack() -> None:
    assert upward(IMPORTS) == []


def test_every_folder_is_in_the_stack_and_the_root_holds_only_the_entry_points() -> None:
    folders = {folder_of(m) for m in MODULES}
    assert all(rank(f) >= 0 for f in folders)
    assert {p.name for p in PACKAGE.glob("*.py")} == {"__init__.py", "__main__.py"}
    for folder in (p for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"):
        if any(folder.glob("*.py")):
            assert (folder / "__init__.py").exists(), f"{folder.name}/ has no __init__.py"


def test_base_init_is_empty_so_kinds_is_cheap_to_import() -> None:
    # `incidentops --version` and the command list import base.kinds: nothing may ride along
    assert (PACKAGE / "base" / "__init__.py").read_text(encoding="utf-8").strip() == ""


def _package(tmp: Path, files: dict[str, str]) -> Path:
    root = tmp / "incidentops"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "module_cycle", "folder_cycle", "up"),
    [
        pytest.param(
            {
                "__init__.py": "",
                "base/__init__.py": "",
                "base/a.py": "from incidentops.base import b\n",
                "base/b.py": "def f():\n    from incidentops.base.a import x\n",
            },
            [["incidentops.base.a", "incidentops.base.b"]],
            [],
            [],
            id="a lazy import closing a cycle of two modules",
        ),
        pytest.param(
            {
                "__init__.py": "",
                "base/__init__.py": "",
                "base/a.py": "from incidentops.loader.c import y\n",
                "loader/__init__.py": "",
                "loader/c.py": "from incidentops.base.d import z\n",
                "base/d.py": "",
            },
            [],
            [["base", "loader"]],
            ["incidentops/base/a.py:1: incidentops.base.a imports incidentops.loader.c"],
            id="folders in a circle through different modules, one import pointing up",
        ),
    ],
)
def test_the_checks_find_what_is_planted(
    tmp_path: Path,
    files: dict[str, str],
    module_cycle: list[list[str]],
    folder_cycle: list[list[str]],
    up: list[str],
) -> None:
    _, found = imports_of(_package(tmp_path, files))
    assert cycles(module_graph(found)) == module_cycle
    assert cycles(folder_graph(found)) == folder_cycle
    assert [line.split(" (")[0] for line in upward(found)] == up
