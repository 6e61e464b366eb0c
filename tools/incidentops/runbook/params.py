"""A runbook's parameters: declared in its front matter, given once, checked, and handed to
every step as environment variables.

Why never in the command text: a value is data, not code. Spliced into ``kubectl -n $X``
before the shell reads it, a value such as ``x; rm -rf ~`` or ``$(curl evil)`` would become
commands; as an environment variable the shell expands it as one word (quoted uses) or at
most splits it, and never runs it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from incidentops.base.holdable import unholdable

Ask = Callable[["Parameter"], str]


class ParameterError(ValueError):
    """A parameter that cannot be given a value, said in one line naming it."""


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str = ""
    default: str | None = None
    pattern: str | None = None

    def check(self, value: str) -> str:
        problem = unholdable(value) or ("\x00" in value and "a NUL character")
        if problem:
            raise ParameterError(f"parameter {self.name}: {problem}")
        if self.pattern is not None:
            try:
                matched = re.fullmatch(self.pattern, value)
            except (re.error, OverflowError, RecursionError) as exc:
                raise ParameterError(
                    f"parameter {self.name}: its pattern is invalid ({exc})"
                ) from None
            if matched is None:
                raise ParameterError(
                    f"parameter {self.name}: {value!r} does not match {self.pattern!r}"
                )
        return value


_NAME = re.compile(r"[A-Z_][A-Z0-9_]*\Z")
# what a parameter may not replace: the shell's and the loader's own variables, and ours
_RESERVED = frozenset({"PATH", "HOME", "SHELL", "IFS", "ENV", "BASH_ENV", "PS4", "CDPATH"})


def declared(front: dict[str, Any]) -> list[Parameter]:
    found = []
    for item in front.get("parameters") or ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            name = item["name"]
            if not _NAME.match(name):
                raise ParameterError(f"parameter {name!r}: a name is capitals, digits and _")
            if name in _RESERVED or name.startswith(("LD_", "INCIDENTOPS_", "BASH_FUNC")):
                raise ParameterError(
                    f"parameter {name}: that variable is the system's, not a value"
                )
            default = item.get("default")
            found.append(
                Parameter(
                    item["name"],
                    str(item.get("description") or ""),
                    str(default) if default is not None else None,
                    str(item["pattern"]) if item.get("pattern") is not None else None,
                )
            )
    return found


def given(pairs: tuple[str, ...]) -> dict[str, str]:
    """``--param NAME=VALUE`` pairs (the value may hold ``=``)."""
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ParameterError(f"--param {pair!r}: give NAME=VALUE")
        values[name] = value
    return values


def resolve(parameters: list[Parameter], values: dict[str, str], ask: Ask | None) -> dict[str, str]:
    """Every parameter's value: given, else asked (``ask``, on a terminal), else its default."""
    names = {p.name for p in parameters}
    unknown = sorted(set(values) - names)
    if unknown:
        known = ", ".join(sorted(names)) or "none"
        raise ParameterError(f"--param {unknown[0]}: the runbook has no such parameter ({known})")
    resolved = {}
    for parameter in parameters:
        if parameter.name in values:
            resolved[parameter.name] = parameter.check(values[parameter.name])
        elif ask is not None:
            resolved[parameter.name] = parameter.check(ask(parameter))
        elif parameter.default is not None:
            resolved[parameter.name] = parameter.check(parameter.default)
        else:
            raise ParameterError(
                f"parameter {parameter.name} has no default: give --param {parameter.name}=VALUE"
            )
    return resolved
