"""PagerDuty Events API v2 through the official ``pagerduty`` package's EventsApiV2Client.

The dedup key is the incident ID, so a redelivered trigger never pages twice; acknowledge and
resolve use the same key; a reopen after a resolve triggers anew on purpose (PagerDuty opens a
new incident for a key whose alert is resolved). The client retries a 429 forever by default:
here twice, then the next run. The routing key comes from the service's
``notify.pagerduty_routing_key_env`` in services.yaml, else the target's ``routing_key_env``.
"""

from __future__ import annotations

from typing import Any

import pagerduty

from incidentops.notify import message
from incidentops.notify.send import Context, DeliveryError, one_line
from incidentops.notify.targets import Target

SEVERITY = {"SEV1": "critical", "SEV2": "error", "SEV3": "warning"}


class PagerDuty:
    def __init__(self, target: Target, ctx: Context) -> None:
        self.target, self.ctx = target, ctx

    def _routing(self, incident: dict[str, Any]) -> tuple[str, str]:
        """(variable, service) of the routing key: the first affected service with its own."""
        for name in incident.get("services") or ():
            variable = ((self.ctx.services.get(str(name)) or {}).get("notify") or {}).get(
                "pagerduty_routing_key_env"
            )
            if variable:
                return str(variable), str(name)
        variable = self.target.get("routing_key_env")
        if not variable:
            services = ", ".join(map(str, incident.get("services") or ())) or "none"
            raise DeliveryError(
                f"{self.target.name}: no routing key for services {services} (set "
                "notify.pagerduty_routing_key_env in services.yaml or routing_key_env here)"
            )
        return str(variable), "the target"

    def action(
        self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]
    ) -> str | None:
        kind = event.get("kind")
        paged = remote.get("state") in ("triggered", "acknowledged")
        if kind in ("declared", "reopened"):
            return "trigger"
        if kind == "severity":
            wanted = self.target.severities is None or event.get("after") in self.target.severities
            return "trigger" if wanted and not paged else None
        if kind == "acknowledged":
            return "acknowledge" if paged else None
        if kind in ("resolved", "cancelled"):
            return "resolve" if paged else None
        return None

    def payload(self, incident: dict[str, Any]) -> dict[str, Any]:
        link = message.link_of(incident, self.ctx.repository_url)
        roles = message.mapping(incident.get("roles"))
        return {
            "summary": one_line(f"[{incident.get('severity')}] {incident.get('title')}", 1024),
            "source": "incidentops",
            "severity": SEVERITY.get(str(incident.get("severity")), "info"),
            "custom_details": {
                "incident": incident.get("id"),
                "status": incident.get("status"),
                "services": list(incident.get("services") or ()),
                "commander": roles.get("commander"),
                **({"issue": link} if link else {}),
            },
        }

    def preview(
        self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]
    ) -> dict[str, Any]:
        variable, _ = self._routing(incident)
        action = self.action(incident, event, remote)
        shown: dict[str, Any] = {
            "routing_key": f"${variable}",
            "event_action": action or "(nothing to send)",
        }
        if action:
            shown["dedup_key"] = str(incident.get("id"))
        if action == "trigger":
            shown["payload"] = self.payload(incident)
        return shown

    def _client(self, variable: str) -> Any:
        key = self.ctx.secret(self.target, variable, "routing key")
        client = pagerduty.EventsApiV2Client(key, base_url=self.target.get("api_url"))
        client.retry[429] = 2  # the default retries a 429 without end
        client.sleep_timer = 0.5
        client.max_network_attempts = 1
        client.timeout = self.target.timeout  # type: ignore[assignment]
        return client

    def test(self) -> None:
        """Trigger and at once resolve an info alert with its own dedup key."""
        variable = self.target.get("routing_key_env") or next(
            (
                v
                for s in self.ctx.services.values()
                if (v := (s.get("notify") or {}).get("pagerduty_routing_key_env"))
            ),
            None,
        )
        client = self._client(str(variable) if variable else "")
        key = f"incidentops-test-{self.target.name}"
        payload = {
            "summary": "incidentops test alert: no action needed",
            "source": "incidentops",
            "severity": "info",
        }
        try:
            client.send_event("trigger", dedup_key=key, payload=payload)
            client.send_event("resolve", dedup_key=key)
        except pagerduty.Error as error:
            status = error.response.status_code if error.response is not None else None
            cause = f"PagerDuty answered {status}" if status else "cannot reach PagerDuty"
            raise DeliveryError(f"{self.target.name}: {cause}") from None
        finally:
            client.close()

    def send(self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]) -> None:
        action = self.action(incident, event, remote)
        if action is None:
            return
        variable, service = self._routing(incident)
        client = self._client(variable)
        ident = str(incident.get("id"))
        link = message.link_of(incident, self.ctx.repository_url)
        try:
            if action == "trigger":
                extra = {"links": [{"href": link, "text": ident}]} if link else {}
                client.send_event(
                    "trigger", dedup_key=ident, payload=self.payload(incident), **extra
                )
                remote["state"] = "triggered"
            else:
                client.send_event(action, dedup_key=ident)
                remote["state"] = "acknowledged" if action == "acknowledge" else "resolved"
            remote["dedup_key"] = ident
        except pagerduty.HttpError as error:
            status = error.response.status_code if error.response is not None else 0
            detail = _errors(error.response)
            hint = (
                f" for service {service} (is {variable} this service's integration key?)"
                if status == 400
                else ""
            )
            raise DeliveryError(
                f"{self.target.name}: PagerDuty answered {status}{detail}{hint}"
            ) from None
        except pagerduty.Error as error:
            cause = "cannot reach PagerDuty" if error.response is None else "PagerDuty error"
            raise DeliveryError(f"{self.target.name}: {cause}") from None
        finally:
            client.close()


def _errors(response: Any) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    found = body.get("errors") or body.get("message") if isinstance(body, dict) else None
    if isinstance(found, list):
        found = "; ".join(map(str, found))
    return f" ({one_line(str(found), 120)})" if found else ""
