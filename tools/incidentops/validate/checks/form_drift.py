"""The "Declare incident" issue form offers exactly the services and severities there are.

The form's Service dropdown must list every service in ``oncall/services.yaml`` (sorted) and
its Severity dropdown "Decide from impact" then each configured level, or people cannot
declare an incident for a new service, or pick one that no longer exists.
``incidentops forms sync`` rewrites both lists, keeping the form's comments.

Passing: the form's Service options are ``auth, checkout-api, search`` and those are the
services.

Failing (``billing`` was added to ``oncall/services.yaml`` and the form not synced)::

    .github/ISSUE_TEMPLATE/declare-incident.yml:24:9: form-drift: the Service dropdown is
    out of step with oncall/services.yaml: missing billing; run `incidentops forms sync`
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from incidentops.validate.repository import RepoHit, Repository
from incidentops.validate.rules import Rule, documented

RULE = next(
    documented(
        sys.modules[__name__],
        Rule(
            "form-drift",
            "error",
            "the issue form's dropdowns differ from the services or severities",
            ("services", "config"),
        ),
    )
)


def check(repo: Repository) -> Iterator[RepoHit]:
    from incidentops.incident.issue_form import FormError, drift, load

    path = repo.config.github.form
    if "services" in repo.unloaded or not repo.exists(path):
        return
    if not any(True for _ in repo.of_kind("services")):
        return
    try:
        form = load(repo.root, repo.config)
    except FormError as exc:
        yield (
            path,
            1,
            1,
            f"the issue form cannot be read: {str(exc).removeprefix(path + ':').strip()}",
        )
        return
    services = sorted(repo.defined.get("service", {}))
    for ident, what in drift(form, repo.config, services):
        field = form.field(ident)
        label = field.label if field else ident
        source = "oncall/services.yaml" if ident == "service" else "the configured severities"
        yield (
            path,
            form.lines.get(ident, 1),
            1,
            f"the {label} dropdown is out of step with {source}: {what}; "
            "run `incidentops forms sync`",
        )
