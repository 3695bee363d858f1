"""The senders of a team's card: the post, its refreshes, the moved-away version, the full text.

Cards are rendered when sent, not when queued, so a retried card shows the latest state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.core.config import FrontlineConfig
from bot.slack import views
from bot.slack.delivery.links import CardLinks
from bot.slack.delivery.lookup import post_once
from bot.slack.delivery.policy import FINISHED, Defer, describe
from bot.slack.gateway_protocol import SlackGateway
from storage import items, outbox, reports
from storage.models import Item, Outbox

log = logging.getLogger("bot.slack.delivery")


def read_item(session: Session, row: Outbox, *, end: bool = True) -> Item:
    """Read the item as it is now and (unless the caller reads more first) end the read
    transaction: no connection is held during Slack calls."""
    item = items.get_item(session, item_id=row.item_id, fresh=True)
    if item is None:
        raise ValueError(f"item {row.item_id} is gone")
    if end:
        session.commit()
    return item


class CardSenders:
    def __init__(
        self, slack: SlackGateway, config: FrontlineConfig, now: Callable[[], datetime]
    ) -> None:
        self.slack = slack
        self.config = config
        self.now = now
        self.links = CardLinks(slack)

    def context(
        self,
        session: Session,
        item: Item,
        moved_to: str | None = None,
        moved_link: str | None = None,
    ) -> views.CardContext:
        """What the card shows besides the item; reads its latest quotes and, for a merged
        item, its target's card link, then ends the read transaction."""
        team = self.config.owner_of(item.team_key)
        moved = self.config.team(moved_to) if moved_to else None
        quotes: tuple[views.Quote, ...] = ()
        merged_link = None
        if item.id is not None:  # the card shows them when there are several
            latest = reports.latest_reports(session, item_id=item.id or 0, limit=views.CARD_QUOTES)
            quotes = tuple(views.Quote(r.customer, r.quote, r.agent_id) for r in latest)
        if item.merged_into_id is not None:
            target = items.get_item(session, item_id=item.merged_into_id)
            merged_link = target.card_permalink if target else None
        session.commit()
        return views.CardContext(
            team=team,
            now=self.now(),
            moved_to=moved,
            moved_link=moved_link,
            quotes=quotes,
            merged_link=merged_link,
        )

    def card(self, session: Session, row: Outbox) -> dict[str, Any]:
        item = read_item(session, row, end=False)  # the context's reads end the transaction
        channel = row.payload["channel"]
        if item.moves != row.payload.get("move", 0):
            session.commit()
            return {"superseded": True}  # it moved on before this card got out
        resp = post_once(
            self.slack,
            row,
            channel=channel,
            text=views.card_text(item),
            blocks=views.card_blocks(item, self.context(session, item)),
        )
        ts = resp["ts"]
        posted_channel = resp.get("channel", channel)
        link = self.links.built(posted_channel, ts)
        result = {"channel": posted_channel, "ts": ts, "permalink": link}
        # Record the card at once and mark the row sent: from here on, no failure may lead to
        # a second card. A missing permalink only costs the "open the card" links.
        move = row.payload.get("move", 0)
        items.record_card(
            session,
            item_id=item.id,
            move=move,
            card_channel=posted_channel,
            card_ts=ts,
            permalink=link,
        )
        outbox.finish(session, row, self.now(), result)  # one commit: card recorded, row sent
        if link is not None:
            return {**result, FINISHED: True}
        try:  # the workspace URL is unknown: ask Slack for the link
            link = self.slack.permalink(posted_channel, ts)
            items.record_card_permalink(session, item_id=item.id, move=move, permalink=link)
            session.commit()
            result["permalink"] = link
        except Exception as exc:
            log.warning("no permalink for %s: %s", row.key, describe(exc))
        return {**result, FINISHED: True}

    def refresh(self, session: Session, row: Outbox) -> dict[str, Any]:
        item = read_item(session, row, end=False)
        if not item.card_ts or not item.card_channel:
            session.commit()
            return {"no_card_yet": True}  # the pending card post renders the latest state
        self.slack.update_message(
            channel=item.card_channel,
            ts=item.card_ts,
            text=views.card_text(item),
            blocks=views.card_blocks(item, self.context(session, item)),
        )
        if not item.card_permalink:  # the first try failed: links in DMs and Home need it
            try:
                link = self.links.built(item.card_channel, item.card_ts) or self.slack.permalink(
                    item.card_channel, item.card_ts
                )
                items.record_permalink_for_card(
                    session, item_id=item.id, card_ts=item.card_ts, permalink=link
                )
                session.commit()
            except Exception as exc:
                log.warning("still no permalink for %s: %s", row.key, describe(exc))
        return {"channel": item.card_channel, "ts": item.card_ts}

    def moved(self, session: Session, row: Outbox) -> dict[str, Any]:
        item = read_item(session, row)
        p = row.payload
        link = item.card_permalink if item.moves == p.get("move") else None
        if item.moves == p.get("move") and not item.card_ts:
            raise Defer("new card not posted yet")
        ctx = self.context(session, item, moved_to=p["to_team"], moved_link=link)
        self.slack.update_message(
            channel=p["channel"],
            ts=p["ts"],
            text=views.card_text(item),
            blocks=views.card_blocks(item, ctx),
        )
        return {"channel": p["channel"], "ts": p["ts"]}

    def full_text(self, session: Session, row: Outbox) -> dict[str, Any]:
        """Text longer than the card shows, whole, in the card's thread (queued with the card)."""
        item = read_item(session, row)
        if item.moves != row.payload.get("move", 0):
            return {"superseded": True}  # it moved on: the new card's row carries the text
        if not item.card_ts or not item.card_channel:
            raise Defer("card not posted yet")
        resp = post_once(
            self.slack,
            row,
            channel=item.card_channel,
            thread_ts=item.card_ts,
            text=views.full_text_fallback(item),
            blocks=views.full_text_blocks(item),
        )
        return {"channel": resp.get("channel"), "ts": resp["ts"]}
