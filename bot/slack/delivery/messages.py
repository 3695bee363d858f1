"""The senders of plain messages: a card's thread history, direct messages, channel posts."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.core.config import FrontlineConfig
from bot.core.text import inert
from bot.slack import copy, views
from bot.slack.delivery.cards import read_item
from bot.slack.delivery.lookup import post_once
from bot.slack.delivery.policy import LINK_WAIT_ATTEMPTS, Defer
from bot.slack.gateway import SlackGateway
from storage import items
from storage.models import ItemEvent, Outbox
from storage.values import ItemEventKind


def event_text(event: ItemEvent, config: FrontlineConfig) -> str:
    """The thread line of an event: its data, shown; the sentence is copy's."""
    actor = views.mention(event.actor_id) if event.actor_id else copy.APP_NAME
    note = inert(event.note, 2500).replace("\n", "\n>") if event.note else ""
    data = event.data or {}
    detail = ""
    if event.kind == ItemEventKind.REASSIGNED:
        to = config.team(data.get("to", ""))
        detail = inert(to.name if to else data.get("to", "?"), 80)
    elif event.kind == ItemEventKind.RESOLVED:
        detail = views.label(copy.OUTCOME_LABELS, data.get("outcome", ""))
    elif event.kind == ItemEventKind.TAKEN and data.get("from"):
        detail = views.mention(data["from"])
    elif event.kind == ItemEventKind.SNOOZED:
        detail = data.get("until_text", "")
    return copy.event_line(event.kind, actor, note, detail)


class MessageSenders:
    def __init__(self, slack: SlackGateway, config: FrontlineConfig) -> None:
        self.slack = slack
        self.config = config

    def thread(self, session: Session, row: Outbox) -> dict[str, Any]:
        item = read_item(session, row)
        if not item.card_ts or not item.card_channel:
            raise Defer("card not posted yet")
        event = items.get_item_event(session, event_id=row.payload["event_id"])
        session.commit()
        if event is None:
            raise ValueError("event is gone")
        text = event_text(event, self.config)
        resp = post_once(
            self.slack,
            row,
            channel=item.card_channel,
            thread_ts=item.card_ts,
            text=text,
            blocks=views.text_blocks(text),
        )
        return {"channel": resp.get("channel"), "ts": resp["ts"]}

    def dm(self, session: Session, row: Outbox) -> dict[str, Any]:
        p = row.payload
        text, blocks = p["text"], p.get("blocks")
        if p.get("with_card_link") and row.item_id is not None:
            item = read_item(session, row)
            if item.card_permalink:
                blocks = views.text_blocks(p["template"].replace("{link}", item.card_permalink))
            elif row.attempts < LINK_WAIT_ATTEMPTS:
                raise Defer("card link not known yet")
            # the card is stuck (channel missing?): the person hears about it without the link
        resp = post_once(self.slack, row, channel=p["user"], text=text, blocks=blocks)
        return {"channel": resp.get("channel"), "ts": resp["ts"]}

    def post(self, session: Session, row: Outbox) -> dict[str, Any]:
        p = row.payload
        resp = post_once(
            self.slack, row, channel=p["channel"], text=p["text"], blocks=p.get("blocks")
        )
        return {"channel": resp.get("channel"), "ts": resp["ts"]}
