"""Runme's cell annotations on a fenced block's info string, in both of its forms::

    ```sh { name=check-pool excludeFromRunAll=true }
    ```sh {"name":"check-pool","excludeFromRunAll":true}

Read for ``name``, ``cwd`` and ``excludeFromRunAll`` (so runbooks stay runnable in Runme and
VS Code), plus ``destructive`` in the same syntax for a step that must be confirmed by name.
Unknown keys are kept and ignored.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

_PAIR = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^\s}]+)""")
_TRUE = {"true", "yes", "1"}


@dataclass(frozen=True)
class Annotations:
    language: str
    name: str | None = None
    cwd: str | None = None
    exclude_from_run_all: bool = False
    destructive: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in _TRUE


def parse_info(info: str) -> Annotations:
    """The language (first word, lower-cased) and the annotations of a fence's info string."""
    text = info.strip()
    language, _, rest = text.partition(" ")
    if "{" in language:  # ```sh{name=x}
        language, _, tail = language.partition("{")
        rest = "{" + tail + " " + rest
    rest = rest.strip()
    values: dict[str, Any] = {}
    if rest.startswith("{") and rest.endswith("}"):
        try:
            loaded = json.loads(rest)
            values = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            for key, raw in _PAIR.findall(rest[1:-1]):
                if raw[:1] in "\"'":
                    try:
                        raw = shlex.split(raw)[0] if raw.strip("\"'") else ""
                    except ValueError:
                        raw = raw.strip("\"'")
                values[key] = raw
    name = values.get("name")
    cwd = values.get("cwd")
    known = {"name", "cwd", "excludeFromRunAll", "destructive"}
    return Annotations(
        language=language.strip().lower(),
        name=str(name) if name not in (None, "") else None,
        cwd=str(cwd) if cwd not in (None, "") else None,
        exclude_from_run_all=_flag(values.get("excludeFromRunAll", False)),
        destructive=_flag(values.get("destructive", False)),
        extra={k: v for k, v in values.items() if k not in known},
    )
