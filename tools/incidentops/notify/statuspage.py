"""Atlassian Statuspage (REST API v1): customer updates only.

The first customer update creates one Statuspage incident (its ID kept in the deliveries
file; ``metadata.incidentops.id`` names ours, so a creation whose record was lost is found
among the unresolved incidents instead of made twice); later ones update it, with the status
mapped and the affected components (services.yaml ``notify.statuspage_components``) set from
the severity; resolve and cancel resolve it and set the components operational. Internal and
executive text never goes here. Statuspage allows about one request per second per key, so
calls are paced (``requests_per_second``, default 1).
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import quote

from incidentops.notify import message
from incidentops.notify.send import Context, request
from incidentops.notify.targets import Target

STATUS = {
    "investigating": "investigating",
    "identified": "identified",
    "mitigated": "monitoring",
    "resolved": "resolved",
    "closed": "resolved",
    "cancelled": "resolved",
}
COMPONENT_STATUS = {"SEV1": "major_outage", "SEV2": "partial_outage"}
_PACE = threading.Lock()
_LAST: dict[str, float] = {}


class Statuspage:
    def __init__(self, target: Target, ctx: Context) -> None:
        self.target, self.ctx = target, ctx
        base = str(target.get("api_url", "https://api.statuspage.io/v1")).rstrip("/")
        self.base = f"{base}/pages/{quote(str(target.get('page_id')), safe='')}"

    def _call(self, method: str, path: str, document: Any = None) -> Any:
        key = self.ctx.secret(self.target, self.target.get("token_env"), "API key")
        self._pace(key)
        body = json.dumps(document).encode() if document is not None else None
        headers = {"Authorization": f"OAuth {key}", "Content-Type": "application/json"}
        _, answer = request(
            self.target, method, self.base + path, body, headers, idempotent=method == "GET"
        )
        return answer

    def _pace(self, key: str) -> None:
        interval = 1.0 / float(self.target.get("requests_per_second", 1))
        with _PACE:
            wait = _LAST.get(key, 0.0) + interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            _LAST[key] = time.monotonic()

    def components(self, incident: dict[str, Any], resolved: bool) -> dict[str, str]:
        mapping = {**COMPONENT_STATUS, **(self.target.get("component_status") or {})}
        state = (
            "operational"
            if resolved
            else mapping.get(str(incident.get("severity")), "degraded_performance")
        )
        ids = [
            str(c)
            for name in incident.get("services") or ()
            for c in ((self.ctx.services.get(str(name)) or {}).get("notify") or {}).get(
                "statuspage_components", ()
            )
        ]
        return {c: state for c in dict.fromkeys(ids)}

    def document(self, incident: dict[str, Any], event: dict[str, Any]) -> dict[str, Any] | None:
        kind = event.get("kind")
        resolved = kind in ("resolved", "cancelled")
        body = message.update_of(incident, event).get("text") if kind == "update" else None
        if resolved:
            body = (
                "This incident has been resolved."
                if kind == "resolved"
                else "This incident has been closed."
            )
        if body is None:
            return None
        status = (
            "resolved"
            if resolved
            else STATUS.get(
                str(message.update_of(incident, event).get("status") or incident.get("status")),
                "investigating",
            )
        )
        components = self.components(incident, resolved)
        document: dict[str, Any] = {"status": status, "body": str(body)}
        if components:
            document["components"] = components
            document["component_ids"] = list(components)
        return {"incident": document}

    def preview(
        self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]
    ) -> dict[str, Any]:
        document = self.document(incident, event)
        if document is None or (event.get("kind") != "update" and not remote.get("incident")):
            return {"request": "(nothing to send: no customer update was posted)"}
        verb = (
            f"PATCH incidents/{remote['incident']}" if remote.get("incident") else "POST incidents"
        )
        return {"request": verb, **document}

    def send(self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]) -> None:
        document = self.document(incident, event)
        if document is None:
            return
        ours = remote.get("incident") or self._find(str(incident.get("id")))
        if ours is None:
            if event.get("kind") != "update":
                return  # never shown to customers: nothing to resolve
            document["incident"]["name"] = str(incident.get("title"))
            document["incident"]["metadata"] = {"incidentops": {"id": str(incident.get("id"))}}
            created = self._call("POST", "/incidents", document)
            remote["incident"] = str(created["id"])
            return
        remote["incident"] = ours
        current = self._call("GET", f"/incidents/{quote(ours, safe='')}")
        latest = (current.get("incident_updates") or [{}])[0] if isinstance(current, dict) else {}
        if (
            latest.get("body") == document["incident"]["body"]
            and latest.get("status") == document["incident"]["status"]
        ):
            return  # made by a run whose record was lost
        self._call("PATCH", f"/incidents/{quote(ours, safe='')}", document)

    def _find(self, ident: str) -> str | None:
        found = self._call("GET", "/incidents/unresolved")
        for item in found if isinstance(found, list) else []:
            if ((item.get("metadata") or {}).get("incidentops") or {}).get("id") == ident:
                return str(item["id"])
        return None

    def components_list(self) -> list[Any]:
        found = self._call("GET", "/components")
        return found if isinstance(found, list) else []
