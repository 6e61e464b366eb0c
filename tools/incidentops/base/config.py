"""Repository settings from ``incidentops.yaml``, with the defaults of incident practice."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PATHS: dict[str, list[str]] = {
    "incident": ["incidents/*/*.yaml"],
    "postmortem": ["postmortems/*/*.md"],
    "runbook": ["runbooks/**/*.md"],
    "people": ["oncall/people.yaml"],
    "services": ["oncall/services.yaml"],
    "schedule": ["oncall/schedules/*.yaml"],
    "escalation": ["oncall/escalation/*.yaml"],
    "deliveries": ["deliveries/*/*.yaml"],
}

CONFIG_FILE = "incidentops.yaml"
DEFAULT_INTERPRETERS = {"bash": "bash {file}", "sh": "sh {file}", "shell": "bash {file}"}


@dataclass(frozen=True)
class Severity:
    level: str
    aliases: tuple[str, ...]
    description: str
    update_cadence_minutes: int
    postmortem: str  # required | optional | none
    postmortem_due_days: int | None
    roles: tuple[str, ...]
    five_whys: bool


DEFAULT_SEVERITIES: tuple[Severity, ...] = (
    Severity(
        "SEV1",
        ("P0",),
        "Complete outage, data loss or breach, >50% of users, revenue impact",
        15,
        "required",
        2,
        ("commander", "communications", "technical", "scribe"),
        True,
    ),
    Severity(
        "SEV2",
        ("P1",),
        "Major degradation, >20% of users, critical feature down",
        30,
        "required",
        5,
        ("commander", "communications", "technical"),
        True,
    ),
    Severity(
        "SEV3",
        ("P2",),
        "Minor degradation, workaround exists, >5% of users",
        60,
        "optional",
        10,
        ("commander",),
        False,
    ),
    Severity("SEV4", ("P3",), "Minimal impact", 1440, "none", None, (), False),
)


@dataclass(frozen=True)
class Section:
    name: str
    synonyms: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


def _sections(*specs: tuple[str, tuple[str, ...]]) -> tuple[Section, ...]:
    return tuple(Section(name, synonyms) for name, synonyms in specs)


DEFAULT_RUNBOOK_SECTIONS = _sections(
    ("Symptoms", ("Meaning", "Impact", "Summary")),
    ("Diagnostics", ("Diagnosis", "Investigation", "Triage")),
    ("Remediation", ("Mitigation", "Resolution", "Fix")),
    ("Escalation", ()),
    ("Verification", ("Validation",)),
    ("Rollback", ()),
)
DEFAULT_POSTMORTEM_SECTIONS = _sections(
    ("Summary", ("Executive summary",)),
    ("Impact", ()),
    ("Timeline", ()),
    ("Root cause", ("Root cause analysis",)),
    ("Contributing factors", ()),
    ("What went well", ()),
    ("What could be improved", ("What went wrong",)),
    ("Action items", ()),
    ("Lessons learned", ()),
)
DEFAULT_DESTRUCTIVE = (
    "kubectl delete",
    "DROP TABLE",
    "DROP DATABASE",
    "TRUNCATE",
    "rm -rf",
    "terraform destroy",
    "helm uninstall",
    "aws s3 rm",
    "redis-cli flushall",
    "git push --force",
)
DEFAULT_BLAME = (
    "{person} caused",
    "{person} broke",
    "{person}'s mistake",
    "{person}'s fault",
    "{person} forgot",
    "{person} failed to",
    "{person} should have",
    "blame {person}",
    "because of {person}",
)


@dataclass(frozen=True)
class GitHubSettings:
    command_permission: str = "write"
    form: str = ".github/ISSUE_TEMPLATE/declare-incident.yml"
    form_label: str = "declare-incident"
    incident_label: str = "incident"
    rollup_label: str = "action-items"
    rollup_mentions: bool = False
    soon_days: int = 7
    tracking_label: str = "action-item"
    actions_sync: str = "commit"
    stale_hours: int = 24
    weekly_issue: int | None = None
    bot_login: str = "github-actions[bot]"


@dataclass(frozen=True)
class Config:
    paths: dict[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_PATHS))
    severities: tuple[Severity, ...] = DEFAULT_SEVERITIES
    roles: tuple[str, ...] = ("commander", "communications", "technical", "scribe")
    runbook_sections: tuple[Section, ...] = DEFAULT_RUNBOOK_SECTIONS
    review_every_days: int = 90
    destructive_commands: tuple[str, ...] = DEFAULT_DESTRUCTIVE
    # `runbook run`: language -> the command that runs a step ({file}: the code in a file;
    # without it the code goes to standard input), a step's timeout, and the environment
    # variables whose values are secrets (masked in everything shown and recorded)
    interpreters: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_INTERPRETERS))
    step_timeout_seconds: int = 300
    secret_env: tuple[str, ...] = ()
    # alerting rules: globs of Prometheus rule files, how a runbook_url maps onto runbooks/
    # ({path}: the runbook's path under runbooks/ without .md), and when an alert looks noisy
    alert_rules: tuple[str, ...] = ()
    runbook_url: str | None = None
    noise_min_incidents: int = 3
    noise_share: float = 0.5
    postmortem_sections: tuple[Section, ...] = DEFAULT_POSTMORTEM_SECTIONS
    blame_phrases: tuple[str, ...] = DEFAULT_BLAME
    max_file_bytes: int = 1024 * 1024
    max_aliases: int = 100
    max_depth: int = 64
    rule_levels: dict[str, str] = field(default_factory=dict)
    oncall_lookahead_days: int = 28
    cache: bool = True
    github: GitHubSettings = field(default_factory=GitHubSettings)
    # `notify:` as written (validated by the schema); notify/targets.py reads it into targets
    notify: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    def severity(self, level: str) -> Severity | None:
        for severity in self.severities:
            if level == severity.level or level in severity.aliases:
                return severity
        return None

    def fingerprint(self) -> str:
        """Changes whenever a setting that could change a finding changes (cache key)."""
        return hashlib.sha256(json.dumps(self.raw, sort_keys=True).encode()).hexdigest()[:16]


def config_from_data(data: Any) -> Config:
    """Build a Config from already-validated ``incidentops.yaml`` data (None: all defaults)."""
    if not isinstance(data, dict):
        return Config()
    paths = dict(DEFAULT_PATHS)
    paths.update(data.get("paths", {}))
    severities = DEFAULT_SEVERITIES
    if "severities" in data:
        severities = tuple(
            Severity(
                level=s["level"],
                aliases=tuple(s.get("aliases", ())),
                description=s.get("description", ""),
                update_cadence_minutes=s.get("update_cadence_minutes", 60),
                postmortem=s.get("postmortem", "none"),
                postmortem_due_days=s.get("postmortem_due_days"),
                roles=tuple(s.get("roles", ())),
                five_whys=s.get("five_whys", False),
            )
            for s in data["severities"]
        )
    runbooks = data.get("runbooks", {})
    alerts = data.get("alerts", {})
    postmortems = data.get("postmortems", {})
    limits = data.get("limits", {})
    validate = data.get("validate", {})
    roles = tuple(data["roles"]) if "roles" in data else Config.roles
    return Config(
        paths=paths,
        severities=severities,
        roles=roles,
        runbook_sections=_read_sections(runbooks, DEFAULT_RUNBOOK_SECTIONS),
        review_every_days=runbooks.get("review_every_days", 90),
        destructive_commands=tuple(runbooks.get("destructive_commands", DEFAULT_DESTRUCTIVE)),
        interpreters={**DEFAULT_INTERPRETERS, **runbooks.get("interpreters", {})},
        step_timeout_seconds=runbooks.get("step_timeout_seconds", 300),
        secret_env=tuple(runbooks.get("secret_env", ())),
        alert_rules=tuple(alerts.get("rules", ())),
        runbook_url=alerts.get("runbook_url"),
        noise_min_incidents=alerts.get("noise", {}).get("min_incidents", 3),
        noise_share=alerts.get("noise", {}).get("share", 0.5),
        postmortem_sections=_read_sections(postmortems, DEFAULT_POSTMORTEM_SECTIONS),
        blame_phrases=tuple(postmortems.get("blame_phrases", DEFAULT_BLAME)),
        max_file_bytes=limits.get("max_file_bytes", 1024 * 1024),
        max_aliases=limits.get("max_aliases", 100),
        max_depth=limits.get("max_depth", 64),
        rule_levels=dict(validate.get("rules", {})),
        oncall_lookahead_days=validate.get("oncall_lookahead_days", 28),
        cache=validate.get("cache", True),
        github=GitHubSettings(**data.get("github", {})),
        notify=dict(data.get("notify", {})),
        raw=data,
    )


def _read_sections(data: dict[str, Any], default: tuple[Section, ...]) -> tuple[Section, ...]:
    if "required_sections" not in data:
        return default
    return tuple(
        Section(s["name"], tuple(s.get("synonyms", ()))) if isinstance(s, dict) else Section(s)
        for s in data["required_sections"]
    )


def find_root(start: Path) -> Path | None:
    """The nearest directory at or above ``start`` holding ``incidentops.yaml`` or ``.git``."""
    for candidate in (start, *start.parents):
        if (candidate / CONFIG_FILE).is_file() or (candidate / ".git").exists():
            return candidate
    return None
