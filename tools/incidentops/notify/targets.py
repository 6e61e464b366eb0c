"""The targets of ``notify.targets`` in incidentops.yaml, typed, with each type's defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from incidentops.base.config import Config

# What each type takes unless `events:` says otherwise, and what it can take at all.
DEFAULT_EVENTS: dict[str, tuple[str, ...]] = {
    "slack": (
        "declared",
        "severity",
        "status",
        "role",
        "update:internal",
        "acknowledged",
        "resolved",
        "cancelled",
        "reopened",
        "postmortem",
        "overdue",
        "escalation",
    ),
    "teams": (
        "declared",
        "severity",
        "status",
        "update:internal",
        "resolved",
        "cancelled",
        "reopened",
    ),
    "pagerduty": ("declared", "severity", "acknowledged", "resolved", "cancelled", "reopened"),
    "statuspage": ("update:customer", "resolved", "cancelled"),
    "email": ("update:executive",),
    "webhook": (
        "declared",
        "severity",
        "status",
        "role",
        "update",
        "acknowledged",
        "resolved",
        "cancelled",
        "reopened",
        "postmortem",
        "overdue",
    ),
}
EVERY = frozenset(
    {
        *DEFAULT_EVENTS["webhook"],
        "update:internal",
        "update:customer",
        "update:executive",
        "escalation",
    }
)
# PagerDuty and Statuspage carry only what they model; escalation steps are direct messages or
# e-mails to people, which a Teams channel card is not.
SUPPORTED: dict[str, frozenset[str]] = {
    "slack": EVERY,
    "teams": EVERY - {"escalation"},
    "pagerduty": frozenset(DEFAULT_EVENTS["pagerduty"]),
    "statuspage": frozenset(DEFAULT_EVENTS["statuspage"]),
    "email": EVERY,
    "webhook": EVERY,
}
# PagerDuty pages people: by default only for the two most severe levels.
DEFAULT_SEVERITIES: dict[str, tuple[str, ...]] = {"pagerduty": ("SEV1", "SEV2")}


class TargetError(ValueError):
    """A target that cannot be used as configured; one line naming it."""


@dataclass(frozen=True)
class Target:
    name: str
    type: str
    events: tuple[str, ...]
    severities: tuple[str, ...] | None = None
    services: tuple[str, ...] | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.settings.get(key, default)

    @property
    def timeout(self) -> float:
        return float(self.settings.get("timeout_seconds", 10))

    def secret_variables(self) -> list[str]:
        return [str(v) for k, v in self.settings.items() if k.endswith("_env") and v]


def targets_of(config: Config) -> list[Target]:
    """Every configured target; a target asking for an event its type cannot take is an
    error naming both (the schema checks the rest)."""
    found = []
    for raw in config.notify.get("targets", ()):
        kind = str(raw["type"])
        events = tuple(raw.get("events", DEFAULT_EVENTS[kind]))
        unsupported = [e for e in events if e not in SUPPORTED[kind]]
        if unsupported:
            raise TargetError(
                f"notify target {raw['name']!r} ({kind}) cannot take "
                f"{', '.join(unsupported)}; it takes {', '.join(sorted(SUPPORTED[kind]))}"
            )
        when = raw.get("when") or {}
        severities = when.get("severity", DEFAULT_SEVERITIES.get(kind))
        services = when.get("services")
        found.append(
            Target(
                name=str(raw["name"]),
                type=kind,
                events=events,
                severities=tuple(severities) if severities is not None else None,
                services=tuple(services) if services is not None else None,
                settings={k: v for k, v in raw.items() if k not in ("name", "type", "events")},
            )
        )
    return found


def target_named(config: Config, name: str) -> Target:
    for target in targets_of(config):
        if target.name == name:
            return target
    names = ", ".join(t.name for t in targets_of(config)) or "none is configured"
    raise TargetError(f"no notify target {name!r} ({names})")


def secret_variables(config: Config) -> list[str]:
    """Every environment variable a target names as holding a secret (read from the raw
    configuration, so masking works even when a target is misconfigured)."""
    return [
        str(value)
        for raw in config.notify.get("targets", ())
        if isinstance(raw, dict)
        for key, value in raw.items()
        if key.endswith("_env") and value
    ]
