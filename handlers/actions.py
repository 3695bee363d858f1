"""Buttons on cards, nudges and App Home."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.cards.workflow import Change
from bot.core import ids
from bot.services.frontline import Frontline
from bot.slack import views
from handlers.guard import tells_when_db_down
from handlers.payload import action_value, team_id, user_id

log = logging.getLogger(__name__)


def tell(respond: Respond, message: str | None) -> None:
    """Only the clicker sees it; the card itself is untouched."""
    if message:
        respond(replace_original=False, **views.ephemeral(message))


def register(app: App, fl: Frontline) -> None:
    @app.action(ids.ACTION_TAKE)
    @tells_when_db_down
    def take(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        change: Change = fl.cards.take(
            team_id(body), user_id(body), ids.parse_item_ref(action_value(body))
        )
        tell(respond, change.message)
        fl.deliver(change.outbox_ids)

    def modal_opener(
        build: Callable[[Any], dict[str, Any]], *, reporter_may: bool = False
    ) -> Callable[..., None]:
        @tells_when_db_down
        def open_modal(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
            ack()
            opening = fl.cards.opening(
                team_id(body), user_id(body), action_value(body), reporter_may=reporter_may
            )
            if opening.item is None or opening.message:
                tell(respond, opening.message)
                return
            client.views_open(trigger_id=body["trigger_id"], view=build(opening.item))

        return open_modal

    app.action(ids.ACTION_CUSTOMER_UPDATED)(modal_opener(views.customer_update_modal))
    app.action(ids.ACTION_RESOLVE)(modal_opener(views.resolution_modal))
    app.action(ids.ACTION_REASSIGN)(  # the agent who logged it may re-route it, until taken
        modal_opener(lambda item: views.reassign_modal(item, fl.config.teams), reporter_may=True)
    )

    @app.action(ids.ACTION_SNOOZE)
    @tells_when_db_down
    def snooze(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        ref, _, choice = action_value(body).partition("|")
        item_id = ids.parse_item_ref(ref)
        if choice == "pick":
            opening = fl.cards.opening(team_id(body), user_id(body), ref, open_only=False)
            if opening.item is None or opening.message:
                tell(respond, opening.message)
            else:
                client.views_open(
                    trigger_id=body["trigger_id"], view=views.snooze_modal(opening.item, fl.now())
                )
            return
        action_ts = (body.get("actions") or [{}])[0].get("action_ts", "")
        change = fl.cards.snooze(
            team_id(body),
            user_id(body),
            item_id,
            choice,
            key=f"snooze:{item_id}:{user_id(body)}:{action_ts}",
        )
        tell(respond, change.message or next(iter(change.errors.values()), None))
        fl.deliver(change.outbox_ids)

    @app.action(ids.ACTION_HOME_LOG)
    def home_log(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=views.capture_modal(fl.config))

    @app.action(ids.ACTION_OPEN_CARD)
    def open_card(ack: Ack) -> None:
        ack()  # a link button: Slack opens the URL, we only acknowledge
