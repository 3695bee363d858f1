"""Correctly signed Slack requests, shaped as Slack documents them."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

TEAM_ID = "T0ACME"
_counter = itertools.count(1)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def unique(prefix: str) -> str:
    return f"{prefix}{next(_counter):06d}"


class SlackSender:
    """Posts to the app's /slack/events like Slack does."""

    def __init__(self, url: str, secret: str, response_url: str) -> None:
        self.url = url
        self.secret = secret
        self.response_url_base = response_url

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        sig = signature or sign(secret or self.secret, ts, body)
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": sig,
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return Response(resp.status, resp.read())
        except urllib.error.HTTPError as err:
            return Response(err.code, err.read())

    def form(self, fields: dict[str, str], **kw: Any) -> Response:
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded", **kw)

    def interactive(self, payload: dict[str, Any], **kw: Any) -> Response:
        return self.form({"payload": json.dumps(payload)}, **kw)

    def event(self, event: dict[str, Any], event_id: str | None = None, **kw: Any) -> Response:
        """An event_callback; pass the same event_id twice to play Slack's retry."""
        body = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0FRONT",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or unique("Ev"),
            "event_time": int(time.time()),
        }
        return self.post(json.dumps(body).encode(), "application/json", **kw)

    # --- shapes -----------------------------------------------------------------------------
    def command_fields(
        self,
        text: str,
        user: str = "UAGENT",
        channel: str = "C0AGENTS",
        trigger_id: str | None = None,
    ) -> dict[str, str]:
        return {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": "agents",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/feedback",
            "text": text,
            "api_app_id": "A0FRONT",
            "is_enterprise_install": "false",
            "response_url": self.response_url_base + unique("cmd"),
            "trigger_id": trigger_id or unique("13345224609.738474920."),
        }

    def command(self, text: str, **kw: Any) -> Response:
        send_kw = {k: kw.pop(k) for k in ("secret", "timestamp", "signature") if k in kw}
        return self.form(self.command_fields(text, **kw), **send_kw)

    def _block_actions(
        self,
        action: dict[str, Any],
        user: str,
        channel: str,
        message_ts: str,
        container: dict[str, Any] | None = None,
    ) -> Response:
        """A block_actions payload as Slack sends it for a click in a message."""
        return self.interactive(
            {
                "type": "block_actions",
                "user": {
                    "id": user,
                    "username": user.lower(),
                    "name": user.lower(),
                    "team_id": TEAM_ID,
                },
                "api_app_id": "A0FRONT",
                "token": "legacy",
                "container": container
                or {
                    "type": "message",
                    "message_ts": message_ts,
                    "channel_id": channel,
                    "is_ephemeral": False,
                },
                "trigger_id": unique("1334.5224609."),
                "team": {"id": TEAM_ID, "domain": "acme"},
                "channel": {"id": channel, "name": "billing"},
                "message": {"type": "message", "ts": message_ts, "text": "card"},
                "response_url": self.response_url_base + unique("act"),
                "actions": [{**action, "action_ts": f"{time.time():.6f}"}],
            }
        )

    def block_action(
        self,
        action_id: str,
        value: str,
        user: str = "UAGENT",
        channel: str = "C0BILLING",
        message_ts: str = "1760000000.000100",
        container: dict[str, Any] | None = None,
    ) -> Response:
        """A button click on a card."""
        action = {
            "action_id": action_id,
            "block_id": "feedback_card_actions",
            "type": "button",
            "text": {"type": "plain_text", "text": "x"},
            "value": value,
        }
        return self._block_actions(action, user, channel, message_ts, container)

    def home_action(self, action: dict[str, Any], user: str = "UAGENT") -> Response:
        """A control on App Home (a select, a datepicker, a button): its container is the view."""
        container = {"type": "view", "view_id": "V0HOME"}
        action = {"block_id": "feedback_home_prefs", **action}
        return self._block_actions(action, user, "", "", container)

    def select_action(
        self,
        action_id: str,
        option_value: str,
        user: str = "UAGENT",
        channel: str = "D0DM",
        block_id: str = "feedback_nudge_item",
    ) -> Response:
        """A static_select choice, e.g. the snooze menu on a nudge DM."""
        action = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "static_select",
            "selected_option": {
                "text": {"type": "plain_text", "text": option_value},
                "value": option_value,
            },
        }
        return self._block_actions(action, user, channel, "1760000001.000100")

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        user: str = "UAGENT",
        private_metadata: str = "",
        view_id: str | None = None,
    ) -> Response:
        return self.interactive(
            {
                "type": "view_submission",
                "team": {"id": TEAM_ID, "domain": "acme"},
                "user": {
                    "id": user,
                    "username": user.lower(),
                    "name": user.lower(),
                    "team_id": TEAM_ID,
                },
                "api_app_id": "A0FRONT",
                "token": "legacy",
                "trigger_id": unique("1334.9."),
                "view": {
                    "id": view_id or unique("V0"),
                    "team_id": TEAM_ID,
                    "type": "modal",
                    "callback_id": callback_id,
                    "private_metadata": private_metadata,
                    "state": {"values": values},
                    "hash": unique("h"),
                    "title": {"type": "plain_text", "text": "x"},
                    "blocks": [],
                },
                "response_urls": [],
                "is_enterprise_install": False,
            }
        )

    def message_action(
        self,
        text: str,
        user: str = "UAGENT",
        channel: str = "C0AGENTS",
        ts: str = "1759999999.000200",
        thread_ts: str | None = None,
    ) -> Response:
        """The message shortcut; thread_ts for a reply in a thread (Slack sends the reply's ts)."""
        message = {"type": "message", "user": "UCUST", "text": text, "ts": ts}
        if thread_ts:
            message["thread_ts"] = thread_ts
        return self.interactive(
            {
                "type": "message_action",
                "callback_id": "feedback_from_message",
                "trigger_id": unique("1334.77."),
                "message_ts": ts,
                "team": {"id": TEAM_ID, "domain": "acme"},
                "user": {"id": user, "name": user.lower(), "team_id": TEAM_ID},
                "channel": {"id": channel, "name": "agents"},
                "response_url": self.response_url_base + unique("sc"),
                "message": message,
                "token": "legacy",
                "action_ts": f"{time.time():.6f}",
            }
        )


def reaction_event(
    channel: str, ts: str, user: str = "UAGENT", reaction: str = "memo", item_user: str = "UCUST"
) -> dict[str, Any]:
    """reaction_added as Slack sends it: the item names only the channel and the message's ts."""
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": f"{time.time():.6f}",
    }


def mention_event(
    channel: str, ts: str, thread_ts: str | None = None, user: str = "UAGENT"
) -> dict[str, Any]:
    """app_mention: @Frontline in a message (in a thread when thread_ts is given)."""
    event = {
        "type": "app_mention",
        "user": user,
        "text": "<@UBOT> can you log this?",
        "channel": channel,
        "ts": ts,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def text_value(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def option_value(value: str | None, kind: str = "static_select") -> dict[str, Any]:
    return {
        "type": kind,
        "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}
        if value
        else None,
    }
