"""Every YAML file, and every Markdown front matter, names its schema for editors.

The first line of a YAML file (the first line inside the front matter of a Markdown file) is
``# yaml-language-server: $schema=<path to schemas/KIND.schema.json, relative to the file>``,
so editors with the YAML language server validate as people type. A missing or wrong line is
a warning that says the line to write.

Passing (``incidents/2026/INC-2026-0042.yaml``)::

    # yaml-language-server: $schema=../../schemas/incident.schema.json
    id: INC-2026-0042

Failing::

    id: INC-2026-0042
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterator
from functools import cache

from incidentops.validate.context import FileContext, Hit
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "schema-comment", "warning", "missing or wrong '# yaml-language-server: $schema=' line"
        ),
    )
)

_COMMENT = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S+)")


def expected(path: str, kind: str) -> str:
    return _relative(posixpath.dirname(path) or ".", kind)


@cache
def _relative(folder: str, kind: str) -> str:
    return posixpath.relpath(f"schemas/{kind}.schema.json", folder)


def check(ctx: FileContext) -> Iterator[Hit]:
    want = expected(ctx.path, ctx.kind)
    index = 1 if ctx.body is not None else 0
    lines = ctx.text.split("\n", index + 1)
    line = lines[index] if len(lines) > index else ""
    match = _COMMENT.match(line.strip())
    if match is None:
        yield index + 1, 1, f"first line should be '# yaml-language-server: $schema={want}'"
    elif match.group(1) not in (want, f"https://incidentops.dev/schemas/v1/{ctx.kind}.schema.json"):
        yield index + 1, 1, f"schema should be {want!r}, not {match.group(1)!r}"
