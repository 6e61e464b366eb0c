"""The registry of every rule: file checks run per file (in workers, cached by content);
repository checks run on the per-file facts every time (they are cheap)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType

from incidentops.validate.checks import (
    action_items_table,
    alert_no_runbook,
    alert_not_listed,
    alert_rules,
    blameless,
    broken_link,
    coverage_gap,
    destructive_command,
    duplicate_ids,
    five_whys,
    form_drift,
    id_filename,
    incident_roles,
    incident_status,
    incident_timeline,
    incident_timestamps,
    literal_secret,
    loading,
    override_person,
    override_window,
    postmortem_link,
    postmortem_overdue,
    postmortem_required,
    postmortem_sections,
    references,
    review_overdue,
    runbook_alert_unknown,
    runbook_sections,
    runbook_url,
    schedule_versions,
    schema,
    schema_comment,
    slo_timestamps,
    slo_window,
    unfenced_command,
    unknown_timezone,
    update_cadence,
)
from incidentops.validate.context import FileContext, Hit
from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule

FILE_CHECKS: tuple[ModuleType, ...] = (
    schema_comment,
    id_filename,
    incident_timestamps,
    incident_status,
    incident_timeline,
    incident_roles,
    update_cadence,
    runbook_sections,
    unfenced_command,
    destructive_command,
    postmortem_sections,
    action_items_table,
    unknown_timezone,
    override_window,
    override_person,
    schedule_versions,
    slo_window,
    literal_secret,
)
REPOSITORY_CHECKS: tuple[ModuleType, ...] = (
    references,
    form_drift,
    postmortem_overdue,
    duplicate_ids,
    broken_link,
    review_overdue,
    postmortem_link,
    postmortem_required,
    five_whys,
    blameless,
    coverage_gap,
    slo_timestamps,
    alert_rules,
    alert_no_runbook,
    runbook_url,
    runbook_alert_unknown,
    alert_not_listed,
)

RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        *loading.RULES,
        *schema.RULES,
        *(module.RULE for module in FILE_CHECKS),
        *(module.RULE for module in REPOSITORY_CHECKS),
    )
}


def file_checks(kind: str) -> Iterator[tuple[Rule, Callable[[FileContext], Iterator[Hit]]]]:
    for module in FILE_CHECKS:
        if kind in module.RULE.kinds:
            yield module.RULE, module.check


def repository_checks() -> Iterator[tuple[Rule, Callable[[Repository], Iterator[RepoHit]]]]:
    for module in REPOSITORY_CHECKS:
        yield module.RULE, module.check
