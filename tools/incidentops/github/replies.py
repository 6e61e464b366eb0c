"""The bot's comments, as people on the issue read them (pure). Every comment carries a
marker so a later run finds it; people's text is neutralised; the only mentions are role
holders, by the GitHub login ``people.yaml`` gives them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from incidentops.base.config import Config
from incidentops.github.commands import EXAMPLES, USAGE
from incidentops.github.text import marker, mention, neutral, neutral_line, quote


@dataclass(frozen=True)
class Where:
    """Enough to link to files and commits."""

    server: str  # https://github.com
    repository: str  # owner/name
    branch: str = "main"

    def blob(self, path: str) -> str:
        return f"{self.server}/{self.repository}/blob/{self.branch}/{path}"

    def pull(self, number: int) -> str:
        return f"{self.server}/{self.repository}/pull/{number}"

    def commit(self, sha: str) -> str:
        return f"{self.server}/{self.repository}/commit/{sha}"


def person(handle: str | None, people: dict[str, Any]) -> str:
    """``@login (Name)`` for someone with a GitHub login, else their name."""
    if not handle:
        return "_unfilled_"
    record = people.get(handle) or {}
    name = neutral_line(str(record.get("name") or handle))
    login = record.get("github")
    if isinstance(login, str) and login:
        try:
            return f"{mention(login)} ({name})"
        except ValueError:
            pass
    return name


def cheat_sheet() -> str:
    # A pipe inside a table cell ends the cell, even inside backticks, unless escaped.
    escaped = {name: usage.replace("|", "\\|") for name, usage in USAGE.items()}
    rows = "\n".join(f"| `{escaped[name]}` | `{EXAMPLES[name]}` |" for name in USAGE)
    return (
        "Comment a command as the first line of a comment (people with write access):\n\n"
        "| command | example |\n|---|---|\n" + rows
    )


def declared(
    data: dict[str, Any],
    config: Config,
    reason: str,
    unfilled: list[str],
    next_update: datetime | None,
    people: dict[str, Any],
    where: Where,
    path: str,
    sha: str | None,
) -> str:
    ident = str(data["id"])
    severity = config.severity(str(data.get("severity")))
    level = severity.level if severity else str(data.get("severity"))
    lines = [
        marker("declared", id=ident),
        f"## {ident} declared: {level}",
        "",
        f"**{neutral_line(str(data.get('title', '')))}** · "
        + ", ".join(f"`{neutral_line(str(s))}`" for s in data.get("services") or [])
        + f" · status **{data.get('status')}**",
        "",
        "| | |",
        "|---|---|",
        f"| Severity | {level}: {neutral_line(reason)} |",
    ]
    roles = data.get("roles") or {}
    for role in severity.roles if severity and severity.roles else ("commander",):
        holder = roles.get(role)
        shown = person(holder, people) if holder else f"**unfilled**: `/role {role} @login`"
        lines.append(f"| {role.capitalize()} | {shown} |")
    if severity:
        due = f"; next due **{next_update:%H:%M} UTC**" if next_update else ""
        lines.append(
            f"| Updates | every {severity.update_cadence_minutes} min{due} "
            "(`/update internal ...`) |"
        )
        lines.append(f"| Postmortem | {severity.postmortem} |")
    for runbook in data.get("runbooks") or []:
        lines.append(f"| Runbook | [{neutral_line(runbook)}]({where.blob(runbook)}) |")
    record = f"[`{path}`]({where.blob(path)})"
    if sha:
        record += f" ([{sha[:7]}]({where.commit(sha)}))"
    lines += ["", f"Incident file: {record}"]
    if unfilled:
        lines.append(f"Roles still to fill: {', '.join(unfilled)}.")
    lines += [
        "",
        "Next: post the first internal update, record what you try with "
        "`/timeline action: ...`, and move the status on as you learn more.",
        "",
        "<details><summary>Commands</summary>",
        "",
        cheat_sheet(),
        "",
        "</details>",
    ]
    return "\n".join(lines)


def form_problems(problems: list[tuple[str, str]]) -> str:
    lines = [
        marker("form-error"),
        "**No incident was declared: the form could not be read.**",
        "",
    ]
    lines += [f"- **{neutral_line(label)}**: {neutral_line(what)}" for label, what in problems]
    lines += [
        "",
        "Edit this issue to fix it (the pencil on the issue body); saving the edit declares "
        "the incident. If this is urgent, say so in a comment while you fix it.",
    ]
    return "\n".join(lines)


def result(
    comment_id: int,
    summary: str,
    notes: list[str],
    where: Where,
    sha: str | None,
    extra: str | None = None,
) -> str:
    head = f"**{neutral_line(summary)}**"
    if sha:
        head += f" ([{sha[:7]}]({where.commit(sha)}))"
    lines = [marker("reply", comment=comment_id), head]
    lines += [f"- {neutral_line(note)}" for note in notes]
    if extra:
        lines += ["", extra]
    return "\n".join(lines)


def error(comment_id: int, message: str, command: str | None) -> str:
    lines = [marker("reply", comment=comment_id), f"**Not applied:** {neutral_line(message)}"]
    if command in USAGE:
        lines += ["", f"Usage: `{USAGE[command]}`", f"Example: `{EXAMPLES[command]}`"]
    else:
        lines += ["", "`/help` lists the commands."]
    return "\n".join(lines)


def refused(tag: str, login: str, have: str, need: str, what: str = "commands") -> str:
    """``tag``: the marker of the comment this goes in."""
    return "\n".join(
        [
            tag,
            f"**Not applied:** only people with {need} permission on this repository can run "
            f"{what}; `{neutral_line(login)}` has {neutral_line(have)}.",
        ]
    )


def help_text(comment_id: int) -> str:
    return "\n".join([marker("reply", comment=comment_id), cheat_sheet()])


def update_published(text: str) -> str:
    return "Update as published (copy it where your audience reads):\n\n" + quote(text)


def untrusted(text: str) -> str:
    return neutral(text)
