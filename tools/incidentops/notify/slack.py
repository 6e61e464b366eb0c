"""Slack, with a bot token through the official ``slack_sdk`` WebClient.

On ``declared``: the incident's own channel (a valid Slack name from the pattern; on
``name_taken``, which returns no channel, the existing channel is found and reused when its
purpose names this incident, else the name is suffixed), its topic and purpose, the role holders
invited, the declaration posted there, and one announcement in the announcement channel that
later events edit in place (``chat.update``), never repost. Other events are posted in the
incident channel; escalation steps go to each person by direct message.

Every post carries message metadata naming the incident and event, and the channel's recent
history is read once per run, so a post whose record was lost is found, not made again.
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from incidentops.notify import message
from incidentops.notify.send import Context, DeliveryError, one_line
from incidentops.notify.slack_rules import BoundedRateLimit, channel_name, escape
from incidentops.notify.targets import Target

METADATA_TYPE = "incidentops_event"
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
TOPIC_EVENTS = frozenset(
    {"severity", "status", "role", "acknowledged", "resolved", "cancelled", "reopened"}
)


class Slack:
    def __init__(self, target: Target, ctx: Context) -> None:
        self.target, self.ctx = target, ctx
        self._client: WebClient | None = None
        self._posted: dict[str, set[int]] = {}

    @property
    def client(self) -> WebClient:
        if self._client is None:
            token = self.ctx.secret(self.target, self.target.get("token_env"), "bot token")
            self._client = WebClient(
                token=token,
                base_url=self.target.get("api_url", "https://slack.com/api/"),
                timeout=int(self.target.timeout),
            )
            self._client.retry_handlers.append(BoundedRateLimit(max_retry_count=2))
        return self._client

    # -- the one entry point ------------------------------------------------------------------

    def send(self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]) -> None:
        try:
            self._send(incident, event, remote)
        except SlackApiError as error:
            raise DeliveryError(
                f"{self.target.name}: Slack said {error.response.get('error', 'error')}"
                f" (HTTP {error.response.status_code})"
            ) from None
        except (SlackClientError, OSError) as error:
            raise DeliveryError(
                f"{self.target.name}: cannot reach Slack ({one_line(str(error), 80)})"
            ) from None

    def preview(
        self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]
    ) -> dict[str, Any]:
        where = remote.get("channel") or channel_name(self._pattern, incident)
        if event.get("kind") == "escalation":
            where = "direct messages to " + ", ".join(event.get("people", ()))
        return {"channel": where, "text": self._text(incident, event)}

    def _send(
        self, incident: dict[str, Any], event: dict[str, Any], remote: dict[str, str]
    ) -> None:
        kind = event.get("kind")
        if kind == "escalation":
            self._direct(incident, event)
            return
        channel = self._incident_channel(incident, remote)
        if kind == "declared" and not remote.get("invited"):
            self._invite(channel, incident)
            remote["invited"] = "yes"
        if kind in TOPIC_EVENTS or kind == "declared":
            self.client.conversations_setTopic(channel=channel, topic=self._topic(incident))
            if self.target.get("announce_channel"):
                self._announce(incident, remote)
        self._post(channel, incident, event)

    # -- the incident channel ------------------------------------------------------------------

    @property
    def _pattern(self) -> str:
        return str(self.target.get("incident_channel", "{id}-{slug}"))

    def _incident_channel(self, incident: dict[str, Any], remote: dict[str, str]) -> str:
        if remote.get("channel"):
            return remote["channel"]
        ident = str(incident.get("id"))
        for suffix in range(6):
            name = channel_name(self._pattern, incident, suffix)
            try:
                created = self.client.conversations_create(name=name)
            except SlackApiError as error:
                if error.response.get("error") != "name_taken":
                    raise
                found = self._find(name)
                if found and ident in str((found.get("purpose") or {}).get("value", "")):
                    remote["channel"] = str(found["id"])
                    return remote["channel"]
                continue  # someone else's channel: try the next suffix
            channel = str(created["channel"]["id"])
            self.client.conversations_setPurpose(
                channel=channel, purpose=f"{ident}: {message.headline(incident)} (incidentops)"
            )
            remote["channel"] = channel
            return channel
        raise DeliveryError(
            f"{self.target.name}: channel {channel_name(self._pattern, incident)} and its "
            "suffixes -1..-5 are all taken"
        )

    def _find(self, name: str) -> dict[str, Any] | None:
        cursor = None
        while True:
            page = self.client.conversations_list(
                types="public_channel,private_channel", limit=200, cursor=cursor
            )
            channel: dict[str, Any]
            for channel in page.get("channels", []):
                if channel.get("name") == name:
                    return dict(channel)
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None

    def _invite(self, channel: str, incident: dict[str, Any]) -> None:
        roles = message.mapping(incident.get("roles"))
        users = [u for u in (self._user(h) for h in dict.fromkeys(roles.values())) if u]
        if not users:
            return
        try:
            self.client.conversations_invite(channel=channel, users=",".join(users))
        except SlackApiError as error:
            if error.response.get("error") not in ("already_in_channel", "cant_invite_self"):
                self.ctx.notes.append(
                    f"{self.target.name}: invite failed ({error.response.get('error')})"
                )

    def _user(self, handle: str) -> str | None:
        person = self.ctx.people.get(str(handle)) or {}
        contact = person.get("contact") or {}
        given = str(contact.get("slack", "")).lstrip("@")
        if _USER_ID.match(given):
            return given
        if contact.get("email"):
            try:
                found = self.client.users_lookupByEmail(email=str(contact["email"]))
                return str(found["user"]["id"])
            except SlackApiError as error:
                if error.response.get("error") != "users_not_found":
                    raise
        self.ctx.notes.append(f"{self.target.name}: no Slack user for {handle}")
        return None

    def _topic(self, incident: dict[str, Any]) -> str:
        roles = message.mapping(incident.get("roles"))
        status = message.STATUS_WORDS.get(str(incident.get("status")), str(incident.get("status")))
        parts = [
            str(incident.get("severity")),
            status,
            f"commander: {roles.get('commander', 'none')}",
        ]
        link = message.link_of(incident, self.ctx.repository_url)
        return one_line(" · ".join([*parts, *([link] if link else [])]), 250)

    # -- posting, found again by metadata ------------------------------------------------------

    def _metadata(self, incident: dict[str, Any], event: dict[str, Any] | None) -> dict[str, Any]:
        payload: dict[str, Any] = {"incident": str(incident.get("id"))}
        if event is not None:
            payload["event"] = int(event["id"])
        return {"event_type": METADATA_TYPE, "event_payload": payload}

    def _history(self, channel: str) -> list[dict[str, Any]]:
        page = self.client.conversations_history(
            channel=channel, limit=200, include_all_metadata=True
        )
        return list(page.get("messages", []))

    def _post(self, channel: str, incident: dict[str, Any], event: dict[str, Any]) -> None:
        if channel not in self._posted:
            self._posted[channel] = {
                int(p["event"])
                for m in self._history(channel)
                if (p := (m.get("metadata") or {}).get("event_payload") or {}).get("incident")
                == incident.get("id")
                and "event" in p
            }
        if int(event["id"]) in self._posted[channel]:
            return  # posted by a run whose record was lost
        self.client.chat_postMessage(
            channel=channel,
            text=self._text(incident, event),
            metadata=self._metadata(incident, event),
        )
        self._posted[channel].add(int(event["id"]))

    def _announce(self, incident: dict[str, Any], remote: dict[str, str]) -> None:
        text = escape(message.headline(incident)) + f"\n{escape(message.roles_line(incident))}"
        link = message.link_of(incident, self.ctx.repository_url)
        if link:
            text += f"\n<{link}|the incident issue>"
        if remote.get("announcement") and remote.get("announce_channel"):
            self.client.chat_update(
                channel=remote["announce_channel"], ts=remote["announcement"], text=text
            )
            return
        channel = self._announce_channel(remote)
        for old in self._history(channel):
            payload = (old.get("metadata") or {}).get("event_payload") or {}
            if payload.get("incident") == incident.get("id") and "event" not in payload:
                remote["announcement"] = str(old["ts"])
                self.client.chat_update(channel=channel, ts=remote["announcement"], text=text)
                return
        posted = self.client.chat_postMessage(
            channel=channel, text=text, metadata=self._metadata(incident, None)
        )
        remote["announcement"] = str(posted["ts"])

    def _announce_channel(self, remote: dict[str, str]) -> str:
        wanted = str(self.target.get("announce_channel")).lstrip("#")
        if not re.match(r"^[CG][A-Z0-9]{2,}$", wanted):
            found = self._find(wanted)
            if found is None:
                raise DeliveryError(f"{self.target.name}: announcement channel #{wanted} not found")
            wanted = str(found["id"])
            if not found.get("is_member", True):
                self.client.conversations_join(channel=wanted)
        remote["announce_channel"] = wanted
        return wanted

    def _direct(self, incident: dict[str, Any], event: dict[str, Any]) -> None:
        for handle in event.get("people", ()):
            user = self._user(str(handle))
            if user:
                self.client.chat_postMessage(channel=user, text=self._text(incident, event))

    def _text(self, incident: dict[str, Any], event: dict[str, Any]) -> str:
        text = escape(message.event_text(incident, event))
        link = message.link_of(incident, self.ctx.repository_url)
        return text + (f"\n<{link}|{escape(str(incident.get('id')))}>" if link else "")

    # -- after the incident ---------------------------------------------------------------------

    def archive_due(self, incident: dict[str, Any], remote: dict[str, str]) -> bool:
        """Archive the incident channel ``archive_after_days`` after close; True if done now."""
        from datetime import timedelta

        from incidentops.base.timeutil import parse_time

        days = self.target.get("archive_after_days")
        # resolved counts as over: a postmortem can keep an incident from `closed` for weeks
        ended = (
            parse_time(
                incident.get("closed_at")
                or incident.get("cancelled_at")
                or incident.get("resolved_at")
            )
            if incident.get("status") in ("resolved", "closed", "cancelled")
            else None
        )
        if days is None or ended is None or not remote.get("channel") or remote.get("archived"):
            return False
        if self.ctx.now < ended + timedelta(days=int(days)):
            return False
        try:
            self.client.conversations_archive(channel=remote["channel"])
        except SlackApiError as error:
            if error.response.get("error") != "already_archived":
                raise DeliveryError(
                    f"{self.target.name}: archive failed ({error.response.get('error')})"
                ) from None
        remote["archived"] = "yes"
        return True

    def test(self) -> str:
        """auth.test, then a test message in the announcement channel when there is one."""
        try:
            who = self.client.auth_test()
            if not self.target.get("announce_channel"):
                return f"token works (bot {who.get('user')}); no announcement channel to post in"
            channel = self._announce_channel({})
            self.client.chat_postMessage(
                channel=channel, text="incidentops test message: no action needed"
            )
        except SlackApiError as error:
            raise DeliveryError(
                f"{self.target.name}: Slack said {error.response.get('error')}"
            ) from None
        return f"test message posted in {self.target.get('announce_channel')}"
