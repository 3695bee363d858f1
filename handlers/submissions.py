"""Modal submissions (view_submission)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App

from bot.cards.workflow import Change
from bot.core import ids
from bot.services.frontline import Frontline
from bot.slack import copy, views
from handlers.payload import metadata, state_value, team_id, user_id

log = logging.getLogger(__name__)

FIELD_BLOCKS = {
    "summary": ids.BLOCK_SUMMARY,
    "details": ids.BLOCK_DETAILS,
    "customer": ids.BLOCK_CUSTOMER,
    "kind": ids.BLOCK_KIND,
    "urgency": ids.BLOCK_URGENCY,
    "team": ids.BLOCK_TEAM,
    "note": ids.BLOCK_NOTE,
    "outcome": ids.BLOCK_OUTCOME,
    "until": ids.BLOCK_SNOOZE_AT,
    "rule_outcome": ids.BLOCK_RULE_OUTCOME,
    "rule_reason": ids.BLOCK_RULE_REASON,
}


def block_errors(errors: dict[str, str]) -> dict[str, str]:
    return {FIELD_BLOCKS.get(field, field): message for field, message in errors.items()}


def answer(ack: Ack, change: Change, title: str) -> bool:
    """Ack the modal; True when the change went through and its posts should go out."""
    if change.errors:
        ack(response_action="errors", errors=block_errors(change.errors))
        return False
    if change.message:
        ack(response_action="update", view=views.notice_modal(title, change.message))
        return False
    ack()
    return True


def register(app: App, fl: Frontline) -> None:
    @app.view(ids.VIEW_CAPTURE)
    def capture(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = metadata(view)
        picked = state_value(view, ids.BLOCK_TEAM, "team") or None
        result = fl.capture.capture_form(
            {
                "summary": state_value(view, ids.BLOCK_SUMMARY, "summary"),
                "details": state_value(view, ids.BLOCK_DETAILS, "details"),
                "customer": state_value(view, ids.BLOCK_CUSTOMER, "customer"),
                "kind": state_value(view, ids.BLOCK_KIND, "kind"),
                "urgency": state_value(view, ids.BLOCK_URGENCY, "urgency"),
            },
            team_key=picked,
            team_id=team_id(body),
            user_id=user_id(body),
            client_key=f"view:{view['id']}",
            long_message_id=meta.get("long_message"),
            channel=meta.get("channel"),
        )
        if result.errors or result.captured is None:
            ack(response_action="errors", errors=block_errors(result.errors))
            return
        ack(
            response_action="update",
            view=views.notice_modal(copy.CAPTURE_MODAL_TITLE, result.text),
        )
        fl.after_ack(fl.capture.finish_form, result.captured, meta.get("channel"), meta.get("ts"))

    @app.view(ids.VIEW_CUSTOMER_UPDATE)
    def customer_update(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        change = fl.cards.customer_updated(
            team_id(body),
            user_id(body),
            metadata(view).get("item"),
            state_value(view, ids.BLOCK_NOTE, "note"),
            key=f"view:{view['id']}",
        )
        if answer(ack, change, copy.UPDATE_TITLE):
            fl.deliver(change.outbox_ids)

    @app.view(ids.VIEW_REASSIGN)
    def reassign(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        change = fl.cards.reassign(
            team_id(body),
            user_id(body),
            metadata(view).get("item"),
            state_value(view, ids.BLOCK_TEAM, "team"),
            state_value(view, ids.BLOCK_NOTE, "note"),
            key=f"view:{view['id']}",
        )
        if answer(ack, change, copy.REASSIGN_TITLE):
            fl.deliver(change.outbox_ids)

    @app.view(ids.VIEW_RESOLUTION)
    def resolution(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        change = fl.cards.resolve(
            team_id(body),
            user_id(body),
            metadata(view).get("item"),
            state_value(view, ids.BLOCK_OUTCOME, "outcome"),
            state_value(view, ids.BLOCK_NOTE, "note"),
            key=f"view:{view['id']}",
            rule_outcome=state_value(view, ids.BLOCK_RULE_OUTCOME, "rule_outcome"),
            rule_reason=state_value(view, ids.BLOCK_RULE_REASON, "rule_reason"),
        )
        if answer(ack, change, copy.RESOLVE_TITLE):
            fl.deliver(change.outbox_ids)

    @app.view(ids.VIEW_SNOOZE)
    def snooze_until(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        raw = state_value(view, ids.BLOCK_SNOOZE_AT, "until")
        until = datetime.fromtimestamp(int(raw), tz=UTC) if raw.isdigit() else None
        change = fl.cards.snooze(
            team_id(body),
            user_id(body),
            metadata(view).get("item"),
            "at",
            key=f"view:{view['id']}",
            until=until,
        )
        if change.errors:
            ack(response_action="errors", errors=block_errors(change.errors))
            return
        ack(
            response_action="update",
            view=views.notice_modal(copy.SNOOZE_TITLE, change.message or copy.SNOOZE_TITLE),
        )
        fl.deliver(change.outbox_ids)
