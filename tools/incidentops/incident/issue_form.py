"""The "Declare incident" issue form: what it asks, reading the body GitHub renders from it,
and keeping its dropdowns in step with ``oncall/services.yaml`` and the severities.

GitHub renders a submitted form as Markdown: each field's label as a ``### `` heading, then
the answer; ``_No response_`` for an empty one; checkboxes as ``- [X] label``. Only the
headings the form defines split the body, matched from the last field back, so a heading
typed inside someone's summary stays part of the summary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from incidentops.base.config import Config
from incidentops.incident.declare import FLAGS, NUMBERS

DECIDE = "Decide from impact"
TITLE_MAX = 200  # the incident schema's limit
NO_RESPONSE = "_No response_"
# The form's field ids this code reads (the ids are the contract; labels may be reworded).
FIELDS = ("service", "severity", "impact", *NUMBERS, "started", "summary", "commander")


class FormError(ValueError):
    """The form file itself is unusable (missing, not YAML, a field it needs is absent)."""


@dataclass(frozen=True)
class Field:
    id: str
    type: str  # input, textarea, dropdown, checkboxes
    label: str
    options: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class Form:
    path: str
    title_prefix: str
    fields: tuple[Field, ...]
    data: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)  # id -> line

    def field(self, ident: str) -> Field | None:
        return next((f for f in self.fields if f.id == ident), None)


@dataclass
class Answers:
    """A parsed form: each problem names the field's label and how to fix it."""

    title: str
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (label, what is wrong)


def from_data(path: str, data: Any) -> Form:
    if not isinstance(data, dict) or not isinstance(data.get("body"), list):
        raise FormError(f"{path}: not an issue form (no `body:` list)")
    fields = []
    for number, item in enumerate(data["body"], 1):
        if not isinstance(item, dict) or item.get("type") == "markdown" or "id" not in item:
            continue
        attributes = item.get("attributes") or {}
        validations = item.get("validations") or {}
        options = attributes.get("options") if isinstance(attributes, dict) else None
        if not isinstance(attributes, dict) or not isinstance(validations, dict):
            raise FormError(f"{path}: body item {number}: attributes and validations are mappings")
        if options is not None and not isinstance(options, list):
            raise FormError(f"{path}: body item {number}: options is a list")
        labels = tuple(
            str(o.get("label")) if isinstance(o, dict) else str(o) for o in options or ()
        )
        fields.append(
            Field(
                id=str(item["id"]),
                type=str(item.get("type")),
                label=str(attributes.get("label") or item["id"]),
                options=labels,
                required=bool(validations.get("required")),
            )
        )
    missing = [f for f in ("service", "summary") if f not in {x.id for x in fields}]
    if missing:
        raise FormError(f"{path}: the form has no field with id {missing[0]!r}")
    return Form(path, str(data.get("title") or ""), tuple(fields), data)


def load(root: Path, config: Config) -> Form:
    from incidentops.loader import LoadProblem, load_yaml, read_text

    path = config.github.form
    try:
        text, _ = read_text(root.resolve(), path, config.max_file_bytes)
        document = load_yaml(text)
    except LoadProblem as problem:
        raise FormError(f"{path}:{problem.line}: {problem.message}") from None
    form = from_data(path, document.value)
    for index, item in enumerate(document.value["body"]):
        if isinstance(item, dict) and "id" in item:
            where = ("body", index, "attributes", "options")
            form.lines[str(item["id"])] = document.position(where)[0]
    return form


def indicator_of(label: str) -> str | None:
    """A checkbox label as an indicator name ("Complete outage" -> complete_outage)."""
    name = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")
    return name if name in FLAGS else None


def sections(form: Form, body: str) -> dict[str, str]:
    """Field id -> the raw text under its heading (absent when its heading is missing).

    Headings are matched from the last field back, each the last one before the heading
    after it: a field's text always follows its own heading, so a heading someone typed
    inside an answer — of a field before it or after it in the form — stays in that answer."""
    found: dict[str, str] = {}
    spans: list[tuple[str, int, int]] = []  # id, heading start, text start
    limit = len(body)
    for item in reversed(form.fields):
        heading = re.compile(rf"^###[ \t]+{re.escape(item.label)}[ \t]*\r?$", re.MULTILINE)
        last = None
        for match in heading.finditer(body, 0, limit):
            last = match
        if last is None:
            continue
        spans.append((item.id, last.start(), last.end()))
        limit = last.start()
    spans.reverse()
    for index, (ident, _, start) in enumerate(spans):
        end = spans[index + 1][1] if index + 1 < len(spans) else len(body)
        text = body[start:end].strip()
        found[ident] = "" if text == NO_RESPONSE else text
    return found


def parse(form: Form, title: str, body: str, now: datetime) -> Answers:
    """The answers of one submitted form, checked against the form's own options."""
    from incidentops.base.holdable import people_text, unholdable
    from incidentops.base.when import TimeError, parse_when

    body = people_text(body)  # browsers send a form's answers with CRLF
    clean_title = clean(form, title)
    answers = Answers(title=clean_title)
    title_problem = unholdable(clean_title)
    if title_problem:
        answers.problems.append(("Title", title_problem))
    elif not clean_title:
        answers.problems.append(("Title", "the issue title is empty: say what is broken"))
    elif len(clean_title) > TITLE_MAX:
        answers.problems.append(
            ("Title", f"the issue title is {len(clean_title)} characters; at most {TITLE_MAX}")
        )
    raw = sections(form, body)
    for item in form.fields:
        text = raw.get(item.id, "")
        problem = unholdable(text)
        if problem:
            answers.problems.append((item.label, problem))
            continue
        if item.required and not text and item.type != "checkboxes":
            answers.problems.append((item.label, "is required"))
            continue
        if item.type == "dropdown" and text and text not in item.options:
            answers.problems.append(
                (item.label, f"{text!r} is not one of {', '.join(item.options)}")
            )
            continue
        if item.id == "impact":
            for line in text.splitlines():
                match = re.match(r"^\s*- \[([ xX])\] (.+?)\s*$", line)
                if match and match.group(1) in "xX" and match.group(2) in item.options:
                    name = indicator_of(match.group(2))
                    if name:
                        answers.values[name] = True
        elif item.id in NUMBERS and text:
            number = _percent(text)
            if number is None:
                answers.problems.append((item.label, f"{text!r} is not a number from 0 to 100"))
            else:
                answers.values[item.id] = number
        elif item.id == "started" and text:
            try:
                moment = parse_when(text, now)
            except TimeError as exc:
                answers.problems.append((item.label, str(exc)))
                continue
            if moment > now:
                answers.problems.append((item.label, f"{text!r} is in the future"))
            else:
                answers.values["started"] = moment
        elif text:
            answers.values[item.id] = text
    return answers


def clean(form: Form, title: str) -> str:
    """The issue title without the form's prefix (``[Incident]: ``)."""
    prefix = form.title_prefix.strip()
    text = title.strip()
    if prefix and text.lower().startswith(prefix.lower()):
        text = text[len(prefix) :].strip()
    return text


def render_body(form: Form, inputs: dict[str, str]) -> str:
    """A body in the shape GitHub renders the form, from ``workflow_dispatch`` inputs
    (checkboxes from ``impact``: indicator names separated by commas)."""
    ticked = {x.strip().replace("-", "_") for x in inputs.get("impact", "").split(",")}
    parts = []
    for item in form.fields:
        if item.type == "checkboxes":
            lines = [f"- [{'X' if indicator_of(o) in ticked else ' '}] {o}" for o in item.options]
            text = "\n".join(lines)
        else:
            text = (
                " ".join(inputs.get(item.id, "").split())
                if item.type != "textarea"
                else (inputs.get(item.id, "").strip())
            )
        parts.append(f"### {item.label}\n\n{text or NO_RESPONSE}")
    return "\n\n".join(parts) + "\n"


def _percent(text: str) -> float | None:
    try:
        number = float(text.strip().rstrip("%").strip())
    except ValueError:
        return None
    return number if 0 <= number <= 100 else None


# ---------------------------------------------------------------- the dropdowns and their source


def wanted_options(config: Config, services: list[str]) -> dict[str, list[str]]:
    """Field id -> the options it should offer."""
    return {
        "service": sorted(services),
        "severity": [DECIDE, *(s.level for s in config.severities)],
    }


def drift(form: Form, config: Config, services: list[str]) -> list[tuple[str, str]]:
    """(field id, what differs) for each dropdown out of step with its source."""
    out = []
    for ident, wanted in wanted_options(config, services).items():
        item = form.field(ident)
        if item is None:
            continue
        have = list(item.options)
        if have != wanted:
            missing = [o for o in wanted if o not in have]
            extra = [o for o in have if o not in wanted]
            detail = []
            if missing:
                detail.append(f"missing {', '.join(missing)}")
            if extra:
                detail.append(f"unknown {', '.join(extra)}")
            out.append((ident, "; ".join(detail) or "in a different order"))
    return out
