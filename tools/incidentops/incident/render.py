"""Status updates and postmortem drafts from Jinja2 templates, rendered in a sandbox.

The defaults ship in ``incidentops/incident/templates/``; a repository overrides any of them
with a file of the same name in its own ``templates/`` (symlinks there are refused). Text
from people (messages, titles, summaries, timeline entries) is only ever *data* passed to a
template and goes through the ``md`` or ``cell`` filter, so ``{{ 7*7 }}`` in a message stays
literally that and a message cannot ping (``@name``), cross-link (``#123``) or start a heading.

Filters: ``md`` (people's text as one inline run of Markdown), ``cell`` (``md`` for a table
cell: pipes escaped), ``code`` (a code span), ``link`` (an autolink for an http(s) URL, else a
code span), ``duration`` (seconds: ``1 h 23 min``), ``time`` (RFC 3339 or datetime:
``2026-11-23 10:15 UTC``), ``number`` (``42,000``), ``yaml`` (a safe YAML scalar, for front
matter).

Context of each update template (built by :func:`update_context`; times are RFC 3339 strings,
``None`` when unknown). Every template gets ``audience``, ``message``, ``status``,
``status_label``, ``severity``, ``now``, ``next_update``, ``cadence_minutes``, ``workaround``.

================  ================================================================================
template          further keys
================  ================================================================================
update-customer   none: no ID, title, services, people or other internal detail
update-internal   ``id``, ``title``, ``services``, ``impact``, ``roles`` ({role: handle}),
                  ``actions`` (the last three ``action`` events: ``at``, ``actor``, ``text``,
                  ``result``), ``started_at``, ``channel``, ``issue``
update-initial    as update-internal
update-executive  as update-internal, plus ``ended_at``, ``duration_seconds`` (start to end, or
                  to now while open), ``summary``, ``postmortem`` (``required``:
                  required|optional|none; ``due``: YYYY-MM-DD or None), ``action_items`` (empty;
                  a caller may add {id, title, owner, due})
update-resolved   as update-executive
================  ================================================================================

``workaround`` is None unless the caller sets it. ``impact`` is ``{users_affected, revenue_usd,
customer_facing, description}`` (each may be None).
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from incidentops.base.timeutil import minutes, parse_time

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
REPO_TEMPLATES = "templates"
SUFFIX = ".md.j2"
AUDIENCES = ("internal", "customer", "executive", "initial", "resolved")
_MAX_TEMPLATE_BYTES = 256 * 1024
_MAX_PRODUCT = 100_000  # longest string or list a template may build with `*`
_MAX_EXPONENT = 64


class TemplateError(Exception):
    """A template could not be found, compiled or rendered."""


class TemplateSecurityError(TemplateError):
    """A template tried something the sandbox forbids (unsafe attribute, symlink, huge value)."""


# --- filters -------------------------------------------------------------------------------

_ZWSP = "\u200b"  # invisible; breaks GitHub's mention and reference autolinking
_MENTION = re.compile(r"(?<![\w@])@(?=[A-Za-z0-9])")
_REFERENCE = re.compile(r"#(?=\d)")
# what would start a block if the text began a line: heading, quote, list item, fence, rule
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_BLOCK_START = re.compile(r"^(?:#{1,6}(?:\s|$)|>|[-+*](?:\s|$)|`{3}|~{3}|[-_*=\s]+$)")


def md(value: Any) -> str:
    """People's text as one inline run of Markdown that cannot ping, cross-link, inject HTML
    or start a block (heading, list, quote, fence) of its own."""
    if value is None:
        return ""
    text = " ".join(str(value).replace("&", "&amp;").replace("<", "&lt;").split())
    text = _REFERENCE.sub("#" + _ZWSP, _MENTION.sub("@" + _ZWSP, text))
    if _ORDERED.match(text):
        return _ORDERED.sub(r"\1\\\2", text, count=1)
    return "\\" + text if _BLOCK_START.match(text) else text


def cell(value: Any) -> str:
    """``md`` for a table cell: pipes escaped (newlines are already gone)."""
    return md(value).replace("|", "\\|")


def code(value: Any) -> str:
    """A code span around ``value`` (GitHub neither pings nor links inside code)."""
    text = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


_SAFE_URL = re.compile(r"^https?://[^\s<>`]+$")


def link(value: Any) -> str:
    """An autolink for a plain http(s) URL; anything else as a code span."""
    text = str(value)
    return f"<{text}>" if _SAFE_URL.match(text) else code(text)


def duration(seconds: Any) -> str:
    if isinstance(seconds, timedelta):
        seconds = seconds.total_seconds()
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "—"
    return minutes(seconds)


def time(value: Any) -> str:
    """``2026-11-23 10:15 UTC`` from an RFC 3339 string or an aware datetime."""
    moment = value if isinstance(value, datetime) else parse_time(value)
    if moment is None or moment.tzinfo is None:
        return md(value)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def number(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,}"
    return md(value)


_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._/()-]*(?<! )$")
_YAML_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def yaml_scalar(value: Any) -> str:
    """A YAML scalar: plain when that cannot be misread (also inside ``[...]``), otherwise
    double-quoted (a JSON string is a valid YAML one)."""
    text = "" if value is None else str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _YAML_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


FILTERS: dict[str, Callable[..., str]] = {
    "md": md,
    "cell": cell,
    "code": code,
    "link": link,
    "duration": duration,
    "time": time,
    "number": number,
    "yaml": yaml_scalar,
}


# --- environment ---------------------------------------------------------------------------


class _Sandbox(SandboxedEnvironment):
    """The Jinja2 sandbox, also refusing ``*`` and ``**`` results too large to be innocent."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int | float) and abs(right) > _MAX_EXPONENT:
            raise SecurityError(f"exponent {right} is too large")
        if operator == "*":
            for sized, times in ((left, right), (right, left)):
                if (
                    isinstance(sized, str | list | tuple)
                    and isinstance(times, int)
                    and len(sized) * times > _MAX_PRODUCT
                ):
                    raise SecurityError("result of '*' is too large")
        return super().call_binop(context, operator, left, right)


class _RepoLoader(jinja2.BaseLoader):
    """Templates from a repository's ``templates/``: regular files only, no symlink anywhere
    on the way, no ``..`` (a pull request may add any file there)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # TemplateNotFound for ".."
        path = self.directory.parent
        for piece in (self.directory.name, *pieces):
            path = path / piece
            try:
                info = os.lstat(path)
            except OSError:
                raise jinja2.TemplateNotFound(template) from None
            if stat.S_ISLNK(info.st_mode):
                relative = path.relative_to(self.directory.parent).as_posix()
                raise TemplateSecurityError(f"{relative} is a symlink; refused")
        if not stat.S_ISREG(info.st_mode):
            raise jinja2.TemplateNotFound(template)
        if info.st_size > _MAX_TEMPLATE_BYTES:
            raise TemplateSecurityError(f"{path.name} is larger than {_MAX_TEMPLATE_BYTES} bytes")
        with path.open("rb") as handle:
            source = handle.read(_MAX_TEMPLATE_BYTES + 1).decode("utf-8", errors="replace")
        mtime = info.st_mtime_ns
        return source, str(path), lambda: _mtime(path) == mtime


def _mtime(path: Path) -> int | None:
    try:
        return os.lstat(path).st_mtime_ns
    except OSError:
        return None


def environment(repo_root: Path | None = None) -> jinja2.Environment:
    """The sandbox with the repository's ``templates/`` (if any) before the package's."""
    loaders: list[jinja2.BaseLoader] = []
    if repo_root is not None:
        loaders.append(_RepoLoader(repo_root / REPO_TEMPLATES))
    loaders.append(jinja2.FileSystemLoader(PACKAGE_TEMPLATES))
    env = _Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def render(name: str, context: dict[str, Any], repo_root: Path | None = None) -> str:
    """Render template ``name`` (``update-internal`` or ``update-internal.md.j2``)."""
    filename = name if name.endswith(".j2") else name + SUFFIX
    try:
        return environment(repo_root).get_template(filename).render(context)
    except TemplateError:
        raise
    except SecurityError as exc:
        raise TemplateSecurityError(f"{filename}: {exc}") from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"no template {exc.name!r}") from exc
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or filename}:{exc.lineno}"
        raise TemplateError(f"{where}: {exc.message}") from exc
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{filename}: {exc.message}") from exc
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as exc:
        raise TemplateError(f"{filename}: {exc}") from exc


# --- status update contexts ----------------------------------------------------------------
