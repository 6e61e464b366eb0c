"""Microsoft Teams through a Workflows (Power Automate) webhook: an Adaptive Card in the
message envelope Workflows expects. The URL carries its own signature, so it is a secret
(``url_env``). A 2xx means Workflows accepted the run, not that the card was shown."""

from __future__ import annotations

from typing import Any

from incidentops.notify import message
from incidentops.notify.send import Context, post_json
from incidentops.notify.targets import Target


class Teams:
    def __init__(self, target: Target, ctx: Context) -> None:
        self.target, self.ctx = target, ctx

    def card(self, incident: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
        roles = message.mapping(incident.get("roles"))
        lines = message.event_text(incident, event).split("\n", 1)
        body: list[dict[str, Any]] = [
            {
                "type": "TextBlock",
                "text": message.headline(incident),
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {"type": "TextBlock", "text": lines[0], "wrap": True},
        ]
        if len(lines) > 1 and lines[1].strip():
            body.append({"type": "TextBlock", "text": lines[1], "wrap": True})
        facts = [
            {"title": "Severity", "value": str(incident.get("severity"))},
            {"title": "Status", "value": str(incident.get("status"))},
            {"title": "Commander", "value": str(roles.get("commander", "none"))},
        ]
        body.append({"type": "FactSet", "facts": facts})
        card: dict[str, Any] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
        }
        link = message.link_of(incident, self.ctx.repository_url)
        if link:
            card["actions"] = [
                {"type": "Action.OpenUrl", "title": "Open the incident", "url": link}
            ]
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": card,
                }
            ],
        }

    def preview(
        self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]
    ) -> dict[str, Any]:
        return {"url": f"${self.target.get('url_env')}", "body": self.card(incident, event)}

    def send(self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]) -> None:
        url = self.ctx.secret(self.target, self.target.get("url_env"), "Workflows URL")
        post_json(self.target, url, self.card(incident, event))
