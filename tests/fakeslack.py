"""A stateful fake of the Slack Web API, served over real HTTP on 127.0.0.1; slack_sdk's
WebClient talks to it unchanged (``base_url=fake.api_url``).

As Slack documents it: every method answers HTTP 200 with ``{"ok": false, "error": "..."}``
on failure (``invalid_auth``, ``channel_not_found``, ``name_taken``, ``invalid_name_specials``,
``not_in_channel``, ``is_archived``, ``message_not_found``, ``users_not_found``...), a rate
limit is HTTP 429 with ``Retry-After`` and ``{"ok": false, "error": "ratelimited"}``, arguments
come as query parameters, form fields or JSON, ``conversations.history`` lists newest first and
returns message metadata only with ``include_all_metadata``, and a bot must be a member of a
channel to post in it (creating a channel makes it one).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from fakehttp import Answer, FakeHTTP, Request, route

NAME = re.compile(r"^[a-z0-9_-]+$")
BOT = "UBOT00001"


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    members: set[str] = field(default_factory=set)
    topic: str = ""
    purpose: str = ""
    messages: list[dict[str, Any]] = field(default_factory=list)  # oldest first

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": not self.is_private,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_member": BOT in self.members,
            "topic": {"value": self.topic},
            "purpose": {"value": self.purpose},
            "num_members": len(self.members),
        }


class FakeSlack(FakeHTTP):
    def __init__(self, token: str = "xoxb-test") -> None:
        super().__init__()
        self.token = token
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)
        self.page_size = 100  # conversations.list pages, whatever `limit` asks (Slack may)

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    # ---- state helpers for tests
    def add_channel(self, name: str, *, member: bool = True, purpose: str = "") -> Channel:
        channel = Channel(f"C{next(self._ids):08d}", name, purpose=purpose)
        if member:
            channel.members.add(BOT)
        self.channels[channel.id] = channel
        return channel

    def add_user(self, user_id: str, email: str) -> None:
        self.users[user_id] = {"id": user_id, "profile": {"email": email}}

    def named(self, name: str) -> Channel:
        return next(c for c in self.channels.values() if c.name == name)

    def posts(self, name: str) -> list[dict[str, Any]]:
        return self.named(name).messages

    def rate_limit_next(self, method: str, retry_after: int = 1, times: int = 1) -> None:
        self.fail_next(
            "POST",
            f"/api/{re.escape(method)}",
            429,
            {"ok": False, "error": "ratelimited"},
            headers={"Retry-After": str(retry_after)},
            times=times,
        )
        self.fail_next(
            "GET",
            f"/api/{re.escape(method)}",
            429,
            {"ok": False, "error": "ratelimited"},
            headers={"Retry-After": str(retry_after)},
            times=times,
        )

    def fail_method(self, method: str, error: str, times: int = 1) -> None:
        """The next calls of ``method`` answer ``{"ok": false, "error": error}`` (HTTP 200)."""
        for verb in ("POST", "GET"):
            self.fail_next(
                verb, f"/api/{re.escape(method)}", 200, {"ok": False, "error": error}, times=times
            )

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [_args(c) for c in self.calls if c.path == f"/api/{method}"]

    # ---- the API
    @route("POST", r"/api/(?P<method>[A-Za-z.]+)")
    def post(self, request: Request) -> Answer:
        return self._method(request)

    @route("GET", r"/api/(?P<method>[A-Za-z.]+)")
    def get(self, request: Request) -> Answer:
        return self._method(request)

    def _method(self, request: Request) -> Answer:
        assert request.match is not None
        auth = request.headers.get("authorization", "")
        if auth != f"Bearer {self.token}":
            return 200, {"ok": False, "error": "invalid_auth" if auth else "not_authed"}
        name = request.match.group("method")
        handler = getattr(self, "m_" + name.replace(".", "_"), None)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}
        result = handler(_args(request))
        if "error" in result:
            return 200, {"ok": False, **result}
        return 200, {"ok": True, **result}

    def _channel(self, args: dict[str, Any]) -> Channel | dict[str, Any]:
        channel = self.channels.get(str(args.get("channel", "")))
        return channel if channel is not None else {"error": "channel_not_found"}

    def m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"user": "incidentops", "user_id": BOT, "team": "ACME", "bot_id": "B0001"}

    def m_conversations_create(self, args: dict[str, Any]) -> dict[str, Any]:
        name = str(args.get("name", ""))
        if not name:
            return {"error": "invalid_name_required"}
        if len(name) > 80:
            return {"error": "invalid_name_maxlength"}
        if not NAME.match(name):
            return {"error": "invalid_name_specials"}
        if any(c.name == name for c in self.channels.values()):
            return {"error": "name_taken"}
        channel = self.add_channel(name)
        channel.is_private = _true(args.get("is_private"))
        return {"channel": channel.json()}

    def m_conversations_setPurpose(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        if isinstance(channel, dict):
            return channel
        channel.purpose = str(args.get("purpose", ""))
        return {"purpose": channel.purpose}

    def m_conversations_setTopic(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        if isinstance(channel, dict):
            return channel
        if channel.is_archived:
            return {"error": "is_archived"}
        if BOT not in channel.members:
            return {"error": "not_in_channel"}
        topic = str(args.get("topic", ""))
        if len(topic) > 250:
            return {"error": "too_long"}
        channel.topic = topic
        return {"channel": channel.json()}

    def m_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        everything = [c for c in self.channels.values() if not c.is_archived]
        start = int(args.get("cursor") or 0)
        page = everything[start : start + self.page_size]
        following = start + self.page_size
        cursor = str(following) if following < len(everything) else ""
        return {
            "channels": [c.json() for c in page],
            "response_metadata": {"next_cursor": cursor},
        }

    def m_conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        if isinstance(channel, dict):
            return channel
        users = [u for u in str(args.get("users", "")).split(",") if u]
        unknown = [u for u in users if u not in self.users]
        if unknown:
            return {"error": "user_not_found"}
        if all(u in channel.members for u in users):
            return {"error": "already_in_channel"}
        channel.members.update(users)
        return {"channel": channel.json()}

    def m_conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        if isinstance(channel, dict):
            return channel
        channel.members.add(BOT)
        return {"channel": channel.json()}

    def m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        if isinstance(channel, dict):
            return channel
        if BOT not in channel.members and not channel.id.startswith("D"):
            return {"error": "not_in_channel"}
        limit = int(args.get("limit") or 100)
        newest_first = list(reversed(channel.messages))[:limit]
        with_metadata = _true(args.get("include_all_metadata"))
        return {
            "messages": [
                {k: v for k, v in m.items() if k != "metadata" or with_metadata}
                for m in newest_first
            ],
            "has_more": len(channel.messages) > limit,
        }

    def m_conversations_archive(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        if isinstance(channel, dict):
            return channel
        if channel.is_archived:
            return {"error": "already_archived"}
        channel.is_archived = True
        return {}

    def m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        target = str(args.get("channel", ""))
        if target in self.users:  # a user ID: Slack opens (or reuses) the direct message
            dm = self.channels.get("D" + target) or Channel("D" + target, "", members={BOT})
            self.channels[dm.id] = dm
            target = dm.id
        channel = self.channels.get(target)
        if channel is None:
            return {"error": "channel_not_found"}
        if channel.is_archived:
            return {"error": "is_archived"}
        if BOT not in channel.members:
            return {"error": "not_in_channel"}
        if not args.get("text") and not args.get("blocks"):
            return {"error": "no_text"}
        if len(str(args.get("text", ""))) > 40000:
            return {"error": "msg_too_long"}
        ts = f"1700000000.{next(self._ts):06d}"
        posted: dict[str, Any] = {"type": "message", "user": BOT, "ts": ts, "text": args["text"]}
        if args.get("metadata"):
            metadata = args["metadata"]
            posted["metadata"] = json.loads(metadata) if isinstance(metadata, str) else metadata
        channel.messages.append(posted)
        return {"channel": channel.id, "ts": ts, "message": posted}

    def m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(args)
        if isinstance(channel, dict):
            return channel
        for posted in channel.messages:
            if posted["ts"] == str(args.get("ts")):
                if posted.get("user") != BOT:
                    return {"error": "cant_update_message"}
                posted["text"] = args.get("text", posted["text"])
                posted["edited"] = {"user": BOT}
                return {"channel": channel.id, "ts": posted["ts"], "text": posted["text"]}
        return {"error": "message_not_found"}

    def m_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).lower()
        for user in self.users.values():
            if user["profile"]["email"].lower() == email:
                return {"user": user}
        return {"error": "users_not_found"}


def _args(request: Request) -> dict[str, Any]:
    found: dict[str, Any] = dict(request.query)
    if request.raw:
        if "json" in request.headers.get("content-type", ""):
            found.update(request.json or {})
        else:
            found.update(request.form)
    return found


def _true(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")
