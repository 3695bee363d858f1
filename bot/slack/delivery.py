"""Sending what the outbox holds. Rows are stored with the change that caused them, then sent.

Cards are rendered when sent, not when queued, so a retried card shows the latest state.

Exactly once, even when Slack's answer is lost: every post carries message metadata naming its
outbox key. When an attempt's outcome is unknown (a timeout, a dropped connection, a sender
killed mid-post, a database that failed after Slack took the post), the next attempt first
looks for that key in the conversation's recent history and adopts the message it finds
instead of posting a second copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.core.config import FrontlineConfig
from bot.core.text import inert
from bot.slack import copy, views
from bot.slack.gateway import SlackError, SlackGateway
from storage import items, outbox
from storage.engine import Engine
from storage.models import Item, ItemEvent, Outbox
from storage.values import ItemEventKind, OutboxKind

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 20
FINISHED = "_finished"  # a sender that already marked its row sent says so in its result
LINK_WAIT_ATTEMPTS = 4
DEFER_BASE = timedelta(seconds=20)  # a row waiting for its card: 20 s, 40 s, … up to 5 min
DEFER_MAX = timedelta(
    minutes=5
)  # a DM waits this many tries for the card's link, then goes without
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
METADATA_EVENT = "frontline_outbox"  # the message metadata event type that tags our posts
LOOKUP_MARGIN = timedelta(minutes=5)  # our clock and Slack's may differ a little
LOOKUP_PAGES = 3
LOOKUP_PAGE_SIZE = 200
# Slack errors that mean "this history cannot be read" (no scope, not a member, gone): the post
# is then sent again without the check, and the log says why.
UNREADABLE = frozenset(
    {
        "missing_scope",
        "not_in_channel",
        "channel_not_found",
        "thread_not_found",
        "not_allowed_token_type",
        "method_not_supported_for_channel_type",
    }
)


class Defer(Exception):
    """Not an error: the row waits for something else (a card to exist) and is tried again soon."""


def backoff(attempts: int) -> timedelta:
    factor: int = 2 ** max(0, attempts - 1)
    return min(BACKOFF_BASE * factor, BACKOFF_MAX)


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


class Delivery:
    def __init__(
        self,
        engine: Engine,
        slack: SlackGateway,
        config: FrontlineConfig,
        now: Callable[[], datetime],
    ) -> None:
        self.engine = engine
        self.slack = slack
        self.config = config
        self.now = now
        self._senders: dict[OutboxKind, Callable[[Session, Outbox], dict[str, Any]]] = {
            OutboxKind.CARD: self._send_card,
            OutboxKind.CARD_REFRESH: self._send_card_refresh,
            OutboxKind.CARD_MOVED: self._send_card_moved,
            OutboxKind.THREAD: self._send_thread,
            OutboxKind.FULL_TEXT: self._send_full_text,
            OutboxKind.DM: self._send_dm,
            OutboxKind.POST: self._send_post,
        }

    # --- public ---------------------------------------------------------------------------------
    def send(self, row_ids: Iterable[int]) -> SendReport:
        sent = failed = skipped = 0
        for row_id in row_ids:
            state = self._send_one(row_id)
            if state == "sent":
                sent += 1
            elif state == "failed":
                failed += 1
            else:
                skipped += 1
        return SendReport(sent, failed, skipped)

    def drain(self, limit: int = 500) -> SendReport:
        """The periodic job: everything due, oldest first."""
        with Session(self.engine) as session:
            ids = outbox.due_ids(session, self.now(), limit)
        return self.send(ids)

    def purge(self, keep: timedelta = timedelta(days=30)) -> int:
        """Claims only matter while a job could repeat them (a day, an SLA period)."""
        with Session(self.engine) as session:
            return outbox.purge_done(session, self.now() - keep)

    def given_up(self, limit: int = 5) -> tuple[int, list[Outbox]]:
        """Messages that failed every attempt: how many, and the latest few (for the admin)."""
        with Session(self.engine, expire_on_commit=False) as session:
            return outbox.failed(session, limit)

    def due(self, limit: int = 500) -> list[Outbox]:
        with Session(self.engine, expire_on_commit=False) as session:
            ids = outbox.due_ids(session, self.now(), limit)
            rows = (items.get_outbox_row(session, row_id=i) for i in ids)
            return [r for r in rows if r is not None]

    def status(self, row_id: int) -> Outbox | None:
        with Session(self.engine, expire_on_commit=False) as session:
            return items.get_outbox_row(session, row_id=row_id)

    # --- internals ------------------------------------------------------------------------------
    def _send_one(self, row_id: int) -> str:
        now = self.now()
        with Session(self.engine, expire_on_commit=False) as session:
            row = outbox.claim(session, row_id, now)
            if row is None:
                return "skipped"
            try:
                result = self._dispatch(session, row)
            except Defer as why:
                session.rollback()
                wait = min(DEFER_BASE * row.attempts, DEFER_MAX)
                retry_at = None if row.attempts >= MAX_ATTEMPTS * 2 else now + wait
                outbox.fail(session, row, now, f"waiting: {why}", retry_at)
                return "skipped"
            except (SlackError, OSError) as exc:
                session.rollback()
                error = _describe(exc)
                wait = max(backoff(row.attempts), _retry_after(exc))
                retry_at = None if row.attempts >= MAX_ATTEMPTS else now + wait
                log.warning(
                    "outbox %s (%s) failed on attempt %s: %s",
                    row.key,
                    row.kind,
                    row.attempts,
                    error,
                )
                outbox.fail(session, row, now, error, retry_at, unsure=_maybe_sent(exc))
                return "failed"
            except Exception as exc:  # a bug must not wedge the queue: keep the row, log it
                session.rollback()
                log.exception("outbox %s (%s) crashed", row.key, row.kind)
                # It may have failed after Slack took the post: look before posting again.
                outbox.fail(
                    session,
                    row,
                    now,
                    f"internal: {type(exc).__name__}",
                    now + backoff(row.attempts),
                    unsure=True,
                )
                return "failed"
            if not result.pop(FINISHED, False):
                outbox.finish(session, row, self.now(), result)
            return "sent"

    def _dispatch(self, session: Session, row: Outbox) -> dict[str, Any]:
        if row.kind not in self._senders:
            raise ValueError(f"unknown outbox kind {row.kind}")
        return self._senders[OutboxKind(row.kind)](session, row)

    def _post(
        self,
        row: Outbox,
        *,
        channel: str,
        text: str,
        blocks: Any = None,
        thread_ts: str | None = None,
    ) -> dict[str, Any]:
        """Post once: an earlier attempt whose answer was lost is looked up, not repeated."""
        if row.unsure_since is not None:
            found = self._find_posted(row, channel, thread_ts)
            if found is not None:
                log.info("outbox %s (%s) was already in Slack: adopted it", row.key, row.kind)
                return found
        posted = self.slack.post_message(
            channel=channel,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            metadata={"event_type": METADATA_EVENT, "event_payload": {"key": row.key}},
        )
        return {"ts": posted.ts, "channel": posted.channel}

    def _find_posted(
        self, row: Outbox, channel: str, thread_ts: str | None
    ) -> dict[str, Any] | None:
        """The message an earlier attempt of this row posted, found by its metadata, or None."""
        assert row.unsure_since is not None
        oldest = f"{(row.unsure_since - LOOKUP_MARGIN).timestamp():.6f}"
        try:
            where = channel
            if channel[:1] in ("U", "W"):  # a DM sent to a user id: read the IM itself
                where = self.slack.open_dm(channel)
            cursor = None
            for _ in range(LOOKUP_PAGES):
                page = self.slack.messages(
                    where, oldest=oldest, limit=LOOKUP_PAGE_SIZE, cursor=cursor, thread_ts=thread_ts
                )
                for message in page.messages:
                    meta = message.get("metadata") or {}
                    payload = meta.get("event_payload") or {}
                    if meta.get("event_type") == METADATA_EVENT and payload.get("key") == row.key:
                        return {"ts": message["ts"], "channel": where, "adopted": True}
                cursor = page.next_cursor
                if not cursor:
                    break
        except SlackError as exc:
            if not exc.answered or exc.error not in UNREADABLE:
                raise
            log.warning(
                "outbox %s (%s): cannot read %s to check for an earlier copy (%s); sending again",
                row.key,
                row.kind,
                channel,
                exc.error,
            )
        return None

    def _item(self, session: Session, row: Outbox) -> Item:
        """Read the item and end the read transaction: no connection is held during Slack calls."""
        item = items.get_item(session, item_id=row.item_id)
        if item is None:
            raise ValueError(f"item {row.item_id} is gone")
        session.refresh(item)
        session.commit()
        return item

    def card_context(
        self, item: Item, moved_to: str | None = None, moved_link: str | None = None
    ) -> views.CardContext:
        team = self.config.team(item.team_key) or self.config.triage
        moved = self.config.team(moved_to) if moved_to else None
        return views.CardContext(team=team, now=self.now(), moved_to=moved, moved_link=moved_link)

    def _send_card(self, session: Session, row: Outbox) -> dict[str, Any]:
        item = self._item(session, row)
        channel = row.payload["channel"]
        if item.moves != row.payload.get("move", 0):
            return {"superseded": True}  # it moved on before this card got out
        resp = self._post(
            row,
            channel=channel,
            text=views.card_text(item),
            blocks=views.card_blocks(item, self.card_context(item)),
        )
        ts = resp["ts"]
        posted_channel = resp.get("channel", channel)
        result = {"channel": posted_channel, "ts": ts, "permalink": None}
        # Record the card at once and mark the row sent: from here on, no failure may lead to
        # a second card. A missing permalink only costs the "open the card" links.
        move = row.payload.get("move", 0)
        items.record_card(
            session, item_id=item.id, move=move, card_channel=posted_channel, card_ts=ts
        )
        outbox.finish(session, row, self.now(), result)  # one commit: card recorded, row sent
        try:
            link = self.slack.permalink(posted_channel, ts)
            items.record_card_permalink(session, item_id=item.id, move=move, permalink=link)
            session.commit()
            result["permalink"] = link
        except Exception as exc:
            log.warning("no permalink for %s: %s", row.key, _describe(exc))
        return {**result, FINISHED: True}

    def _send_card_refresh(self, session: Session, row: Outbox) -> dict[str, Any]:
        item = self._item(session, row)
        if not item.card_ts or not item.card_channel:
            return {"no_card_yet": True}  # the pending card post renders the latest state
        self.slack.update_message(
            channel=item.card_channel,
            ts=item.card_ts,
            text=views.card_text(item),
            blocks=views.card_blocks(item, self.card_context(item)),
        )
        if not item.card_permalink:  # the first try failed: links in DMs and Home need it
            try:
                link = self.slack.permalink(item.card_channel, item.card_ts)
                items.record_permalink_for_card(
                    session, item_id=item.id, card_ts=item.card_ts, permalink=link
                )
                session.commit()
            except Exception as exc:
                log.warning("still no permalink for %s: %s", row.key, _describe(exc))
        return {"channel": item.card_channel, "ts": item.card_ts}

    def _send_card_moved(self, session: Session, row: Outbox) -> dict[str, Any]:
        item = self._item(session, row)
        p = row.payload
        link = item.card_permalink if item.moves == p.get("move") else None
        if item.moves == p.get("move") and not item.card_ts:
            raise Defer("new card not posted yet")
        ctx = self.card_context(item, moved_to=p["to_team"], moved_link=link)
        self.slack.update_message(
            channel=p["channel"],
            ts=p["ts"],
            text=views.card_text(item),
            blocks=views.card_blocks(item, ctx),
        )
        return {"channel": p["channel"], "ts": p["ts"]}

    def _send_thread(self, session: Session, row: Outbox) -> dict[str, Any]:
        item = self._item(session, row)
        if not item.card_ts or not item.card_channel:
            raise Defer("card not posted yet")
        event = items.get_item_event(session, event_id=row.payload["event_id"])
        session.commit()
        if event is None:
            raise ValueError("event is gone")
        text = event_text(event, self.config)
        resp = self._post(
            row,
            channel=item.card_channel,
            thread_ts=item.card_ts,
            text=text,
            blocks=views.event_blocks(text),
        )
        return {"channel": resp.get("channel"), "ts": resp["ts"]}

    def _send_full_text(self, session: Session, row: Outbox) -> dict[str, Any]:
        """Text longer than the card shows, whole, in the card's thread (queued with the card)."""
        item = self._item(session, row)
        if item.moves != row.payload.get("move", 0):
            return {"superseded": True}  # it moved on: the new card's row carries the text
        if not item.card_ts or not item.card_channel:
            raise Defer("card not posted yet")
        resp = self._post(
            row,
            channel=item.card_channel,
            thread_ts=item.card_ts,
            text=views.full_text_fallback(item),
            blocks=views.full_text_blocks(item),
        )
        return {"channel": resp.get("channel"), "ts": resp["ts"]}

    def _send_dm(self, session: Session, row: Outbox) -> dict[str, Any]:
        p = row.payload
        text, blocks = p["text"], p.get("blocks")
        if p.get("with_card_link") and row.item_id is not None:
            item = self._item(session, row)
            if item.card_permalink:
                blocks = views.text_blocks(p["template"].replace("{link}", item.card_permalink))
            elif row.attempts < LINK_WAIT_ATTEMPTS:
                raise Defer("card link not known yet")
            # the card is stuck (channel missing?): the person hears about it without the link
        resp = self._post(row, channel=p["user"], text=text, blocks=blocks)
        return {"channel": resp.get("channel"), "ts": resp["ts"]}

    def _send_post(self, session: Session, row: Outbox) -> dict[str, Any]:
        p = row.payload
        resp = self._post(row, channel=p["channel"], text=p["text"], blocks=p.get("blocks"))
        return {"channel": resp.get("channel"), "ts": resp["ts"]}


def event_text(event: ItemEvent, config: FrontlineConfig) -> str:
    actor = views.mention(event.actor_id) if event.actor_id else copy.APP_NAME
    note = inert(event.note, 2500).replace("\n", "\n>") if event.note else ""
    extra = ""
    data = event.data or {}
    if event.kind == ItemEventKind.REASSIGNED:
        to = config.team(data.get("to", ""))
        extra = f" to {inert(to.name if to else data.get('to', '?'), 80)}"
    elif event.kind == ItemEventKind.RESOLVED:
        extra = f" ({views.label(copy.OUTCOME_LABELS, data.get('outcome', ''))})"
    elif event.kind == ItemEventKind.TAKEN and data.get("from"):
        extra = f" over from {views.mention(data['from'])}"
    elif event.kind == ItemEventKind.SNOOZED:
        extra = data.get("until_text", "")
    return copy.event_line(event.kind, actor, note, extra)


def _maybe_sent(exc: Exception) -> bool:
    """False only when Slack answered that it did not take the request."""
    if isinstance(exc, SlackError):
        return exc.maybe_sent
    return True  # a timeout or a dropped connection: the post may be in Slack


def _retry_after(exc: Exception) -> timedelta:
    """Slack's Retry-After on a 429, so the next attempt waits as long as Slack asked."""
    if not isinstance(exc, SlackError) or exc.retry_after is None:
        return timedelta(0)
    return timedelta(seconds=exc.retry_after)


def _describe(exc: Exception) -> str:
    if isinstance(exc, SlackError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"[:300]
