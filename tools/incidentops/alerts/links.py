"""Each alert's runbooks, found two ways: a runbook whose front matter ``alerts:`` lists it,
and the rule's ``runbook_url`` annotation resolved to a runbook path with the configured URL
pattern (``alerts.runbook_url``, e.g. ``https://runbooks.example.com/{path}``, where ``{path}``
is the runbook's path under ``runbooks/`` without ``.md``). Matching ignores case, because
static site generators such as Hugo lower-case paths, and a trailing slash, a query and a
fragment."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

from incidentops.alerts.rules import Alert


@dataclass(frozen=True)
class Resolved:
    url: str
    looked_for: str | None  # the runbook path the URL points at (None: not under the pattern)
    runbook: str | None  # the runbook it found, as the repository spells it


@cache
def url_regex(pattern: str) -> re.Pattern[str]:
    head, sep, tail = pattern.partition("{path}")
    body = re.escape(head.rstrip("/")) + "/?" if sep else re.escape(pattern.rstrip("/"))
    if sep:
        body += "(?P<path>.+?)" + re.escape(tail.rstrip("/"))
    return re.compile(body + r"/?\Z", re.IGNORECASE)


def resolve(url: str, pattern: str | None, runbooks: list[str] | dict[str, str]) -> Resolved:
    """Where ``url`` leads among ``runbooks`` (repository-relative paths, or already a map
    of lower-cased path -> path, which ``link`` builds once for every alert)."""
    if not pattern:
        return Resolved(url, None, None)
    bare = re.split(r"[?#]", url.strip(), maxsplit=1)[0]
    match = url_regex(pattern).match(bare)
    if match is None or "path" not in match.groupdict():
        return Resolved(url, None, None)
    path = match.group("path").strip("/")
    for suffix in ("/index.html", "/_index", ".md", ".html"):
        if path.lower().endswith(suffix):
            path = path[: -len(suffix)]
            break
    looked_for = f"runbooks/{path}.md"
    lowered = runbooks if isinstance(runbooks, dict) else {p.lower(): p for p in runbooks}
    return Resolved(url, looked_for, lowered.get(looked_for.lower()))


def nearest(looked_for: str, runbooks: list[str], count: int = 3) -> list[str]:
    """The runbook paths most like the one a broken URL looked for."""
    stems = {PurePosixPath(p).stem.lower(): p for p in runbooks}
    wanted = PurePosixPath(looked_for).stem.lower()
    close = difflib.get_close_matches(wanted, list(stems), n=count, cutoff=0.6)
    return [stems[s] for s in close]


@dataclass(frozen=True)
class Linked:
    alert: Alert
    listed_by: tuple[str, ...]  # runbooks whose front matter lists the alert
    url: Resolved | None

    @property
    def runbooks(self) -> tuple[str, ...]:
        via_url = (self.url.runbook,) if self.url and self.url.runbook else ()
        return tuple(dict.fromkeys((*self.listed_by, *via_url)))


def link(
    alerts: list[Alert], listed: dict[str, list[str]], pattern: str | None, runbooks: list[str]
) -> list[Linked]:
    """Every alert with its runbooks; ``listed``: alert name -> runbooks listing it."""
    lowered = {p.lower(): p for p in runbooks}
    return [
        Linked(
            alert,
            tuple(sorted(listed.get(alert.name, ()))),
            resolve(alert.runbook_url, pattern, lowered) if alert.runbook_url else None,
        )
        for alert in alerts
    ]
