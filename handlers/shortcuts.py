"""Message shortcut: log a message from a conversation as customer feedback."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import ids, views
from bot.frontline import Frontline

log = logging.getLogger(__name__)


def register(app: App, fl: Frontline) -> None:
    @app.shortcut(ids.SHORTCUT_FROM_MESSAGE)
    def from_message(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        text = fl.readable(message.get("text") or "").strip()
        first_line = text.splitlines()[0] if text else ""
        draft = views.CaptureDraft(
            summary=first_line,
            details=text if text != first_line else "",
            source_channel=(body.get("channel") or {}).get("id"),
            source_ts=message.get("ts") or body.get("message_ts"),
        )
        client.views_open(trigger_id=body["trigger_id"], view=views.capture_modal(fl.config, draft))
