"""On-call records: schedules with layers, versions, restrictions and overrides; escalation
policies. Built from schema-valid data (see schemas/schedule.schema.json)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incidentops.base.timeutil import parse_time

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UNITS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1), "weekly": timedelta(weeks=1)}
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


class ScheduleError(ValueError):
    """A schedule that cannot be evaluated (unknown time zone, bad rotation...)."""


@dataclass(frozen=True)
class Rotation:
    unit: str  # hourly | daily | weekly
    every: int
    handoff: datetime  # naive local wall-clock anchor

    @property
    def step(self) -> timedelta:
        return UNITS[self.unit] * self.every


@dataclass(frozen=True)
class Restriction:
    days: frozenset[int]  # 0 = Monday
    start: int  # minutes after local midnight
    end: int  # minutes; end <= start means the window runs past midnight

    @property
    def length(self) -> int:
        span = self.end - self.start
        return span if span > 0 else span + 24 * 60

    def covers(self, weekday: int, minute: int) -> bool:
        if weekday in self.days and self.start <= minute < self.start + self.length:
            return True
        overflow = self.start + self.length - 24 * 60
        return overflow > 0 and (weekday - 1) % 7 in self.days and minute < overflow


@dataclass(frozen=True)
class Version:
    effective_from: datetime
    members: tuple[str, ...]
    rotation: Rotation
    restrictions: tuple[Restriction, ...]


@dataclass(frozen=True)
class Layer:
    id: str
    name: str
    versions: tuple[Version, ...]  # sorted; the first is in effect from the beginning of time
    active_from: datetime = EARLIEST
    active_until: datetime = LATEST

    def version_at(self, instant: datetime) -> Version:
        chosen = self.versions[0]
        for version in self.versions[1:]:
            if version.effective_from <= instant:
                chosen = version
            else:
                break
        return chosen


@dataclass(frozen=True)
class Override:
    start: datetime
    end: datetime
    action: str  # replace | add | remove
    person: str  # replaced, added or removed
    replacement: str | None = None
    reason: str = ""
    index: int = 0  # position in the file, for findings


@dataclass(frozen=True)
class Schedule:
    id: str
    name: str
    zone: ZoneInfo
    layers: tuple[Layer, ...]
    overrides: tuple[Override, ...] = field(default=())

    @property
    def timezone(self) -> str:
        return self.zone.key


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown time zone {name!r}") from None


def _minutes(text: str) -> int:
    hours, _, minutes = text.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def _rotation(data: dict[str, Any]) -> Rotation:
    handoff = datetime.fromisoformat(data["handoff"])
    return Rotation(
        data.get("type", "weekly"), int(data.get("every", 1)), handoff.replace(tzinfo=None)
    )


def _restrictions(data: list[dict[str, Any]] | None) -> tuple[Restriction, ...]:
    return tuple(
        Restriction(
            frozenset(DAYS.index(d) for d in r["days"]), _minutes(r["start"]), _minutes(r["end"])
        )
        for r in data or ()
    )


def _time(value: Any, default: datetime) -> datetime:
    parsed = parse_time(value)
    return parsed.astimezone(UTC) if parsed else default


def schedule_from_data(data: dict[str, Any]) -> Schedule:
    layers = []
    for layer in data.get("layers", ()):
        base = Version(
            EARLIEST,
            tuple(layer["members"]),
            _rotation(layer["rotation"]),
            _restrictions(layer.get("restrictions")),
        )
        versions = [base]
        for change in sorted(
            layer.get("versions", ()), key=lambda v: _time(v["effective_from"], EARLIEST)
        ):
            previous = versions[-1]
            versions.append(
                Version(
                    _time(change["effective_from"], EARLIEST),
                    tuple(change.get("members", previous.members)),
                    _rotation(change["rotation"]) if "rotation" in change else previous.rotation,
                    _restrictions(change["restrictions"])
                    if "restrictions" in change
                    else previous.restrictions,
                )
            )
        active = layer.get("active") or {}
        layers.append(
            Layer(
                layer["id"],
                layer.get("name", layer["id"]),
                tuple(versions),
                _time(active.get("from"), EARLIEST),
                _time(active.get("until"), LATEST),
            )
        )
    overrides = []
    for index, item in enumerate(data.get("overrides", ())):
        start, end = _time(item["start"], EARLIEST), _time(item["end"], EARLIEST)
        if "replace" in item:
            action, person, replacement = "replace", item["replace"], item.get("with")
        elif "add" in item:
            action, person, replacement = "add", item["add"], None
        else:
            action, person, replacement = "remove", item["remove"], None
        overrides.append(
            Override(start, end, action, person, replacement, item.get("reason", ""), index)
        )
    return Schedule(
        data["id"],
        data.get("name", data["id"]),
        zone(data["timezone"]),
        tuple(layers),
        tuple(overrides),
    )
