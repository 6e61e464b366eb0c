#!/usr/bin/env python3
# ruff: noqa: E501, PLR0915
# (the generators write file lines verbatim and read best as one long function each)
"""Benchmark ``incidentops validate`` on a generated repository.

Generates a valid repository (default 10,000 incidents, 1,000 runbooks, 1,000 postmortems) in
``bench/.work/repo``, checks that it validates with no findings, then times in one run:

* ``incidentops validate`` cold (cache directory removed) with the default workers and with
  ``--jobs 1``;
* ``incidentops validate`` warm (cache present): nothing changed, and one incident changed;
* ``check-jsonschema`` over the incident files (schema only);
* the floor: one process loading every YAML document validate parses (the YAML files and the
  front matter of the Markdown files) with PyYAML's C loader;
* startup: ``incidentops --version`` (median of 10 runs);

and prints times, ratios against targets and peak memory. See bench/README.md.

Run from the repository root with the project's virtualenv::

    .venv/bin/python bench/validate.py            # full size (~5 min on 2 cores)
    .venv/bin/python bench/validate.py --quick    # 2,000 / 200 / 200 for development
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / ".work"
REPO = WORK / "repo"
VENV_BIN = ROOT / ".venv" / "bin"
GNU_TIME = Path("/usr/bin/time")
NOW_TEXT = "2026-11-23T12:00:00Z"
OPEN_INCIDENTS: int | None = None  # how many incidents are still open (default count // 500)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FIRST_DAY = datetime(2024, 1, 2, tzinfo=UTC)
SEED = 20261123

TARGETS = {
    # name: (max ratio vs check-jsonschema, max ratio vs floor, max seconds)
    "cold": (0.08, 1.0, None),
    "cold1": (0.12, 1.35, None),
    "warm": (None, None, 1.0),
    "warm1": (None, None, 1.5),
}
MEMORY_TARGET_MB = 500
STARTUP_TARGET_S = 0.2

# ----------------------------------------------------------------------------------------------
# vocabulary (no word here is a person's name and no sentence blames anyone: postmortems are
# linted for blame phrases, runbooks for commands outside fenced blocks)

FIRST_NAMES = [
    "Amara",
    "Bruno",
    "Chiara",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hiroshi",
    "Ingrid",
    "Jonas",
    "Kavya",
    "Lars",
    "Mateo",
    "Nadia",
    "Olusegun",
    "Paola",
    "Quentin",
    "Rosa",
    "Stefan",
    "Tamsin",
    "Ulrich",
    "Valentina",
    "Wojciech",
    "Ximena",
    "Yusuf",
    "Zofia",
    "Anouk",
    "Bartosz",
    "Celine",
    "Dario",
    "Esther",
    "Florin",
    "Gunnar",
    "Helga",
]
LAST_NAMES = [
    "Abara",
    "Bergstrom",
    "Castellano",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "Gallagher",
    "Haugen",
    "Ivanova",
    "Jankowski",
    "Kowalczyk",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Oyelaran",
    "Petrov",
    "Quiroga",
    "Rasmussen",
    "Sandoval",
    "Takahashi",
    "Urquhart",
    "Vasquez",
    "Wierzbicki",
    "Yamamoto",
    "Zielinski",
    "Achterberg",
    "Brennan",
    "Cavalcanti",
]
TIMEZONES = [
    "Europe/London",
    "Europe/Berlin",
    "Europe/Warsaw",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Africa/Lagos",
]
TEAMS = [
    "platform",
    "payments",
    "search",
    "identity",
    "data",
    "storefront",
    "logistics",
    "messaging",
    "mobile",
    "infrastructure",
    "growth",
    "billing",
]
SERVICE_STEMS = [
    "checkout-api",
    "payments-gateway",
    "search",
    "auth",
    "notifications",
    "inventory",
    "pricing",
    "shipping-quotes",
    "order-history",
    "cart",
    "recommendations",
    "catalogue",
    "media-cdn",
    "webhooks",
    "ledger",
    "invoicing",
    "fraud-scoring",
    "loyalty",
    "reviews",
    "gift-cards",
    "tax-engine",
    "address-lookup",
    "warehouse-sync",
    "returns",
    "subscriptions",
    "feature-flags",
    "session-store",
    "email-relay",
    "push-gateway",
    "sms-gateway",
    "image-resizer",
    "graphql-edge",
    "mobile-bff",
    "web-frontend",
    "admin-console",
    "reporting",
    "event-bus",
    "data-pipeline",
    "analytics-ingest",
    "search-indexer",
    "geo-ip",
    "currency-rates",
    "promo-engine",
    "store-locator",
    "delivery-slots",
    "partner-api",
    "sso-bridge",
    "audit-log",
    "secrets-broker",
    "rate-limiter",
    "kafka-platform",
    "postgres-platform",
    "redis-platform",
    "object-storage",
    "ci-runners",
    "dns",
    "edge-proxy",
    "service-mesh",
    "metrics-pipeline",
    "log-pipeline",
]
SCENARIOS = [
    (
        "high-error-rate",
        "high error rate",
        "HighErrorRate",
        "more than 2% of requests have returned 5xx for 5 minutes",
    ),
    (
        "latency-p99-high",
        "p99 latency high",
        "LatencyP99High",
        "p99 latency has been above the SLO threshold for 10 minutes",
    ),
    (
        "saturation-high",
        "saturation high",
        "SaturationHigh",
        "CPU or connection pool utilisation has been above 85% for 10 minutes",
    ),
    (
        "database-connection-exhaustion",
        "database connection exhaustion",
        "SaturationHigh",
        "requests wait for a database connection longer than the pool timeout",
    ),
    (
        "pod-crash-loop",
        "pods crash-looping",
        "HighErrorRate",
        "pods restart repeatedly and the deployment has fewer ready replicas than desired",
    ),
    (
        "memory-pressure",
        "memory pressure and OOM kills",
        "SaturationHigh",
        "containers are killed for exceeding their memory limit",
    ),
    (
        "dependency-timeouts",
        "upstream dependency timeouts",
        "LatencyP99High",
        "calls to an upstream dependency time out and requests fail after retries",
    ),
    (
        "queue-backlog",
        "queue backlog growing",
        "SaturationHigh",
        "the work queue grows faster than consumers drain it",
    ),
    (
        "certificate-expiry",
        "TLS certificate expiry",
        "HighErrorRate",
        "a TLS certificate expires within 7 days or has expired",
    ),
    ("disk-full", "disk almost full", "SaturationHigh", "a volume is above 90% full and filling"),
    (
        "cache-hit-rate-drop",
        "cache hit rate drop",
        "LatencyP99High",
        "the cache hit rate dropped below 70% and the database load doubled",
    ),
    (
        "replication-lag",
        "replication lag",
        "LatencyP99High",
        "read replicas lag the primary by more than 30 seconds",
    ),
    ("bad-deploy", "bad deploy", "HighErrorRate", "errors started right after a release"),
    (
        "dns-resolution-failures",
        "DNS resolution failures",
        "HighErrorRate",
        "lookups of internal names fail or time out",
    ),
    (
        "rate-limit-saturation",
        "rate limits hit",
        "HighErrorRate",
        "clients receive 429 responses above the normal baseline",
    ),
    (
        "node-not-ready",
        "nodes not ready",
        "SaturationHigh",
        "Kubernetes nodes running the service report NotReady",
    ),
    (
        "stuck-scheduled-jobs",
        "scheduled jobs stuck",
        "SaturationHigh",
        "scheduled jobs have not completed within their window",
    ),
    (
        "elevated-4xx",
        "elevated client errors",
        "HighErrorRate",
        "4xx responses doubled compared with the same hour last week",
    ),
    (
        "consumer-lag",
        "consumer lag",
        "SaturationHigh",
        "the consumer group lags the topic head by more than 100,000 messages",
    ),
    (
        "config-drift",
        "configuration drift",
        "HighErrorRate",
        "running configuration differs from the repository after a manual change",
    ),
]
ERROR_CLASSES = [
    ("PoolTimeoutError", "database connections exhausted"),
    ("UpstreamTimeout", "a dependency is slow or down"),
    ("UpstreamConnectError", "pods cannot reach a dependency (network, DNS)"),
    ("SerializationError", "a payload changed shape after a release"),
    ("RateLimitedError", "a provider quota is exhausted"),
    ("OutOfMemoryError", "the heap is too small for the current load"),
]
CAUSES = [
    (
        "a connection pool sized for half the current traffic",
        "the pool size was never revisited after the traffic doubled",
    ),
    (
        "a retry policy that retried the same slow dependency",
        "retries were added without a deadline budget",
    ),
    ("a release that changed a query plan", "the load test did not cover the large-tenant query"),
    ("an expired TLS certificate on an internal endpoint", "renewal depended on a manual step"),
    ("a configuration change applied outside the pipeline", "the drift detector only ran nightly"),
    (
        "a cache eviction storm after a node replacement",
        "the cache was not warmed before taking traffic",
    ),
    (
        "a consumer deadlock under a rare message ordering",
        "the consumer had no liveness probe for stuck partitions",
    ),
    (
        "a noisy neighbour on shared database hardware",
        "the service had no dedicated capacity reservation",
    ),
    (
        "a schema migration that locked a hot table",
        "the migration check did not flag long-running locks",
    ),
    (
        "a DNS resolver overloaded by a client without caching",
        "client-side caching was disabled by default",
    ),
]
FINDINGS = [
    "Error rate concentrated on {svc}; other services normal.",
    "Dashboards show connection pool utilisation at 100% on every {svc} pod.",
    "p99 latency for {svc} rose from 180 ms to 4.2 s within five minutes.",
    "Traces show requests waiting on the upstream call for up to 8 s.",
    "The last release of {svc} went out 25 minutes before the first alert.",
    "No recent deploys; the traffic pattern matches the weekly peak.",
    "Logs show repeated SerializationError after the schema change.",
    "Node metrics show disk at 97% on two of the three {svc} nodes.",
    "Consumer lag grows by 40,000 messages per minute on partition 7.",
    "Cache hit rate dropped from 94% to 38% after the node replacement.",
]
ACTIONS = [
    (
        "Rolled back {svc} to the previous release.",
        "Error rate back under 0.5% within four minutes.",
    ),
    ("Scaled {svc} from 12 to 24 replicas.", "Latency improved but errors stayed at 1.8%."),
    (
        "Raised the database pool size from 20 to 40 per pod.",
        "Pool waits stopped; p99 back to 210 ms.",
    ),
    ("Shifted traffic to the secondary region.", "Errors stopped within two minutes."),
    ("Restarted the stuck consumer group.", "Lag started draining at 60,000 messages per minute."),
    (
        "Disabled the feature flag for the new code path.",
        "No change; errors continued at the same rate.",
    ),
    ("Renewed and rolled out the internal certificate.", "Handshakes succeed again on every pod."),
    ("Expanded the volume from 500 GB to 1 TB.", "Disk usage at 48%; writes resumed."),
    (
        "Enabled client-side DNS caching on the affected pods.",
        "Resolver load dropped by 80%; lookups succeed.",
    ),
    (
        "Warmed the cache from the snapshot taken at 03:00.",
        "Hit rate back to 91% within ten minutes.",
    ),
]
COMMUNICATIONS = [
    "Status page incident opened ({svc} degraded).",
    "Customer support briefed with the current workaround.",
    "Posted a summary in #engineering for teams depending on {svc}.",
    "Executive summary sent to the leadership channel.",
]
NOTES = [
    "Handed the commander role over for the shift change.",
    "Monitoring for 30 minutes before resolving.",
    "Opened a follow-up ticket for the alert threshold.",
    "Confirmed with the data team that no records were lost.",
]
TITLES = [
    "{Svc} returning 5xx errors",
    "{Svc} latency above SLO",
    "{Svc} requests timing out",
    "{Svc} partially unavailable",
    "Elevated errors in {svc} after release",
    "{Svc} degraded during peak traffic",
    "{Svc} backlog delaying processing",
    "{Svc} unavailable in one region",
]

ACTION_ITEMS = [
    "Add a deadline budget to {svc} retries",
    "Alert on {svc} pool saturation at 80%",
    "Automate certificate renewal for {svc}",
    "Load test {svc} with the large-tenant query",
    "Add a drift check to the {svc} deploy pipeline",
    "Warm the {svc} cache before taking traffic",
    "Document the degraded mode in the {svc} runbook",
    "Reserve dedicated database capacity for {svc}",
]
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
CADENCE = {"SEV1": 15, "SEV2": 30, "SEV3": 60, "SEV4": 1440}
ROLES = {
    "SEV1": ("commander", "communications", "technical", "scribe"),
    "SEV2": ("commander", "communications", "technical"),
    "SEV3": ("commander", "technical"),
    "SEV4": ("commander",),
}
DUE_DAYS = {"SEV1": 2, "SEV2": 5, "SEV3": 10, "SEV4": 10}
# minutes: declared -> mitigated, mitigated -> resolved
MITIGATE = {"SEV1": (15, 120), "SEV2": (20, 180), "SEV3": (30, 360), "SEV4": (60, 2880)}
RESOLVE = {"SEV1": (20, 180), "SEV2": (20, 240), "SEV3": (30, 600), "SEV4": (60, 4320)}


def ts(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def folded(key: str, text: str, indent: str = "") -> str:
    lines = textwrap.wrap(text, 96 - len(indent))
    return f"{indent}{key}: >-\n" + "".join(f"{indent}  {line}\n" for line in lines)


# ----------------------------------------------------------------------------------------------
# the generated world


@dataclass
class Person:
    handle: str
    name: str
    github: str
    timezone: str
    team: str


@dataclass
class Service:
    name: str
    team: str
    tier: int
    alerts: list[str]
    runbooks: list[str] = field(default_factory=list)


@dataclass
class Runbook:
    path: str
    service: str
    slug: str
    scenario: tuple[str, str, str, str]


@dataclass
class Incident:
    ident: str
    year: int
    severity: str
    status: str
    services: list[str]
    times: dict[str, datetime]
    roles: dict[str, str]
    postmortem: str | None = None
    pm_status: str | None = None
    runbooks: list[str] = field(default_factory=list)
    timeline: list[dict[str, str]] = field(default_factory=list)
    title: str = ""
    cause: tuple[str, str] = ("", "")


class World:
    def __init__(self, rng: random.Random, n_runbooks: int) -> None:
        self.rng = rng
        self.people: list[Person] = []
        used: set[str] = set()
        for first in FIRST_NAMES:
            for last in rng.sample(LAST_NAMES, 4):
                handle = f"{first.lower()}-{last[0].lower()}"
                if handle in used:
                    continue
                used.add(handle)
                self.people.append(
                    Person(
                        handle,
                        f"{first} {last}",
                        f"{first.lower()}{last.lower()}",
                        rng.choice(TIMEZONES),
                        TEAMS[len(self.people) % len(TEAMS)],
                    )
                )
        self.by_team: dict[str, list[Person]] = {t: [] for t in TEAMS}
        for person in self.people:
            self.by_team[person.team].append(person)
        self.services = [
            Service(
                name,
                TEAMS[i % len(TEAMS)],
                1 + i % 3,
                [
                    f"{camel(name)}{suffix}"
                    for suffix in ("HighErrorRate", "LatencyP99High", "SaturationHigh")
                ],
            )
            for i, name in enumerate(SERVICE_STEMS)
        ]
        self.service = {s.name: s for s in self.services}
        self.runbooks: list[Runbook] = []
        for i in range(n_runbooks):
            service = self.services[i % len(self.services)]
            round_ = i // len(self.services)
            scenario = SCENARIOS[round_ % len(SCENARIOS)]
            slug = (
                scenario[0]
                if round_ < len(SCENARIOS)
                else f"{scenario[0]}-{round_ // len(SCENARIOS) + 1}"
            )
            path = f"runbooks/{service.name}/{slug}.md"
            self.runbooks.append(Runbook(path, service.name, slug, scenario))
            service.runbooks.append(path)

    def team_people(self, service: str, count: int) -> list[str]:
        """Distinct handles, mostly from the service's team."""
        pool = [p.handle for p in self.by_team[self.service[service].team]]
        others = [p.handle for p in self.people if p.handle not in pool]
        self.rng.shuffle(pool)
        chosen = pool[:count]
        while len(chosen) < count:
            pick = self.rng.choice(others)
            if pick not in chosen:
                chosen.append(pick)
        return chosen


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def gen_oncall(world: World, repo: Path) -> None:
    out = [
        "# yaml-language-server: $schema=../schemas/people.schema.json\n",
        "# Everyone who can be on call or hold an incident role (generated for the benchmark).\n",
        "people:\n",
    ]
    for p in world.people:
        out.append(
            f"  - handle: {p.handle}\n    name: {p.name}\n    github: {p.github}\n"
            f"    timezone: {p.timezone}\n    team: {p.team}\n    contact:\n"
            f'      email: {p.handle}@example.com\n      slack: "@{p.handle}"\n'
        )
    write(repo / "oncall/people.yaml", "".join(out))

    out = ["# yaml-language-server: $schema=../schemas/services.schema.json\n", "services:\n"]
    for s in world.services:
        out.append(
            f"  - name: {s.name}\n    description: {q(f'The {s.name} service, owned by {s.team}.')}\n"
            f"    team: {s.team}\n    tier: {s.tier}\n    schedule: {s.team}-primary\n"
            f"    escalation: {s.team}-standard\n"
        )
        if s.runbooks:
            out.append("    runbooks:\n" + "".join(f"      - {r}\n" for r in s.runbooks))
        out.append("    alerts:\n" + "".join(f"      - {a}\n" for a in s.alerts))
    write(repo / "oncall/services.yaml", "".join(out))

    for team in TEAMS:
        members = [p.handle for p in world.by_team[team]]
        backup = world.by_team[TEAMS[(TEAMS.index(team) + 1) % len(TEAMS)]][0].handle
        write(
            repo / f"oncall/schedules/{team}-primary.yaml",
            "# yaml-language-server: $schema=../../schemas/schedule.schema.json\n"
            f"id: {team}-primary\nname: {team.capitalize()} primary\n"
            f"description: First responder for the {team} services.\ntimezone: Europe/London\n"
            "layers:\n"
            f"  - id: weekly\n    name: Weekly 24x7\n    members: [{', '.join(members)}]\n"
            '    rotation:\n      type: weekly\n      every: 1\n      handoff: "2026-01-05T10:00"\n'
            "overrides:\n"
            '  - start: "2026-12-24T00:00:00Z"\n    end: "2026-12-27T00:00:00Z"\n'
            f"    reason: Holiday swap\n    replace: {members[0]}\n    with: {backup}\n",
        )
        write(
            repo / f"oncall/escalation/{team}-standard.yaml",
            "# yaml-language-server: $schema=../../schemas/escalation.schema.json\n"
            f"id: {team}-standard\nname: {team.capitalize()} standard\n"
            f"description: Pages the {team} on-call, then the team lead, then platform.\n"
            "steps:\n"
            f'  - after: 0m\n    notify: ["schedule:{team}-primary"]\n'
            f'  - after: 15m\n    notify: ["person:{members[0]}"]\n'
            "    when:\n      severity: [SEV1, SEV2]\n"
            f'  - after: 30m\n    notify: ["schedule:platform-primary", "person:{members[1]}"]\n'
            "repeat: 1\n",
        )


# ----------------------------------------------------------------------------------------------
# runbooks


def gen_runbook(world: World, rb: Runbook, repo: Path) -> None:
    rng = world.rng
    svc = world.service[rb.service]
    _, what, alert_suffix, meaning = rb.scenario
    alert = f"{camel(svc.name)}{alert_suffix}"
    alerts = [alert] + ([a for a in svc.alerts if a != alert][:1] if rng.random() < 0.5 else [])
    owner = rng.choice(world.by_team[svc.team]).handle
    reviewed = (NOW - timedelta(days=rng.randint(1, 80))).date()
    title = f"{svc.name} {what}"
    ns = svc.team
    siblings = [r for r in svc.runbooks if r != rb.path]
    other_services = [s for s in world.services if s.runbooks and s.name != svc.name]
    dep = rng.choice(other_services)
    dep_rb = rng.choice(dep.runbooks)
    err, err_meaning = rng.choice(ERROR_CLASSES)
    err2, err2_meaning = rng.choice([e for e in ERROR_CLASSES if e[0] != err])
    cause, _ = rng.choice(CAUSES)

    lines = [
        "---",
        "# yaml-language-server: $schema=../../schemas/runbook.schema.json",
        f"title: {q(title)}",
        f"services: [{svc.name}]",
        f"alerts: [{', '.join(alerts)}]",
        f"owner: {owner}",
        f"last_reviewed: {reviewed.isoformat()}",
        "review_every_days: 90",
        "---",
        "",
        f"# {title}",
        "",
        f"Start here when `{alert}` fires: {meaning}. The service is tier {svc.tier}, so treat a "
        f"sustained breach affecting customers as SEV{min(svc.tier + 1, 3)} or higher.",
        "",
        f"Dashboard: [{svc.name} overview](https://grafana.example.com/d/{svc.name}/{svc.name}-overview)",
        "",
        "## Symptoms",
        "",
        f"- The `{alert}` alert, often followed within minutes by customer reports.",
        f"- On the dashboard, the *errors by route* panel shows which endpoints of {svc.name} fail.",
        f"- A common cause in the past was {cause}.",
        "",
        "## Diagnostics",
        "",
        "1. Find out whether a deploy is involved. A release in the last 30 minutes is the most "
        "common cause; if there is one, go straight to [Rollback](#rollback).",
        "",
        "   ```bash",
        f"   kubectl -n {ns} rollout history deployment/{svc.name} | tail -n 3",
        "   ```",
        "",
        "2. Look at which errors the pods log, grouped by error class:",
        "",
        "   ```bash",
        f"   kubectl -n {ns} logs -l app={svc.name} --since=10m --tail=-1 \\",
        "     | jq -r 'select(.level==\"error\") | .error_class' | sort | uniq -c | sort -rn | head",
        "   ```",
        "",
        "   ```text",
        f"    {rng.randint(800, 5000):5d} {err:<24} -> {err_meaning}",
        f"    {rng.randint(50, 700):5d} {err2:<24} -> {err2_meaning}",
        "   ```",
        "",
    ]
    n = 3
    if siblings:
        sib = rng.choice(siblings)
        sib_name = sib.rsplit("/", 1)[1]
        lines += [
            f"{n}. For `{err}`, follow [the related runbook]({sib_name}#diagnostics).",
            "",
        ]
        n += 1
    lines += [
        f"{n}. If `{dep.name}` looks slow, check its [runbook](../{dep.name}/{dep_rb.rsplit('/', 1)[1]}#symptoms) "
        f"and page the {dep.team} on-call; {svc.name} only surfaces the failure.",
        "",
        f"{n + 1}. Check pod health. Restarts or `OOMKilled` point at memory pressure:",
        "",
        "   ```bash",
        f"   kubectl -n {ns} get pods -l app={svc.name} -o wide",
        f"   kubectl -n {ns} top pods -l app={svc.name} --containers",
        "   ```",
        "",
        "## Remediation",
        "",
        "- **Bad deploy**: roll back (see [Rollback](#rollback)) before debugging further. "
        "Restoring service comes first.",
        "- **Saturation**: scale out to absorb load while you investigate:",
        "",
        "  ```bash",
        f"  kubectl -n {ns} scale deployment/{svc.name} --replicas={rng.choice([12, 16, 24, 32])}",
        "  ```",
        "",
        "- **Stuck pods**: delete the failed pods; the deployment recreates them:",
        "",
        "  ```bash",
        f"  kubectl -n {ns} delete pod -l app={svc.name} --field-selector=status.phase=Failed",
        "  ```",
        "",
        "- **Dependency failing**: enable the degraded mode that serves cached answers:",
        "",
        "  ```bash",
        f"  curl -fsS -X PUT https://flags.internal.example.com/api/v1/flags/{svc.name}.degraded-mode \\",
        '    -H "Authorization: Bearer $FLAGS_TOKEN" -d \'{"enabled": true}\'',
        "  ```",
        "",
        "## Escalation",
        "",
        f"- Page the {svc.team} on-call (escalation policy `{svc.team}-standard`) if you are not on that rota.",
        "- Declare SEV1 and page the backstop if the error rate stays above 5% for 10 minutes.",
        f"- Page the {dep.team} on-call when `{dep.name}` errors dominate.",
        "- Customer support lead: post in `#support-escalations` once customers are affected.",
        "",
        "## Verification",
        "",
        "1. The alert has cleared and the error rate is under 0.5% for 15 minutes.",
        "2. A synthetic request succeeds end to end:",
        "",
        "   ```bash",
        f"   ./scripts/synthetic-check.sh --service {svc.name} --env production",
        "   ```",
        "",
        "   ```text",
        f"   {svc.name} .......... ok ({rng.randint(80, 900)} ms)",
        "   ```",
        "",
        "3. Business metrics return to within 10% of the same hour last week.",
        "",
        "## Rollback",
        "",
        "Roll back to the previous revision (shown by `rollout history` in Diagnostics):",
        "",
        "```bash",
        f"kubectl -n {ns} rollout undo deployment/{svc.name}",
        f"kubectl -n {ns} rollout status deployment/{svc.name} --timeout=5m",
        "```",
        "",
        "Undo the mitigations once the service is healthy: scale back to the autoscaler minimum "
        "and disable degraded mode.",
        "",
        "```bash",
        f"kubectl -n {ns} scale deployment/{svc.name} --replicas=6",
        f"curl -fsS -X PUT https://flags.internal.example.com/api/v1/flags/{svc.name}.degraded-mode \\",
        '  -H "Authorization: Bearer $FLAGS_TOKEN" -d \'{"enabled": false}\'',
        "```",
        "",
    ]
    write(repo / rb.path, "\n".join(lines))


# ----------------------------------------------------------------------------------------------
# incidents


def plan_incidents(world: World, count: int, n_postmortems: int) -> list[Incident]:
    rng = world.rng
    span = (NOW - timedelta(days=1) - FIRST_DAY).total_seconds()
    starts = sorted(
        FIRST_DAY + timedelta(minutes=int(rng.random() * span / 60)) for _ in range(count)
    )
    # the last few are open: declared in the hours before "now"
    n_open = OPEN_INCIDENTS or max(3, count // 500)
    for i in range(count - n_open, count):
        starts[i] = NOW - timedelta(minutes=rng.randint(30, 300))
    starts.sort()
    per_year: dict[int, int] = {}
    incidents: list[Incident] = []
    for index, declared in enumerate(starts):
        roll = rng.random()
        severity = (
            "SEV1" if roll < 0.025 else "SEV2" if roll < 0.085 else "SEV3" if roll < 0.5 else "SEV4"
        )
        age = NOW - declared
        if index >= count - n_open:
            status = rng.choice(["investigating", "identified", "mitigated"])
        elif age < timedelta(days=30):
            status = rng.choices(["resolved", "closed", "cancelled"], [60, 35, 5])[0]
        else:
            status = rng.choices(["closed", "resolved", "cancelled"], [88, 7, 5])[0]
        year = declared.year
        per_year[year] = per_year.get(year, 0) + 1
        ident = f"INC-{year}-{per_year[year]:04d}"
        service = rng.choice(world.services)
        services = [service.name]
        if rng.random() < 0.3:
            services.append(rng.choice([s.name for s in world.services if s.name != service.name]))
        detected = declared - timedelta(minutes=rng.randint(2, 15))
        started = detected - timedelta(minutes=rng.randint(1, 25))
        times = {
            "started_at": started,
            "detected_at": detected,
            "declared_at": declared,
            "acknowledged_at": detected + timedelta(minutes=rng.randint(1, 10)),
        }
        first_ready = max(declared, times["acknowledged_at"])
        if status == "cancelled":
            times["cancelled_at"] = first_ready + timedelta(
                minutes=rng.randint(5, min(CADENCE[severity] - 1, 120))
            )
        elif status in ("investigating", "identified"):
            pass
        else:
            lo, hi = MITIGATE[severity]
            mitigated = first_ready + timedelta(minutes=rng.randint(lo, hi))
            if status == "mitigated":
                mitigated = min(mitigated, NOW - timedelta(minutes=5))
                mitigated = max(mitigated, first_ready + timedelta(minutes=1))
            times["mitigated_at"] = mitigated
            if status in ("resolved", "closed"):
                lo, hi = RESOLVE[severity]
                times["resolved_at"] = mitigated + timedelta(minutes=rng.randint(lo, hi))
            if status == "closed":
                times["closed_at"] = times["resolved_at"] + timedelta(
                    days=rng.randint(2, 12), hours=rng.randint(0, 8)
                )
        roles_needed = ROLES[severity]
        people = world.team_people(service.name, len(roles_needed))
        roles = dict(zip(roles_needed, people, strict=True))
        incident = Incident(ident, year, severity, status, services, times, roles)
        incident.title = rng.choice(TITLES).format(svc=service.name, Svc=service.name)
        incident.cause = rng.choice(CAUSES)
        incident.runbooks = rng.sample(
            service.runbooks, min(len(service.runbooks), rng.randint(1, 2))
        )
        incidents.append(incident)

    # postmortems: every resolved or closed SEV1/SEV2, then SEV3 ones up to the target
    done = [i for i in incidents if i.status in ("resolved", "closed")]
    required = [i for i in done if i.severity in ("SEV1", "SEV2")]
    optional = [i for i in done if i.severity == "SEV3"]
    rng.shuffle(optional)
    chosen = required + optional[: max(0, n_postmortems - len(required))]
    if len(chosen) > n_postmortems:
        raise SystemExit(f"{len(required)} incidents need a postmortem, more than {n_postmortems}")
    for incident in chosen:
        incident.postmortem = f"postmortems/{incident.year}/{incident.ident}.md"
        if incident.status == "closed":
            incident.pm_status = (
                "final"
                if incident.severity in ("SEV1", "SEV2")
                else rng.choice(["final", "in-review"])
            )
        elif incident.times["resolved_at"] < NOW - timedelta(days=2):
            # resolved before the shortest postmortem deadline (2 days): its postmortem is
            # final (else validate rightly reports it overdue, rule postmortem-overdue)
            incident.pm_status = "final"
        else:
            incident.pm_status = rng.choice(["draft", "in-review"])
    # closed SEV1/SEV2 without a postmortem are impossible by construction (all are chosen)
    return incidents


def between(rng: random.Random, lo: datetime, hi: datetime) -> datetime:
    seconds = max(0, int((hi - lo).total_seconds() // 60))
    return lo + timedelta(minutes=rng.randint(0, seconds)) if seconds else lo


def gen_incident(world: World, inc: Incident, repo: Path) -> None:
    rng = world.rng
    t = inc.times
    svc = inc.services[0]
    fmt = {"svc": svc}
    commander = inc.roles["commander"]
    responders = list(inc.roles.values())
    end_work = (
        t.get("resolved_at")
        or t.get("cancelled_at")
        or min(NOW, t["declared_at"] + timedelta(hours=3))
    )
    identified = None
    if inc.status not in {"cancelled", "investigating"}:
        upto = t.get("mitigated_at") or NOW
        identified = between(rng, max(t["declared_at"], t["acknowledged_at"]), upto)

    # timeline
    events: list[tuple[datetime, dict[str, str]]] = [
        (t["detected_at"], {"kind": "alert", "text": f"{world.service[svc].alerts[0]} fired."}),
        (
            t["declared_at"],
            {
                "kind": "declared",
                "actor": commander,
                "text": f"Declared {inc.severity}: {inc.title}.",
            },
        ),
        (
            max(t["declared_at"], t["acknowledged_at"]),
            {
                "kind": "role",
                "actor": commander,
                "text": "Roles: " + ", ".join(f"{h} {r}" for r, h in inc.roles.items()) + ".",
            },
        ),
    ]
    if identified is not None:
        events.append(
            (
                identified,
                {
                    "kind": "status",
                    "actor": commander,
                    "text": "Status investigating -> identified.",
                },
            )
        )
    if "mitigated_at" in t:
        events.append(
            (
                t["mitigated_at"],
                {"kind": "status", "actor": commander, "text": "Status identified -> mitigated."},
            )
        )
    if "resolved_at" in t:
        events.append(
            (
                t["resolved_at"],
                {"kind": "status", "actor": commander, "text": "Status mitigated -> resolved."},
            )
        )
    if "closed_at" in t:
        events.append(
            (
                t["closed_at"],
                {"kind": "status", "actor": commander, "text": "Status resolved -> closed."},
            )
        )
    if "cancelled_at" in t:
        events.append(
            (
                t["cancelled_at"],
                {
                    "kind": "status",
                    "actor": commander,
                    "text": "Cancelled: false alarm, the alert threshold was too tight.",
                },
            )
        )
    target = rng.randint(8, 20)
    lo = t["declared_at"]
    hi = t.get("mitigated_at") or end_work
    while len(events) < target:
        kind = rng.choices(["finding", "action", "communication", "note"], [3, 3, 2, 1])[0]
        moment = between(rng, lo, hi)
        actor = rng.choice(responders)
        if kind == "finding":
            event = {"kind": kind, "actor": actor, "text": rng.choice(FINDINGS).format(**fmt)}
        elif kind == "action":
            text, result = rng.choice(ACTIONS)
            event = {"kind": kind, "actor": actor, "text": text.format(**fmt), "result": result}
        elif kind == "communication":
            event = {
                "kind": kind,
                "actor": inc.roles.get("communications", actor),
                "text": rng.choice(COMMUNICATIONS).format(**fmt),
            }
        else:
            event = {"kind": kind, "actor": actor, "text": rng.choice(NOTES)}
        events.append((moment, event))
    events.sort(key=lambda item: item[0])

    # updates at the severity's cadence until resolved (or cancelled, or "now")
    cadence = CADENCE[inc.severity]
    comms = inc.roles.get("communications", commander)
    end = t.get("resolved_at") or t.get("cancelled_at") or NOW
    updates: list[tuple[datetime, str, str]] = []
    at = t["declared_at"]
    marks = [("identified", identified), ("mitigated", t.get("mitigated_at"))]

    def status_at(moment: datetime) -> str:
        current = "investigating"
        for name, when in marks:
            if when is not None and moment >= when:
                current = name
        return current

    while (end - at).total_seconds() > cadence * 60:
        step = max(1, int(cadence * rng.uniform(0.5, 0.95)))
        at = at + timedelta(minutes=step)
        if at >= end:
            break
        updates.append(
            (at, status_at(at), rng.choice(["internal", "internal", "customer", "executive"]))
        )
    if "resolved_at" in t:
        updates.append((t["resolved_at"], "resolved", "internal"))
    elif "cancelled_at" in t:
        updates.append((t["cancelled_at"], "cancelled", "internal"))

    impact_users = (
        rng.randint(10, 200_000) if inc.severity in ("SEV1", "SEV2") else rng.randint(0, 5_000)
    )
    revenue = rng.randint(0, 250_000) if inc.severity in ("SEV1", "SEV2") else rng.randint(0, 5_000)
    year = inc.year
    lines = [
        "# yaml-language-server: $schema=../../schemas/incident.schema.json\n",
        f"id: {inc.ident}\n",
        f"title: {q(inc.title)}\n",
        f"severity: {inc.severity}\n",
        f"status: {inc.status}\n",
        f"services: [{', '.join(inc.services)}]\n",
        folded(
            "summary",
            f"{inc.title}. The current understanding is that {inc.cause[0]} led to failed or slow "
            f"requests in {svc}; {inc.cause[1]}. Responders followed the runbook and restored "
            "service; details are on the timeline.",
        ),
    ]
    for key in (
        "started_at",
        "detected_at",
        "declared_at",
        "acknowledged_at",
        "mitigated_at",
        "resolved_at",
        "closed_at",
        "cancelled_at",
    ):
        if key in t:
            lines.append(f'{key}: "{ts(t[key])}"\n')
    lines.append(f"declared_by: {commander}\n")
    lines.append("roles:\n" + "".join(f"  {r}: {h}\n" for r, h in inc.roles.items()))
    lines.append(
        "impact:\n"
        f"  users_affected: {impact_users}\n"
        f"  customer_facing: {'true' if impact_users > 0 else 'false'}\n"
        f"  revenue_usd: {revenue}\n"
        + folded(
            "description",
            f"About {impact_users:,} users saw errors or slow responses from {svc}.",
            "  ",
        )
    )
    lines.append(
        f"detection: {rng.choice(['alert', 'alert', 'alert', 'customer', 'engineer', 'automated-test'])}\n"
    )
    lines.append(f"alerts: [{world.service[svc].alerts[0]}]\n")
    lines.append("runbooks:\n" + "".join(f"  - {r}\n" for r in inc.runbooks))
    lines.append(
        "links:\n"
        f"  issue: {rng.randint(1, 90000)}\n"
        f'  channel: "#{inc.ident.lower()}"\n'
        "  dashboards:\n"
        f"    - https://grafana.example.com/d/{svc}/{svc}-overview\n"
    )
    lines.append("timeline:\n")
    for moment, event in events:
        if "result" in event:
            lines.append(
                f'  - at: "{ts(moment)}"\n    kind: action\n    actor: {event["actor"]}\n'
                f"    text: {q(event['text'])}\n    result: {q(event['result'])}\n"
            )
        else:
            actor = f", actor: {event['actor']}" if "actor" in event else ""
            lines.append(
                f'  - {{at: "{ts(moment)}", kind: {event["kind"]}{actor}, text: {q(event["text"])}}}\n'
            )
    if updates:
        lines.append("updates:\n")
        for moment, status, audience in updates:
            text = (
                f"{inc.severity} {svc}: {status}. "
                + (
                    "Impact continues; "
                    if status in ("investigating", "identified")
                    else "Impact has stopped; "
                )
                + f"next update by {ts(moment + timedelta(minutes=cadence))}."
            )
            lines.append(
                f'  - {{at: "{ts(moment)}", audience: {audience}, status: {status}, author: {comms}, text: {q(text)}}}\n'
            )
    if inc.postmortem:
        lines.append(f"postmortem: {inc.postmortem}\n")
    inc.timeline = [dict(e, at=ts(m)) for m, e in events]
    write(repo / f"incidents/{year}/{inc.ident}.yaml", "".join(lines))


# ----------------------------------------------------------------------------------------------
# postmortems


def gen_postmortem(world: World, inc: Incident, repo: Path) -> None:
    rng = world.rng
    assert inc.postmortem and inc.pm_status
    t = inc.times
    svc = inc.services[0]
    resolved = t["resolved_at"].date()
    due = resolved + timedelta(days=DUE_DAYS[inc.severity])
    authors = sorted({inc.roles["commander"], inc.roles.get("technical", inc.roles["commander"])})
    items = []
    titles = rng.sample(ACTION_ITEMS, rng.randint(2, 6))
    for n, title in enumerate(titles, start=1):
        status = (
            rng.choice(["done", "done", "in-progress", "open", "wont-do"])
            if inc.pm_status == "final"
            else rng.choice(["open", "in-progress"])
        )
        items.append(
            {
                "id": f"AI-{n}",
                "title": title.format(svc=svc),
                "owner": rng.choice([p.handle for p in world.by_team[world.service[svc].team]]),
                "due": (resolved + timedelta(days=rng.randint(7, 90))).isoformat(),
                "priority": rng.choice(["P0", "P1", "P1", "P2", "P2", "P3"]),
                "status": status,
                "issue": rng.randint(1, 90000),
            }
        )
    fm = [
        "---",
        "# yaml-language-server: $schema=../../schemas/postmortem.schema.json",
        f"incident: {inc.ident}",
        f"title: {q('Postmortem: ' + inc.title)}",
        f"status: {inc.pm_status}",
        f"authors: [{', '.join(authors)}]",
        f"due: {due.isoformat()}",
    ]
    if inc.pm_status == "final":
        fm.append(f"reviewed_at: {(due - timedelta(days=1)).isoformat()}")
    fm.append("action_items:")
    for item in items:
        fm += [
            f"  - id: {item['id']}",
            f"    title: {q(item['title'])}",
            f"    owner: {item['owner']}",
            f"    due: {item['due']}",
            f"    priority: {item['priority']}",
            f"    status: {item['status']}",
            f"    issue: {item['issue']}",
        ]
    fm.append("---")
    duration = int((t["resolved_at"] - t["started_at"]).total_seconds() // 60)
    detect = int((t["detected_at"] - t["started_at"]).total_seconds() // 60)
    cause, deeper = inc.cause
    runbook = inc.runbooks[0]
    body = [
        "",
        f"# Postmortem: {inc.title}",
        "",
        f"Incident: [{inc.ident}](../../incidents/{inc.year}/{inc.ident}.yaml) ({inc.severity}, "
        f"{duration} minutes from start to resolution).",
        "",
        "## Summary",
        "",
        f"Between {ts(t['started_at'])} and {ts(t['resolved_at'])}, {svc} returned errors or slow "
        f"responses. The trigger was {cause}. Service was restored by following the "
        f"[runbook](../../{runbook}#remediation) and the follow-ups below address why it was possible.",
        "",
        "## Impact",
        "",
        f"- Customers of {svc} saw errors or timeouts for {duration} minutes.",
        f"- The problem began {detect} minutes before the first alert.",
        "- No data was lost; delayed work was processed after mitigation.",
        "",
        "## Timeline",
        "",
        "All times UTC.",
        "",
    ]
    for event in inc.timeline:
        body.append(f"- {event['at'][11:16]} ({event['at'][:10]}) {event['kind']}: {event['text']}")
    body += [
        "",
        "## Root cause",
        "",
        f"The immediate cause was {cause}. Five whys:",
        "",
        f"1. Why did {svc} fail requests? Because requests waited on a resource that was exhausted.",
        f"2. Why was the resource exhausted? Because of {cause}.",
        "3. Why was that not caught before production? Because the checks in the pipeline did not cover this case.",
        f"4. Why did the checks not cover it? Because {deeper}.",
        "5. Why was that gap not known? Because no earlier incident or review had exercised this path.",
        "",
        "## Contributing factors",
        "",
        "- Alert thresholds were tuned for average load, not peaks.",
        f"- The [runbook](../../{runbook}#diagnostics) did not yet mention this failure mode.",
        "- Dashboards lacked a panel for the saturated resource.",
        "",
        "## What went well",
        "",
        "- The alert fired and the on-call responded within the target time.",
        "- Roles were assigned early and updates went out at the expected cadence.",
        "",
        "## What could be improved",
        "",
        "- Detection took longer than it should; the first signal was visible earlier.",
        "- The mitigation needed a manual step that could be automated.",
        "",
        "## Action items",
        "",
        "| ID | Action | Owner | Due | Priority | Status |",
        "|----|--------|-------|-----|----------|--------|",
    ]
    for item in items:
        body.append(
            f"| {item['id']} | {item['title']} | @{item['owner']} | {item['due']} | {item['priority']} | {item['status']} |"
        )
    body += [
        "",
        "## Lessons learned",
        "",
        f"Capacity limits of {svc} need the same review as its code. Alerts on saturation give "
        "responders minutes that alerts on errors do not.",
        "",
    ]
    write(repo / inc.postmortem, "\n".join(fm + body))


# ----------------------------------------------------------------------------------------------


def generate(
    repo: Path, n_incidents: int, n_runbooks: int, n_postmortems: int, seed: int
) -> dict[str, int]:
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    shutil.copy(ROOT / "incidentops.yaml", repo / "incidentops.yaml")
    rng = random.Random(seed)
    world = World(rng, n_runbooks)
    gen_oncall(world, repo)
    for rb in world.runbooks:
        gen_runbook(world, rb, repo)
    incidents = plan_incidents(world, n_incidents, n_postmortems)
    for inc in incidents:
        gen_incident(world, inc, repo)
    pms = [i for i in incidents if i.postmortem]
    for inc in pms:
        gen_postmortem(world, inc, repo)
    statuses: dict[str, int] = {}
    for inc in incidents:
        statuses[inc.status] = statuses.get(inc.status, 0) + 1
    return {
        "incidents": len(incidents),
        "runbooks": len(world.runbooks),
        "postmortems": len(pms),
        "people": len(world.people),
        "services": len(world.services),
        **{f"status {k}": v for k, v in sorted(statuses.items())},
    }


# ----------------------------------------------------------------------------------------------
# measuring


@dataclass
class Run:
    seconds: float
    maxrss_mb: float  # largest single process in the tree (ru_maxrss via wait4)
    tree_mb: (
        float  # peak of the summed RSS of the process tree (sampled; counts shared pages twice)
    )
    returncode: int
    stdout: str
    stderr: str


def _tree_rss(root_pid: int) -> int:
    parents: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry.name)
        parents.setdefault(int(stat[1]), []).append(pid)
        rss[pid] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(parents.get(pid, ()))
    return total


def measure(
    argv: list[str], cwd: Path, env: dict[str, str] | None = None, sample: bool = True
) -> Run:
    stdout_path, stderr_path = WORK / "stdout.txt", WORK / "stderr.txt"
    rss_path = WORK / "maxrss.txt"
    rss_path.unlink(missing_ok=True)
    if GNU_TIME.exists():
        # ru_maxrss straight from wait4 would include this (large) benchmark process: Linux
        # carries the pre-exec high-water mark of a forked child over into the exec'd program.
        # GNU time is a small process, so its child's maximum is the command's own.
        argv = [str(GNU_TIME), "-f", "%M", "-o", str(rss_path), *argv]
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=err)
        peak = [0]
        stop = threading.Event()

        def sampler() -> None:
            while not stop.wait(0.1):
                peak[0] = max(peak[0], _tree_rss(proc.pid))

        thread = threading.Thread(target=sampler, daemon=True)
        if sample:
            thread.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        stop.set()
        if sample:
            thread.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss_kb = usage.ru_maxrss
    if rss_path.exists():
        maxrss_kb = int(rss_path.read_text().split()[-1])
    return Run(
        seconds,
        maxrss_kb / 1024,
        max(peak[0] / 2**20, maxrss_kb / 1024),
        proc.returncode,
        stdout_path.read_text(errors="replace"),
        stderr_path.read_text(errors="replace"),
    )


FLOOR_SCRIPT = r"""
import sys, yaml
n = 0
for path in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if not path:
        continue
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".md"):
        text = text.split("\n---\n", 1)[0][4:]  # the front matter between the --- lines
    yaml.load(text, Loader=yaml.CSafeLoader)
    n += 1
print(n, "documents")
"""


def yaml_files(repo: Path) -> list[str]:
    files = ["incidentops.yaml"]
    for top, suffix in (
        ("oncall", ".yaml"),
        ("incidents", ".yaml"),
        ("runbooks", ".md"),
        ("postmortems", ".md"),
    ):
        files += sorted(p.relative_to(repo).as_posix() for p in (repo / top).rglob(f"*{suffix}"))
    return files


def median(runs: list[Run]) -> Run:
    """The run with the median time (peak memory: the largest of the runs)."""
    ordered = sorted(runs, key=lambda r: r.seconds)
    middle = ordered[(len(ordered) - 1) // 2]
    middle.maxrss_mb = max(r.maxrss_mb for r in runs)
    middle.tree_mb = max(r.tree_mb for r in runs)
    return middle


def summary_line(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="2,000 incidents / 200 runbooks / 200 postmortems"
    )
    parser.add_argument("--incidents", type=int, help="override the number of incidents")
    parser.add_argument("--runbooks", type=int, help="override the number of runbooks")
    parser.add_argument("--postmortems", type=int, help="override the number of postmortems")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per validate/floor measurement; the median is reported (default 3)",
    )
    parser.add_argument(
        "--skip-check-jsonschema",
        action="store_true",
        help="do not run check-jsonschema (ratios against it are not printed)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile a cold --jobs 1 run with cProfile; top functions go to bench/.work/profile.txt",
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="generate the repository and stop"
    )
    args = parser.parse_args()

    n_inc, n_rb, n_pm = (2000, 200, 200) if args.quick else (10_000, 1000, 1000)
    n_inc = args.incidents or n_inc
    n_rb = args.runbooks or n_rb
    n_pm = args.postmortems if args.postmortems is not None else n_pm

    exe = VENV_BIN / "incidentops"
    python = VENV_BIN / "python"
    if not exe.exists():
        print(f"{exe} not found: create the virtualenv first (make install)", file=sys.stderr)
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "CI")}
    env.update({"INCIDENTOPS_NOW": NOW_TEXT, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    cpus = os.cpu_count() or 1

    started = time.perf_counter()
    counts = generate(REPO, n_inc, n_rb, n_pm, args.seed)
    files = yaml_files(REPO)
    size = sum((REPO / f).stat().st_size for f in files)
    print(
        f"generated {REPO.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        + f"; {len(files):,} files, {size / 2**20:.1f} MiB"
    )
    if args.generate_only:
        return 0

    validate = [str(exe), "validate", "--format", "text"]
    cache_dir = REPO / ".incidentops-cache"
    results: dict[str, Run] = {}

    # 1. cold, default workers; also the check that the generated repository is clean
    cold = []
    for _ in range(args.repeat):
        shutil.rmtree(cache_dir, ignore_errors=True)
        cold.append(measure(validate, REPO, env))
    run = results["cold"] = median(cold)
    print(f"validate (cold, {cpus} workers): {summary_line(run.stdout)}  [exit {run.returncode}]")
    if run.returncode != 0 or not summary_line(run.stdout).endswith("no problems"):
        findings = run.stdout.strip().splitlines()
        print("\n".join(findings[:60]) + ("\n..." if len(findings) > 60 else ""))
        print(run.stderr[-3000:], file=sys.stderr)
        print(
            "the generated repository does not validate cleanly; fix the generator (or the tool)",
            file=sys.stderr,
        )
        return 1

    # 2. warm, nothing changed (median of 3)
    results["warm"] = median([measure(validate, REPO, env) for _ in range(args.repeat)])
    print(f"validate (warm, nothing changed): {summary_line(results['warm'].stdout)}")

    # 3. warm, one file changed (median of 3; a different edit each time)
    victim = REPO / sorted(f for f in files if f.startswith("incidents/"))[len(files) // 3]
    original = victim.read_text(encoding="utf-8")
    warm1 = []
    for n in range(args.repeat):
        victim.write_text(
            re.sub(
                r"^title: \"(.*)\"$", rf'title: "\1 (edit {n + 1})"', original, count=1, flags=re.M
            ),
            encoding="utf-8",
        )
        warm1.append(measure(validate, REPO, env))
    results["warm1"] = median(warm1)
    print(
        f"validate (warm, one file changed): {summary_line(results['warm1'].stdout)}  [{victim.relative_to(REPO)}]"
    )
    victim.write_text(original, encoding="utf-8")

    # 4. cold, --jobs 1
    cold1 = []
    for _ in range(args.repeat):
        shutil.rmtree(cache_dir, ignore_errors=True)
        cold1.append(measure([*validate, "--jobs", "1"], REPO, env))
    results["cold1"] = median(cold1)
    print(f"validate (cold, --jobs 1): {summary_line(results['cold1'].stdout)}")

    # 5. check-jsonschema over the incident files
    incidents = [f for f in files if f.startswith("incidents/")]
    if not args.skip_check_jsonschema:
        run = measure(
            [
                str(VENV_BIN / "check-jsonschema"),
                "--schemafile",
                "schemas/incident.schema.json",
                *incidents,
            ],
            REPO,
            env,
        )
        results["cjs"] = run
        print(
            f"check-jsonschema ({len(incidents):,} incidents): {summary_line(run.stdout)}  [exit {run.returncode}]"
        )

    # 6. the floor: one process, PyYAML C loader, every YAML document validate parses
    list_file = WORK / "yaml-files.txt"
    list_file.write_text("\n".join(files), encoding="utf-8")
    results["floor"] = median(
        [
            measure([str(python), "-c", FLOOR_SCRIPT, str(list_file)], REPO, env)
            for _ in range(args.repeat)
        ]
    )
    print(f"floor (yaml.CSafeLoader, 1 process): {results['floor'].stdout.strip()}")

    # 7. startup
    startup = [measure([str(exe), "--version"], REPO, env, sample=False) for _ in range(10)]
    results["startup"] = sorted(startup, key=lambda r: r.seconds)[len(startup) // 2]
    startup_median = statistics.median(r.seconds for r in startup)

    profile_text = ""
    if args.profile:
        shutil.rmtree(cache_dir, ignore_errors=True)
        prof = WORK / "validate.prof"
        run = measure(
            [
                str(python),
                "-m",
                "cProfile",
                "-o",
                str(prof),
                "-m",
                "incidentops",
                *validate[1:],
                "--jobs",
                "1",
                "--no-cache",
            ],
            REPO,
            env,
            sample=False,
        )
        if not prof.exists():
            print(run.stderr[-2000:], file=sys.stderr)
        stats_code = (
            "import pstats,sys; p=pstats.Stats(sys.argv[1]); p.sort_stats('cumulative').print_stats(40);"
            "p.sort_stats('tottime').print_stats(25)"
        )
        out = subprocess.run(
            [str(python), "-c", stats_code, str(prof)], capture_output=True, text=True, check=False
        )
        profile_text = out.stdout
        (WORK / "profile.txt").write_text(profile_text, encoding="utf-8")
        print(
            f"profile (cold, --jobs 1, under cProfile {run.seconds:.1f} s): {WORK.relative_to(ROOT)}/profile.txt"
        )

    # report
    cjs = results.get("cjs")
    floor = results["floor"]
    print()
    print(
        f"{'measurement':<34}{'time':>9}   {'vs check-jsonschema':<24}{'vs floor':<22}{'peak RSS (tree)':<20}verdict"
    )
    rows = [
        ("cold", f"validate cold ({cpus} workers)"),
        ("cold1", "validate cold (--jobs 1)"),
        ("warm", "validate warm (nothing changed)"),
        ("warm1", "validate warm (one file changed)"),
    ]
    failed: list[str] = []
    for key, label in rows:
        run = results[key]
        max_cjs, max_floor, max_seconds = TARGETS[key]
        ok = True
        col_cjs = col_floor = ""
        if max_cjs is not None:
            if cjs is not None:
                ratio = run.seconds / cjs.seconds
                ok &= ratio <= max_cjs
                col_cjs = f"{ratio:.3f}x (<= {max_cjs}x)"
            else:
                col_cjs = f"n/a (<= {max_cjs}x)"
        if max_floor is not None:
            ratio = run.seconds / floor.seconds
            ok &= ratio <= max_floor
            col_floor = f"{ratio:.2f}x (<= {max_floor}x)"
        if max_seconds is not None:
            ok &= run.seconds <= max_seconds
            col_cjs = f"(target <= {max_seconds} s)"
        ok &= run.tree_mb < MEMORY_TARGET_MB
        failed += [] if ok else [label]
        print(
            f"{label:<34}{run.seconds:7.2f} s   {col_cjs:<24}{col_floor:<22}"
            f"{run.maxrss_mb:4.0f} MB ({run.tree_mb:4.0f} MB)   {'ok' if ok else 'MISSED'}"
        )
    if cjs is not None:
        print(
            f"{'check-jsonschema (incidents only)':<34}{cjs.seconds:7.2f} s   {'':<24}{'':<22}{cjs.maxrss_mb:4.0f} MB ({cjs.tree_mb:4.0f} MB)"
        )
    print(
        f"{'floor (CSafeLoader, 1 process)':<34}{floor.seconds:7.2f} s   {'':<24}{'':<22}{floor.maxrss_mb:4.0f} MB"
    )
    ok = startup_median < STARTUP_TARGET_S
    failed += [] if ok else ["startup"]
    print(
        f"{'startup (--version, median of 10)':<34}{startup_median:7.3f} s   {f'(target < {STARTUP_TARGET_S} s)':<24}{'':<22}{results['startup'].maxrss_mb:4.0f} MB{'':<10}{'ok' if ok else 'MISSED'}"
    )
    print(
        f"\npeak RSS: largest single process (ru_maxrss, via /usr/bin/time when present); in parentheses the sampled peak of the "
        f"summed RSS of the process tree (target < {MEMORY_TARGET_MB} MB, judged on the sum)."
    )
    print(
        f"{n_inc:,} incidents, {n_rb:,} runbooks, {n_pm:,} postmortems; {cpus} cores; INCIDENTOPS_NOW={NOW_TEXT}"
    )
    print("targets missed: " + (", ".join(failed) if failed else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
