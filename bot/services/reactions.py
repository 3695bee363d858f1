"""Capture where the conversation is: a configured emoji reaction on a message, or the button
offered when someone mentions @Frontline in a thread.

Runs after the event's ack (the listener hands it to `after_ack`): Slack is read first, then the
item and every message about it are stored in one transaction, then the outbox sends them.
Once per message: the item's client key is `reaction:<channel>:<ts>`, so any later reaction,
retried event or second bot process finds the first item instead of making another.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from bot.capture import intake as capture
from bot.capture import reactions as rules
from bot.capture.reactions import Target
from bot.cards import corrections, workflow
from bot.core import ids
from bot.core.config import FrontlineConfig
from bot.core.items import is_open
from bot.core.text import inert
from bot.core.wallclock import Now
from bot.services.capture import CaptureService
from bot.services.card_actions import CardActions, Opening
from bot.slack import copy, views
from bot.slack.delivery import Delivery
from bot.slack.gateway_protocol import SlackError, SlackGateway
from storage import items, outbox
from storage.db import session_scope
from storage.engine import Engine
from storage.models import Item
from storage.values import OutboxKind

log = logging.getLogger(__name__)


class ReactionService:
    def __init__(
        self,
        config: FrontlineConfig,
        engine: Engine,
        gateway: SlackGateway,
        now: Now,
        delivery: Delivery,
        cards: CardActions,
        capturing: CaptureService,
    ) -> None:
        """capturing: stores the item as every other capture does (and counts it)."""
        self._capturing = capturing
        self._config = config
        self._engine = engine
        self._slack = gateway
        self._now = now
        self._delivery = delivery
        self._cards = cards

    # --- the listeners' calls (after the ack) ---------------------------------------------------
    def reaction_added(self, team_id: str, event: dict[str, Any]) -> None:
        """A reaction: a configured one logs the message, once; any other is ignored."""
        if not rules.counts(str(event.get("reaction") or ""), self._config):
            return
        target = rules.target_of(event, team_id)
        if target is None or not target.user:
            return
        if rules.is_dm(target.channel):
            self._dm(target, "refused", copy.REACTION_IN_DM)
            return
        self.log_message(target)

    def mentioned(self, team_id: str, event: dict[str, Any]) -> None:
        """@Frontline in a thread offers to log the thread's first message; elsewhere, help."""
        channel, user = str(event.get("channel") or ""), str(event.get("user") or "")
        ts, parent = str(event.get("ts") or ""), str(event.get("thread_ts") or "")
        if not channel or not user or not ts:
            return
        if parent and parent != ts:
            text = copy.MENTION_OFFER
            blocks = views.thread_offer_blocks(text, channel, parent)
        else:
            text, blocks = copy.MENTION_HELP, views.text_blocks(copy.MENTION_HELP)
        self._note(
            team_id,
            f"mention:{channel}:{ts}",
            channel,
            user,
            text,
            blocks,
            thread_ts=parent or None,
        )

    def log_thread(self, team_id: str, user: str, value: str) -> None:
        """The offer's button: the thread's first message, logged like a reaction on it."""
        channel, _, ts = value.partition("|")
        if channel and ts and user:
            self.log_message(Target(team_id, channel, ts, user))

    def log_message(self, target: Target) -> None:
        """Read the message, then log it once; the person hears what happened, privately."""
        existing = self._existing(target)
        if existing is not None:
            self._already(target, existing)
            return
        try:
            message = self._slack.read_message(target.channel, target.ts)
        except SlackError as exc:
            if not exc.answered or exc.error not in rules.UNREADABLE:
                raise
            log.info("cannot read %s/%s: %s", target.channel, target.ts, exc.error)
            message = None
        if message is None:
            self._dm(target, "unreadable", copy.reaction_cannot_read(f"<#{target.channel}>"))
            return
        refused = rules.refusal(message)
        if refused:
            self._note(
                target.team_id, self._key(target, "refused"), target.channel, target.user, refused
            )
            return
        link = self._permalink(target)
        draft = rules.draft_of(message, target.channel, target.ts, link)
        self._store(target, draft)

    # --- the note's buttons ---------------------------------------------------------------------
    def mark_urgent(self, team_id: str, user: str, ref: str) -> workflow.Change:
        return self._correct(
            team_id,
            user,
            ref,
            lambda s, i: corrections.mark_urgent(s, i, user, self._now(), self._config),
        )

    def customer_form(self, team_id: str, user: str, ref: str) -> Opening:
        """Before the "Add customer" modal opens: the item, or why not."""
        item = self._cards.get_item(team_id, ref)
        if item is None:
            return Opening(None, copy.item_not_found(inert(ref, 40) or "that item"))
        if not self._may_correct(item, user):
            return Opening(item, self._cards.refusal(item))
        return Opening(item)

    def set_customer(
        self, team_id: str, user: str, item_id: int | None, customer: str
    ) -> workflow.Change:
        return self._correct(
            team_id,
            user,
            item_id,
            lambda s, i: corrections.set_customer(s, i, user, customer, self._now()),
        )

    def undo(self, team_id: str, user: str, ref: str) -> workflow.Change:
        """Only the person who logged it takes it back."""
        item = self._cards.get_item(team_id, ref)
        if item is not None and item.reporter_id != user:
            return workflow.Change(
                item, message=copy.capture_undo_not_yours(ids.item_ref(item.id or 0))
            )
        return self._correct(
            team_id, user, ref, lambda s, i: corrections.withdraw(s, i, user, self._now())
        )

    # --- private --------------------------------------------------------------------------------
    def _store(self, target: Target, draft: capture.Draft) -> None:
        captured = self._capturing.capture(
            draft, team_id=target.team_id, user_id=target.user, client_key=target.client_key
        )
        if not captured.created:  # a racing reactor (another process) logged it first
            self._already(target, captured.item)
            return
        item, ref = captured.item, captured.ref
        reason = views.reason_md(views.shown_reason(item.routing_reason), 600)
        text = copy.reaction_logged(ref, inert(captured.team.name, 80), reason)
        with session_scope(self._engine) as session:
            row = outbox.enqueue(
                session,
                key=f"reaction-note:{item.id}",
                kind=OutboxKind.EPHEMERAL,
                team_id=target.team_id,
                now=self._now(),
                item_id=item.id,
                payload={
                    "channel": target.channel,
                    "user": target.user,
                    "text": copy.reaction_logged_fallback(ref, captured.team.name),
                    "blocks": views.capture_note_blocks(text, item),
                },
            )
            note = [row.id] if row and row.id else []
        self._delivery.send([*captured.outbox_ids, *note])

    def _already(self, target: Target, item: Item) -> None:
        team = self._config.owner_of(item.team_key)
        status = "" if is_open(item) else views.label(copy.STATUS_LABELS, item.status)
        text = copy.reaction_already(
            ids.item_ref(item.id or 0), inert(team.name, 80), item.card_permalink, status
        )
        self._note(target.team_id, self._key(target, "seen"), target.channel, target.user, text)

    def _existing(self, target: Target) -> Item | None:
        with Session(self._engine, expire_on_commit=False) as session:
            return items.get_item_by_client_key(session, client_key=target.client_key)

    def _permalink(self, target: Target) -> str | None:
        """The message's own link (a reply's, not its thread's); None when Slack gives none."""
        try:
            return self._slack.permalink(target.channel, target.ts)
        except SlackError as exc:
            log.warning("no permalink for %s/%s: %s", target.channel, target.ts, exc.error)
            return None

    @staticmethod
    def _key(target: Target, what: str) -> str:
        return f"reaction-{what}:{target.channel}:{target.ts}:{target.user}"

    def _dm(self, target: Target, what: str, text: str) -> None:
        self._note(target.team_id, self._key(target, what), None, target.user, text)

    def _note(
        self,
        team_id: str,
        key: str,
        channel: str | None,
        user: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> None:
        """A private note (a DM when channel is None), once per key."""
        payload = {
            "channel": channel,
            "user": user,
            "text": text,
            "blocks": blocks or views.text_blocks(text),
            "thread_ts": thread_ts,
        }
        with session_scope(self._engine) as session:
            row = outbox.enqueue(
                session,
                key=capture.capped_key(key),
                kind=OutboxKind.EPHEMERAL,
                team_id=team_id,
                now=self._now(),
                payload=payload,
            )
            row_id = row.id if row else None
        if row_id:
            self._delivery.send([row_id])

    def _may_correct(self, item: Item, user: str) -> bool:
        return item.reporter_id == user or self._cards.may_act(item, user)

    def _correct(
        self,
        team_id: str,
        user: str,
        ref: str | int | None,
        fn: Callable[[Session, Item], workflow.Change],
    ) -> workflow.Change:
        """Who may (the reporter, or the owning team), then the change under a row lock."""
        found = self._cards.get_item(team_id, ref)
        if found is None:
            return workflow.Change(None, message=copy.item_not_found(str(ref or "that item")))
        if not self._may_correct(found, user):
            return workflow.Change(found, message=self._cards.refusal(found))
        with session_scope(self._engine) as session:
            item = workflow.load(session, found.id, team_id)
            if item is None:
                return workflow.Change(
                    None, message=copy.item_not_found(ids.item_ref(found.id or 0))
                )
            if item.team_key != found.team_key and not self._may_correct(item, user):
                session.rollback()  # it moved meanwhile: the new team's rules apply
                return workflow.Change(item, message=self._cards.refusal(item))
            change = fn(session, item)
            if change.errors:
                session.rollback()
        return change
