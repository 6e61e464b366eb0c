"""Escalation policies: who is notified, step by step, and at which minute."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from incidentops.oncall.engine import who
from incidentops.oncall.model import Schedule


@dataclass(frozen=True)
class Step:
    after_minutes: int  # delay after the previous step
    targets: tuple[str, ...]  # "schedule:<id>" | "person:<handle>"
    severities: tuple[str, ...] = ()  # empty: every severity


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    steps: tuple[Step, ...]
    repeat: int = 0


@dataclass(frozen=True)
class Notification:
    minute: int  # minutes after the incident is declared
    step: int  # 1-based
    round: int  # 1 for the first pass, 2.. for repeats
    target: str
    people: tuple[str, ...]


def duration_minutes(text: str) -> int:
    number, unit = int(text[:-1]), text[-1]
    return number * 60 if unit == "h" else number


def policy_from_data(data: dict[str, Any]) -> Policy:
    steps = tuple(
        Step(
            duration_minutes(str(step.get("after", "0m"))),
            tuple(step.get("notify", ())),
            tuple((step.get("when") or {}).get("severity", ())),
        )
        for step in data.get("steps", ())
    )
    return Policy(data["id"], data.get("name", data["id"]), steps, int(data.get("repeat", 0)))


def chain(
    policy: Policy,
    schedules: dict[str, Schedule],
    start: datetime,
    severity: str | None = None,
) -> list[Notification]:
    """Every notification of the policy for an incident declared at ``start``. Each step fires
    ``after`` minutes after the previous one that applies; each schedule is asked who is on
    call at the minute its step fires. With ``repeat: N`` the steps run N more times."""
    notifications: list[Notification] = []
    minute = 0
    for round_number in range(1, policy.repeat + 2):
        for number, step in enumerate(policy.steps, start=1):
            if step.severities and severity is not None and severity not in step.severities:
                continue  # a step that does not apply does not make anyone wait either
            minute += step.after_minutes
            at = start + timedelta(minutes=minute)
            for target in step.targets:
                kind, _, name = target.partition(":")
                if kind == "person":
                    people: tuple[str, ...] = (name,)
                else:
                    schedule = schedules.get(name)
                    people = tuple(e.person for e in who(schedule, at)) if schedule else ()
                notifications.append(Notification(minute, number, round_number, target, people))
    return notifications
