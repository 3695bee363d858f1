"""The buttons of the private note after a reaction capture, and of the offer under a mention.

"Change team" on that note is the card's own reassign button (handlers/actions.py).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core import ids
from bot.services.frontline import Frontline
from bot.slack import views
from handlers.actions import tell
from handlers.guard import tells_when_db_down
from handlers.payload import action_value, metadata, state_value, team_id, user_id


def register(app: App, fl: Frontline) -> None:
    @app.action(ids.ACTION_LOG_THREAD)
    def log_thread(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        fl.after_ack(fl.reactions.log_thread, team_id(body), user_id(body), action_value(body))

    @app.action(ids.ACTION_CAPTURE_URGENT)
    @tells_when_db_down
    def urgent(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        change = fl.reactions.mark_urgent(team_id(body), user_id(body), action_value(body))
        tell(respond, change.message)
        fl.deliver(change.outbox_ids)

    @app.action(ids.ACTION_CAPTURE_UNDO)
    @tells_when_db_down
    def undo(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        change = fl.reactions.undo(team_id(body), user_id(body), action_value(body))
        tell(respond, change.message)
        fl.deliver(change.outbox_ids)

    @app.action(ids.ACTION_CAPTURE_CUSTOMER)
    @tells_when_db_down
    def customer(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        opening = fl.reactions.customer_form(team_id(body), user_id(body), action_value(body))
        if opening.item is None or opening.message:
            tell(respond, opening.message)
            return
        view = views.capture_customer_modal(opening.item)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(ids.VIEW_CAPTURE_CUSTOMER)
    def customer_submitted(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        view = body["view"]
        item_id = metadata(view).get("item")
        change = fl.reactions.set_customer(
            team_id(body),
            user_id(body),
            item_id if isinstance(item_id, int) else None,
            state_value(view, ids.BLOCK_CUSTOMER, "customer"),
        )
        if change.errors:
            ack(response_action="errors", errors={ids.BLOCK_CUSTOMER: change.errors["customer"]})
            return
        if change.message and not change.changed:
            ack(response_action="errors", errors={ids.BLOCK_CUSTOMER: change.message})
            return
        ack()
        fl.deliver(change.outbox_ids)
