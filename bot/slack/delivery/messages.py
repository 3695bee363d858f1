"""The senders of plain messages: a card's thread history, direct messages, channel posts."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.core import ids
from bot.core.config import FrontlineConfig
from bot.core.text import inert
from bot.slack import copy, views
from bot.slack.delivery.cards import read_item
from bot.slack.delivery.lookup import post_once
from bot.slack.delivery.policy import LINK_WAIT_ATTEMPTS, Defer
from bot.slack.gateway_protocol import SlackGateway
from storage import items
from storage.models import ItemEvent, Outbox
from storage.values import ItemEventKind, OutboxStatus


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
    elif event.kind == ItemEventKind.URGENCY_CHANGED:
        detail = views.label(copy.URGENCY_LABELS, data.get("to", ""))
    elif event.kind == ItemEventKind.CUSTOMER_SET:
        detail = inert(data.get("customer", ""), 200)
    elif event.kind in MERGE_KINDS:
        other = data.get(MERGE_KINDS[ItemEventKind(event.kind)])
        detail = f"*{ids.item_ref(int(other))}*" if isinstance(other, int) else "?"
    return copy.event_line(event.kind, actor, note, detail)


# the event data's key naming the other item of a merge
MERGE_KINDS = {
    ItemEventKind.MERGED: "target",
    ItemEventKind.MERGED_IN: "source",
    ItemEventKind.MERGE_UNDONE: "other",
}


def event_blocks(event: ItemEvent, text: str, *, undone: bool = False) -> list[dict[str, Any]]:
    """The thread line's blocks: a merge's note carries its undo button until it is undone."""
    if event.kind == ItemEventKind.MERGED_IN and event.id is not None:
        return views.merge_note_blocks(text, event.id, undone=undone)
    return views.text_blocks(text)


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
        if row.payload.get("replace"):
            return self._replace_note(session, row, event, text, item.card_channel)
        resp = post_once(
            self.slack,
            row,
            channel=item.card_channel,
            thread_ts=item.card_ts,
            text=text,
            blocks=event_blocks(event, text),
        )
        return {"channel": resp.get("channel"), "ts": resp["ts"]}

    def _replace_note(
        self, session: Session, row: Outbox, event: ItemEvent, text: str, card_channel: str
    ) -> dict[str, Any]:
        """An undone merge: its note, already in the thread, loses the undo button."""
        note = items.get_outbox_row_by_key(session, key=row.payload["replace"])
        session.commit()
        if note is None or note.status == OutboxStatus.FAILED:
            return {"no_note": True}  # the note never got out: nothing to take back
        if note.status != OutboxStatus.DONE or not note.result.get("ts"):
            raise Defer("merge note not posted yet")
        channel, ts = note.result.get("channel") or card_channel, note.result["ts"]
        self.slack.update_message(
            channel=channel, ts=ts, text=text, blocks=event_blocks(event, text, undone=True)
        )
        return {"channel": channel, "ts": ts}

    def dm(self, session: Session, row: Outbox) -> dict[str, Any]:
        p = row.payload
        text, blocks = p["text"], p.get("blocks")
        suggestions = [views.Suggestion(**s) for s in p.get("suggestions") or []]
        if p.get("with_card_link") and row.item_id is not None:
            item = read_item(session, row)
            body = text
            if item.card_permalink:
                body = p["template"].replace("{link}", item.card_permalink)
                blocks = views.text_blocks(body)
            elif row.attempts < LINK_WAIT_ATTEMPTS:
                raise Defer("card link not known yet")
            # the card is stuck (channel missing?): the person hears about it without the link
            if suggestions:  # similar open items found at capture, each with its merge button
                blocks = views.suggestion_blocks(body, row.item_id, suggestions)
        resp = post_once(self.slack, row, channel=p["user"], text=text, blocks=blocks)
        return {"channel": resp.get("channel"), "ts": resp["ts"]}

    def post(self, session: Session, row: Outbox) -> dict[str, Any]:
        p = row.payload
        resp = post_once(
            self.slack, row, channel=p["channel"], text=p["text"], blocks=p.get("blocks")
        )
        return {"channel": resp.get("channel"), "ts": resp["ts"]}
