"""The loader is the security boundary: every rejection has its rule, its message and its line.

Most tests run twice, through libyaml and through the pure-Python composer, which must agree.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from incidentops.base.config import Config
from incidentops.loader import (
    Document,
    Limits,
    LoadProblem,
    load_yaml,
    read_text,
    split_front_matter,
)
from incidentops.validate.filecheck import check_file


@pytest.fixture(params=[False, True], ids=["libyaml", "python"])
def force_python(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


def load(text: str, force_python: bool, limits: Limits | None = None, offset: int = 0) -> Any:
    return load_yaml(text, limits or Limits(), offset, force_python).value


def problem(text: str, force_python: bool, limits: Limits | None = None) -> LoadProblem:
    with pytest.raises(LoadProblem) as info:
        load_yaml(text, limits or Limits(), 0, force_python)
    return info.value


def flow(levels: int, inner: str = "") -> str:
    return "[" * levels + inner + "]" * levels + "\n"


def block(levels: int) -> str:
    """``levels`` nested block mappings, the innermost holding a scalar."""
    lines = [f"{'  ' * i}k{i}:" for i in range(levels - 1)]
    lines.append(f"{'  ' * (levels - 1)}k: v")
    return "\n".join(lines) + "\n"


# --- syntax, duplicate keys, keys, documents --------------------------------------------------


def test_syntax_error_is_reported_at_the_problem(force_python: bool) -> None:
    found = problem("a: 1\nb: [1, 2\nc: 3\n", force_python)
    assert (found.rule, found.line, found.column) == ("yaml-syntax", 3, 2)
    assert found.message.startswith("YAML syntax error: ")
    assert "flow sequence" in found.message


def test_bad_indentation_is_a_syntax_error(force_python: bool) -> None:
    found = problem("a: 1\n  b: 2\n", force_python)
    assert (found.rule, found.line, found.column) == ("yaml-syntax", 2, 4)
    assert "mapping values are not allowed" in found.message


def test_duplicate_key_names_the_first_line(force_python: bool) -> None:
    found = problem("a: 1\na: 2\n", force_python)
    assert (found.rule, found.line, found.column) == ("yaml-duplicate-key", 2, 1)
    assert found.message == "duplicate key 'a' (first defined at line 1)"


def test_duplicate_key_in_a_nested_mapping(force_python: bool) -> None:
    found = problem("top:\n  x: 1\n  y: 2\n  x: 3\nother:\n  x: 4\n", force_python)
    assert (found.rule, found.line, found.column) == ("yaml-duplicate-key", 4, 3)
    assert found.message == "duplicate key 'x' (first defined at line 2)"


def test_same_key_in_sibling_mappings_is_fine(force_python: bool) -> None:
    assert load("a:\n  x: 1\nb:\n  x: 2\n", force_python) == {"a": {"x": 1}, "b": {"x": 2}}


def test_a_mapping_as_key_is_rejected(force_python: bool) -> None:
    found = problem("? {a: 1}\n: x\n", force_python)
    assert (found.rule, found.line, found.column) == ("yaml-key", 1, 3)
    assert "mapping keys must be plain text" in found.message


def test_a_sequence_as_key_is_rejected(force_python: bool) -> None:
    found = problem("ok: 1\n? [a, b]\n: x\n", force_python)
    assert (found.rule, found.line) == ("yaml-key", 2)


def test_several_documents_are_a_syntax_error(force_python: bool) -> None:
    found = problem("a: 1\n---\nb: 2\n", force_python)
    assert (found.rule, found.line, found.column) == ("yaml-syntax", 2, 1)
    assert "single document" in found.message


def test_control_characters_are_a_syntax_error_with_a_position(force_python: bool) -> None:
    # PyYAML's reader raises a ReaderError (no line, not a MarkedYAMLError) for these
    found = problem("éé: 1\n\nb: ü\x00\n", force_python)
    assert (found.rule, found.line, found.column) == ("yaml-syntax", 3, 5)
    assert "U+0000" in found.message
    assert problem("a: b\x07c\n", force_python).column == 5
    assert problem("a: \ud800\n", force_python).rule == "yaml-syntax"  # a lone surrogate


def test_empty_and_comment_only_documents_are_none(force_python: bool) -> None:
    assert load("", force_python) is None
    assert load("# nothing\n", force_python) is None


# --- aliases ------------------------------------------------------------------------------------


def aliases(count: int) -> str:
    return "a: &x 1\nb: [" + ", ".join(["*x"] * count) + "]\n"


def test_alias_budget_default(force_python: bool) -> None:
    assert load(aliases(100), force_python)["b"] == [1] * 100
    found = problem(aliases(101), force_python)
    assert (found.rule, found.line) == ("yaml-aliases", 1)
    assert found.message == "more than 100 aliases"


def test_alias_budget_configured(force_python: bool) -> None:
    text = "a: &x 1\nb: *x\nc: *x\nd: *x\n"
    assert load(text, force_python, Limits(max_aliases=3)) == {"a": 1, "b": 1, "c": 1, "d": 1}
    found = problem(text, force_python, Limits(max_aliases=2))
    assert found.rule == "yaml-aliases"
    assert found.message == "more than 2 aliases"


BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_billion_laughs_is_refused_quickly(force_python: bool) -> None:
    start = time.perf_counter()
    found = problem(BILLION_LAUGHS, force_python)
    elapsed = time.perf_counter() - start
    assert found.rule == "yaml-aliases"
    assert "expand to more than 100,000 values" in found.message
    assert found.line == 5  # the first anchor whose expansion is over the limit (10**5 values)
    assert elapsed < 0.5


def test_expansion_limit_is_configurable(force_python: bool) -> None:
    text = "a: &a [1, 2, 3]\nb: [*a, *a]\n"
    assert load(text, force_python)["b"] == [[1, 2, 3], [1, 2, 3]]
    found = problem(text, force_python, Limits(max_expanded_nodes=8))
    assert (found.rule, found.line) == ("yaml-aliases", 2)


@pytest.mark.parametrize("text", ["&a [*a]\n", "&a {b: *a}\n", "x: &a\n  y: [1, *a]\n"])
def test_recursive_alias(text: str, force_python: bool) -> None:
    found = problem(text, force_python)
    assert found.rule == "yaml-aliases"
    assert found.message == "recursive alias (refers to itself)"
    assert found.line == 1  # the anchor


# --- depth --------------------------------------------------------------------------------------


def test_64_levels_are_accepted(force_python: bool) -> None:
    value = load(flow(64, "1"), force_python)
    for _ in range(64):
        value = value[0]
    assert value == 1
    mapping = load(block(64), force_python)
    for level in range(63):
        mapping = mapping[f"k{level}"]
    assert mapping == {"k": "v"}


def test_65_flow_levels_are_rejected(force_python: bool) -> None:
    found = problem(flow(65), force_python)
    assert (found.rule, found.line, found.column) == ("yaml-depth", 1, 65)
    assert found.message == "nesting deeper than 64 levels"


def test_65_block_levels_are_rejected(force_python: bool) -> None:
    found = problem(block(65), force_python)
    assert (found.rule, found.line, found.column) == ("yaml-depth", 65, 129)


def test_depth_limit_is_configurable(force_python: bool) -> None:
    assert load(flow(3), force_python, Limits(max_depth=3)) == [[[]]]
    assert problem(flow(4), force_python, Limits(max_depth=3)).message == (
        "nesting deeper than 3 levels"
    )


def test_aliases_cannot_stack_nesting_past_the_limit(force_python: bool) -> None:
    # each anchor is 40 levels, each alias adds 40 more: 120 levels of nested lists
    text = (
        "a: &a " + flow(40, "1")
        + "b: &b " + flow(40, "*a")
        + "c: " + flow(40, "*b")
    )  # fmt: skip
    found = problem(text, force_python)
    assert (found.rule, found.line) == ("yaml-depth", 1)  # the anchor that goes too deep
    assert load(text, force_python, Limits(max_depth=200))["c"] is not None


@pytest.mark.parametrize("deep", ["[" * 200_000, "[" * 200_000 + "]" * 200_000])
@pytest.mark.parametrize("python", [False, True], ids=["libyaml", "python"])
def test_absurd_nesting_does_not_crash_the_process(deep: str, python: bool) -> None:
    # libyaml's composer recurses on the C stack and segfaults past ~50,000 levels: run it in a
    # child process so a crash is a failure here rather than the end of the test run
    code = (
        "import sys\n"
        "from incidentops.loader import LoadProblem, load_yaml\n"
        "try:\n"
        f"    load_yaml(sys.stdin.read(), force_python={python})\n"
        "except LoadProblem as p:\n"
        "    print(p.rule, p.line, p.column)\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", code],
        input=deep,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.split() == ["yaml-depth", "1", "65"]


# --- tags ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ('!!python/object/apply:os.system ["echo hi"]\n', 1, "python/object/apply:os.system"),
        ("a: !!python/name:os.system ''\n", 4, "python/name:os.system"),
        ("a: !!python/object:os.Foo {x: 1}\n", 4, "python/object:os.Foo"),
        ("a: !!binary aGVsbG8=\n", 4, "binary"),
        ("a: !!set {x, y}\n", 4, "set"),
        ("a: !!omap [x: 1]\n", 4, "omap"),
        ("a: !!timestamp 2026-11-22\n", 4, "timestamp"),
        ("a: !foo bar\n", 4, "'!foo'"),
        ("a: !foo [1]\n", 4, "'!foo'"),
        ("!!binary aGk=: 1\n", 1, "binary"),
        ("a: !!int abc\n", 4, "'abc' is not a valid int"),
        ("a: !!float x\n", 4, "'x' is not a valid float"),
        ("a: !!bool yes\n", 4, "'yes' is not a valid bool"),
        ("a: !!null nothing\n", 4, "'nothing' is not a valid null"),
    ],
)
def test_tags_outside_the_core_schema_are_rejected(
    text: str, column: int, message: str, force_python: bool
) -> None:
    found = problem(text, force_python)
    assert (found.rule, found.line, found.column) == ("yaml-tag", 1, column)
    assert message in found.message


def test_core_tags_are_accepted(force_python: bool) -> None:
    text = 'a: !!str 010\nb: !!int "7"\nc: !!float 1\nd: !!bool true\ne: !!null ~\nf: !!int 0x1F\n'
    value = load(text, force_python)
    assert value == {"a": "010", "b": 7, "c": 1.0, "d": True, "e": None, "f": 31}
    assert type(value["c"]) is float
    assert load("a: !!seq [1]\nb: !!map {x: 1}\n", force_python) == {"a": [1], "b": {"x": 1}}


# --- scalars: YAML 1.2 core ---------------------------------------------------------------------

SCALARS: list[tuple[str, Any]] = [
    ("no", "no"),
    ("on", "on"),
    ("yes", "yes"),
    ("NO", "NO"),
    ("off", "off"),
    ("y", "y"),
    ("n", "n"),
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("false", False),
    ("FALSE", False),
    ("010", 10),
    ("0o10", 8),
    ("0x1F", 31),
    ("-7", -7),
    ("+3", 3),
    ("0", 0),
    ("1.5", 1.5),
    ("1e3", 1000.0),
    ("-0.5", -0.5),
    (".5", 0.5),
    (".inf", math.inf),
    ("-.inf", -math.inf),
    ("+.inf", math.inf),
    ("~", None),
    ("null", None),
    ("Null", None),
    ("", None),
    ("2026-11-22T10:15:00Z", "2026-11-22T10:15:00Z"),
    ("2026-11-22", "2026-11-22"),
    ("'true'", "true"),
    ('"010"', "010"),
    ("1_000", "1_000"),
    ("0b11", "0b11"),
    ("12:30", "12:30"),
    ("0o9", "0o9"),
]


@pytest.mark.parametrize(("source", "expected"), SCALARS, ids=[s or "empty" for s, _ in SCALARS])
def test_scalars_follow_yaml_1_2_core(source: str, expected: Any, force_python: bool) -> None:
    value = load(f"k: {source}\n", force_python)["k"]
    assert value == expected
    assert type(value) is type(expected)


def test_nan(force_python: bool) -> None:
    assert math.isnan(load("k: .nan\n", force_python)["k"])


def test_keys_stay_text(force_python: bool) -> None:
    assert load("1: a\ntrue: b\n~: c\n", force_python) == {"1": "a", "true": "b", "~": "c"}


# --- the two composers agree --------------------------------------------------------------------

AGREEMENT = [
    "a: 1\nb: [x, {c: no}]\n",
    "a: &x {b: 1}\nc: *x\n",
    "top:\n  - 010\n  - 0x10\n  - 1e3\n  - 2026-11-22\n",
    "a: |\n  line one\n  line two\nb: >\n  folded\n  text\n",
    "a: 1\nb: [1, 2\nc: 3\n",
    "a: 1\n  b: 2\n",
    "a: 1\na: 2\n",
    "x:\n  y: 1\n  y: 2\n",
    aliases(101),
    BILLION_LAUGHS,
    "&a [*a]\n",
    flow(65),
    block(65),
    flow(3000),
    block(1100),
    "a: !!binary aGk=\n",
    "a: !foo x\n",
    "a: !!int abc\n",
    "? {a: 1}\n: x\n",
    "a: 1\n---\nb: 2\n",
    "a: 'unterminated\n",
    "a: [1, 2]]\n",
    "- a\nb: 1\n",
    "a: \x00\n",
]


@pytest.mark.parametrize("text", AGREEMENT, ids=range(len(AGREEMENT)))
def test_libyaml_and_python_composers_agree(text: str) -> None:
    def outcome(force_python: bool) -> tuple[Any, ...]:
        try:
            return ("value", load_yaml(text, Limits(), 0, force_python).value)
        except LoadProblem as found:
            return (found.rule, found.line)

    assert outcome(False) == outcome(True)


# --- positions ----------------------------------------------------------------------------------

NESTED = """\
a:
  b:
    - x
    - c: 1
      d: [p, q]
e: 2
"""


def test_position_of_nested_paths(force_python: bool) -> None:
    document = load_yaml(NESTED, force_python=force_python)
    assert document.position([]) == (1, 1)
    assert document.position(["a"]) == (2, 3)
    assert document.position(["a", "b", 0]) == (3, 7)
    assert document.position(["a", "b", 1, "c"]) == (4, 10)
    assert document.position(["a", "b", 1, "d", 1]) == (5, 14)
    assert document.position(["e"]) == (6, 4)
    assert document.key_position(["a", "b", 1, "d"]) == (5, 7)
    assert document.key_position(["e"]) == (6, 1)


def test_position_of_a_missing_key_is_its_parent(force_python: bool) -> None:
    document = load_yaml(NESTED, force_python=force_python)
    assert document.position(["a", "b", 1, "missing"]) == (4, 7)  # the mapping holding c and d
    assert document.position(["a", "b", 7]) == (3, 5)  # the sequence
    assert document.key_position(["a", "missing"]) == (2, 3)
    assert document.position(["e", "under-a-scalar"]) == (6, 4)


def test_position_with_a_line_offset(force_python: bool) -> None:
    document = load_yaml(NESTED, Limits(), 10, force_python)
    assert document.position(["a", "b", 1, "c"]) == (14, 10)
    assert document.key_position(["e"]) == (16, 1)
    assert Document(None, None, 10).position(["a"]) == (11, 1)


def test_problems_carry_the_line_offset(force_python: bool) -> None:
    with pytest.raises(LoadProblem) as info:
        load_yaml("a: 1\na: 2\n", Limits(), 3, force_python)
    assert info.value.line == 5
    assert info.value.message == "duplicate key 'a' (first defined at line 4)"
    with pytest.raises(LoadProblem) as info:
        load_yaml("a: [1\n", Limits(), 3, force_python)
    assert (info.value.rule, info.value.line) == ("yaml-syntax", 5)


# --- front matter -------------------------------------------------------------------------------

RUNBOOK = "---\nid: RB-1\ntitle: Restart\n---\n# Restart\n\nSteps.\n"


def test_split_front_matter_offsets() -> None:
    yaml_text, yaml_offset, body, body_offset = split_front_matter(RUNBOOK)
    assert (yaml_text, yaml_offset) == ("id: RB-1\ntitle: Restart", 1)
    assert (body, body_offset) == ("# Restart\n\nSteps.\n", 4)
    document = load_yaml(yaml_text, line_offset=yaml_offset)
    assert document.key_position(["title"]) == (3, 1)  # the line in the file
    assert body.split("\n")[0] == RUNBOOK.split("\n")[body_offset]


def test_front_matter_may_close_with_dots() -> None:
    assert split_front_matter("---\na: 1\n...\nbody\n")[2:] == ("body\n", 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# Title\n---\na: 1\n---\n", "missing YAML front matter"),
        ("", "missing YAML front matter"),
        ("---\na: 1\n# body, never closed\n", "front matter is not closed"),
    ],
)
def test_front_matter_problems(text: str, message: str) -> None:
    with pytest.raises(LoadProblem) as info:
        split_front_matter(text)
    assert info.value.rule == "front-matter"
    assert message in info.value.message
    assert info.value.line == 1


# --- files --------------------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path.resolve()


def read_problem(root: Path, relative: str, max_bytes: int = 1024) -> LoadProblem:
    with pytest.raises(LoadProblem) as info:
        read_text(root, relative, max_bytes)
    return info.value


def test_read_text_returns_text_and_bytes(root: Path) -> None:
    (root / "a.yaml").write_bytes(b"a: caf\xc3\xa9\n")
    assert read_text(root, "a.yaml", 1024) == ("a: café\n", b"a: caf\xc3\xa9\n")


def test_file_over_the_size_cap(root: Path) -> None:
    (root / "big.yaml").write_bytes(b"a: " + b"x" * 2000 + b"\n")
    found = read_problem(root, "big.yaml", 1000)
    assert found.rule == "file-too-large"
    assert found.message == "file is 2,004 bytes; the limit is 1,000"
    (root / "exact.yaml").write_bytes(b"x" * 1000)
    assert read_text(root, "exact.yaml", 1000)[0] == "x" * 1000


def test_non_utf8_bytes_give_line_and_column(root: Path) -> None:
    (root / "latin1.yaml").write_bytes(b"a: 1\nb: caf\xe9\n")
    found = read_problem(root, "latin1.yaml")
    assert (found.rule, found.line, found.column) == ("encoding", 2, 7)
    assert found.message == "not UTF-8: byte 0xe9 cannot be decoded"


def test_encoding_column_counts_characters(root: Path) -> None:
    (root / "mixed.yaml").write_bytes("x: 1\ntitle: ééé".encode() + b"\xff\n")
    found = read_problem(root, "mixed.yaml")
    assert (found.line, found.column) == (2, 11)  # as an editor shows it, not the byte offset 14


def test_utf8_bom_is_removed(root: Path) -> None:
    (root / "bom.yaml").write_bytes(b"\xef\xbb\xbfa: 1\n")
    text, raw = read_text(root, "bom.yaml", 1024)
    assert text == "a: 1\n"
    assert raw.startswith(b"\xef\xbb\xbf")
    assert load_yaml(text).value == {"a": 1}


def test_bad_byte_after_a_bom_is_located_without_it(root: Path) -> None:
    (root / "bom.yaml").write_bytes(b"\xef\xbb\xbfa: \x80\n")
    found = read_problem(root, "bom.yaml")
    assert (found.rule, found.line, found.column) == ("encoding", 1, 4)


def test_symbolic_link_to_a_file(root: Path) -> None:
    (root / "real.yaml").write_text("a: 1\n")
    (root / "link.yaml").symlink_to(root / "real.yaml")
    found = read_problem(root, "link.yaml")
    assert found.rule == "symlink"
    assert found.message == "symbolic links are not followed (link.yaml)"


def test_symbolic_link_in_a_directory_component(root: Path) -> None:
    (root / "real").mkdir()
    (root / "real" / "a.yaml").write_text("a: 1\n")
    (root / "incidents").mkdir()
    (root / "incidents" / "2026").symlink_to(root / "real", target_is_directory=True)
    found = read_problem(root, "incidents/2026/a.yaml")
    assert found.rule == "symlink"
    assert "(incidents/2026)" in found.message


def test_dangling_symbolic_link(root: Path) -> None:
    (root / "gone.yaml").symlink_to(root / "nowhere.yaml")
    assert read_problem(root, "gone.yaml").rule == "symlink"


@pytest.mark.parametrize("relative", ["../outside.yaml", "a/../../outside.yaml", "a/../b.yaml"])
def test_paths_that_climb_are_refused(root: Path, relative: str) -> None:
    (root.parent / "outside.yaml").write_text("a: 1\n")
    found = read_problem(root, relative)
    assert found.rule == "path-outside-repository"
    assert found.message == "path leaves the repository"


def test_absolute_path_is_refused(root: Path) -> None:
    (root / "a.yaml").write_text("a: 1\n")
    assert read_problem(root, str(root / "a.yaml")).rule == "path-outside-repository"


def test_missing_file_and_directory_are_unreadable(root: Path) -> None:
    assert read_problem(root, "missing.yaml").rule == "unreadable"
    (root / "dir.yaml").mkdir()
    assert read_problem(root, "dir.yaml") == LoadProblem("unreadable", "not a regular file")
    assert read_problem(root, "dir.yaml", 10**6).rule == "unreadable"


def test_a_named_pipe_is_not_read(root: Path) -> None:
    # reading a FIFO blocks until something writes to it: in a child process, so that a
    # regression fails on the timeout instead of hanging the test run
    os.mkfifo(root / "pipe.yaml")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from incidentops.loader import LoadProblem, read_text\n"
        "try:\n"
        "    read_text(Path(sys.argv[1]), 'pipe.yaml', 1024)\n"
        "except LoadProblem as p:\n"
        "    print(p.rule, p.message, sep='|')\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", code, str(root)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout == "unreadable|not a regular file\n"


# --- end to end through check_file --------------------------------------------------------------


def findings(root: Path, path: str, kind: str) -> list[tuple[str, int, int, str]]:
    result = check_file(root, path, kind, Config())
    return [(f.rule, f.line, f.column, f.level) for f in result.findings]


def test_check_file_reports_a_duplicate_key(root: Path) -> None:
    (root / "incidents" / "2026").mkdir(parents=True)
    (root / "incidents/2026/INC-2026-0001.yaml").write_text("id: INC-2026-0001\nid: x\n")
    result = check_file(root, "incidents/2026/INC-2026-0001.yaml", "incident", Config())
    assert [(f.rule, f.line, f.column, f.level) for f in result.findings] == [
        ("yaml-duplicate-key", 2, 1, "error")
    ]
    assert "first defined at line 1" in result.findings[0].message


def test_check_file_reports_front_matter_problems_at_file_lines(root: Path) -> None:
    (root / "runbooks").mkdir()
    (root / "runbooks/a.md").write_text("---\nid: RB-1\nowner: !!python/name:os.system ''\n---\n")
    assert findings(root, "runbooks/a.md", "runbook") == [("yaml-tag", 3, 8, "error")]
    (root / "runbooks/b.md").write_text("# No front matter\n")
    assert findings(root, "runbooks/b.md", "runbook") == [("front-matter", 1, 1, "error")]


def test_check_file_reports_file_problems(root: Path) -> None:
    (root / "oncall").mkdir()
    (root / "oncall/people.yaml").write_bytes(b"people:\n  - name: Ren\xe9\n")
    assert findings(root, "oncall/people.yaml", "people") == [("encoding", 2, 14, "error")]
    (root / "real.yaml").write_text("people: []\n")
    (root / "oncall/link.yaml").symlink_to(root / "real.yaml")
    assert findings(root, "oncall/link.yaml", "people") == [("symlink", 1, 1, "error")]
    (root / "oncall/bomb.yaml").write_text(BILLION_LAUGHS)
    assert findings(root, "oncall/bomb.yaml", "people") == [("yaml-aliases", 5, 4, "error")]
    (root / "oncall/deep.yaml").write_text("[" * 100_000)
    assert findings(root, "oncall/deep.yaml", "people") == [("yaml-depth", 1, 65, "error")]
    (root / "oncall/nul.yaml").write_text("people: [\x00]\n")
    assert findings(root, "oncall/nul.yaml", "people") == [("yaml-syntax", 1, 10, "error")]
