"""A generic webhook: one JSON document per event (``schemas/notify-event.schema.json``),
signed as the Standard Webhooks spec says (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>``) and with GitHub's
``X-Hub-Signature-256`` (hex HMAC-SHA256 of the body) so existing receivers work too. The key
is the secret after ``whsec_`` base64-decoded (a secret without the prefix is used as bytes).
The ``webhook-id`` is the same on every redelivery: receivers drop repeats by it."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from incidentops.notify import message
from incidentops.notify.send import Context, request
from incidentops.notify.targets import Target

VERSION = 1
INCIDENT_FIELDS = (
    "id",
    "title",
    "severity",
    "status",
    "services",
    "roles",
    "declared_at",
    "acknowledged_at",
    "acknowledged_by",
    "mitigated_at",
    "resolved_at",
    "closed_at",
    "cancelled_at",
)


def key_of(secret: str) -> bytes:
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            pass
    return secret.encode("utf-8")


def signatures(secret: str, ident: str, timestamp: int, body: bytes) -> dict[str, str]:
    key = key_of(secret)
    signed = f"{ident}.{timestamp}.".encode() + body
    standard = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    github = hmac.new(key, body, hashlib.sha256).hexdigest()
    return {
        "webhook-id": ident,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": f"v1,{standard}",
        "X-Hub-Signature-256": f"sha256={github}",
    }


class Webhook:
    def __init__(self, target: Target, ctx: Context) -> None:
        self.target, self.ctx = target, ctx

    def document(self, incident: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "event": dict(event),
            "incident": {k: incident[k] for k in INCIDENT_FIELDS if k in incident},
            "text": message.event_text(incident, event),
        }
        if event.get("kind") == "update":
            data["update"] = message.update_of(incident, event)
        link = message.link_of(incident, self.ctx.repository_url)
        if link:
            data["url"] = link
        return {
            "type": f"incident.{event.get('kind')}",
            "version": VERSION,
            "timestamp": event.get("at"),
            "data": data,
        }

    def message_id(self, incident: dict[str, Any], event: dict[str, Any]) -> str:
        return f"msg_{incident.get('id')}_{event.get('id')}"

    def preview(
        self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]
    ) -> dict[str, Any]:
        where = self.target.get("url") or f"${self.target.get('url_env')}"
        return {
            "url": where,
            "webhook-id": self.message_id(incident, event),
            "body": self.document(incident, event),
        }

    def send(self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]) -> None:
        url = self.target.get("url") or self.ctx.secret(
            self.target, self.target.get("url_env"), "webhook URL"
        )
        secret = self.ctx.secret(self.target, self.target.get("secret_env"), "signing secret")
        body = json.dumps(
            self.document(incident, event), ensure_ascii=False, sort_keys=True
        ).encode()
        headers = signatures(
            secret, self.message_id(incident, event), int(self.ctx.now.timestamp()), body
        )

        request(
            self.target, "POST", str(url), body, {"Content-Type": "application/json", **headers}
        )
