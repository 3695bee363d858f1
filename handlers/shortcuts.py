"""Message shortcut: log a message from a conversation as customer feedback."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core import ids
from bot.services.frontline import Frontline
from bot.slack import views
from handlers.guard import tells_when_db_down
from handlers.payload import team_id, user_id

log = logging.getLogger(__name__)


def register(app: App, fl: Frontline) -> None:
    @app.shortcut(ids.SHORTCUT_FROM_MESSAGE)
    @tells_when_db_down
    def from_message(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        message = body.get("message") or {}
        draft = fl.capture.message_draft(
            message.get("text") or "",
            channel=(body.get("channel") or {}).get("id"),
            ts=message.get("ts") or body.get("message_ts"),
            key=f"shortcut:{body['trigger_id']}",
            team_id=team_id(body),
            user_id=user_id(body),
        )
        client.views_open(trigger_id=body["trigger_id"], view=views.capture_modal(fl.config, draft))
