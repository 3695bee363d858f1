"""Merging items: the card's Merge button and form, a suggestion's button after a capture, and
the undo button on the merge's note in the target card's thread."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core import ids
from bot.services.frontline import Frontline
from bot.slack import copy, views
from handlers.actions import tell
from handlers.guard import tells_when_db_down
from handlers.payload import action_value, metadata, state_value, team_id, user_id

log = logging.getLogger(__name__)

FIELD_BLOCKS = {"target": ids.BLOCK_MERGE_PICK, "ref": ids.BLOCK_MERGE_REF}


def action_ts(body: dict[str, Any]) -> str:
    return str((body.get("actions") or [{}])[0].get("action_ts", ""))


def register(app: App, fl: Frontline) -> None:
    @app.action(ids.ACTION_MERGE)
    @tells_when_db_down
    def open_merge(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        opening = fl.merges.opening(team_id(body), user_id(body), action_value(body))
        if opening.view is None:
            tell(respond, opening.message)
            return
        client.views_open(trigger_id=body["trigger_id"], view=opening.view)

    @app.view(ids.MERGE_MODAL_CALLBACK)
    def merge_into(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        change = fl.merges.merge_from_card(
            team_id(body),
            user_id(body),
            metadata(view).get("item"),
            state_value(view, ids.BLOCK_MERGE_PICK, "target"),
            state_value(view, ids.BLOCK_MERGE_REF, "ref"),
            key=f"view:{view['id']}",
        )
        if change.errors:
            errors = {FIELD_BLOCKS.get(k, ids.BLOCK_MERGE_REF): v for k, v in change.errors.items()}
            ack(response_action="errors", errors=errors)
            return
        if change.message:
            ack(response_action="update", view=views.notice_modal(copy.MERGE_TITLE, change.message))
        else:
            ack()
        fl.deliver(change.outbox_ids)

    @app.action(ids.ACTION_MERGE_SUGGESTED)
    @tells_when_db_down
    def merge_suggested(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        value = action_value(body)
        change = fl.merges.merge_suggested(
            team_id(body), user_id(body), value, key=f"suggested:{value}:{action_ts(body)}"
        )
        tell(respond, change.message)
        fl.deliver(change.outbox_ids)

    @app.action(ids.ACTION_MERGE_UNDO)
    @tells_when_db_down
    def undo(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        change = fl.merges.undo(team_id(body), user_id(body), action_value(body))
        tell(respond, change.message)
        fl.deliver(change.outbox_ids)
