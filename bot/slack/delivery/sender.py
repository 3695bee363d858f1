"""The outbox sender: claims a row, hands it to the sender of its kind, records the outcome."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.core.config import FrontlineConfig
from bot.slack.delivery.cards import CardSenders
from bot.slack.delivery.ephemeral import EphemeralSenders
from bot.slack.delivery.files import FileSenders
from bot.slack.delivery.messages import MessageSenders
from bot.slack.delivery.policy import (
    FINISHED,
    MAX_ATTEMPTS,
    Defer,
    SendReport,
    backoff,
    defer_wait,
    describe,
    maybe_sent,
    retry_after,
)
from bot.slack.gateway_protocol import SlackError, SlackGateway
from storage import items, outbox
from storage.engine import Engine
from storage.models import Outbox
from storage.values import OutboxKind

log = logging.getLogger("bot.slack.delivery")


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
        cards = CardSenders(slack, config, now)
        messages = MessageSenders(slack, config)
        self._senders: dict[OutboxKind, Callable[[Session, Outbox], dict[str, Any]]] = {
            OutboxKind.CARD: cards.card,
            OutboxKind.CARD_REFRESH: cards.refresh,
            OutboxKind.CARD_MOVED: cards.moved,
            OutboxKind.THREAD: messages.thread,
            OutboxKind.FULL_TEXT: cards.full_text,
            OutboxKind.DM: messages.dm,
            OutboxKind.POST: messages.post,
            OutboxKind.FILE: FileSenders(slack).file,
            OutboxKind.EPHEMERAL: EphemeralSenders(slack).ephemeral,
        }

    # --- public ---------------------------------------------------------------------------------
    def send(self, row_ids: Iterable[int]) -> SendReport:
        sent = failed = skipped = 0
        results: dict[int, dict[str, Any]] = {}
        for row_id in row_ids:
            state = self._send_one(row_id, results)
            if state == "sent":
                sent += 1
            elif state == "failed":
                failed += 1
            else:
                skipped += 1
        return SendReport(sent, failed, skipped, results)

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

    # --- internals ------------------------------------------------------------------------------
    def _send_one(self, row_id: int, results: dict[int, dict[str, Any]]) -> str:
        now = self.now()
        with Session(self.engine, expire_on_commit=False) as session:
            row = outbox.claim(session, row_id, now)
            if row is None:
                return "skipped"
            try:
                result = self._dispatch(session, row)
            except Defer as why:
                session.rollback()
                wait = defer_wait(row.attempts)
                retry_at = None if row.attempts >= MAX_ATTEMPTS * 2 else now + wait
                outbox.fail(session, row, now, f"waiting: {why}", retry_at)
                return "skipped"
            except (SlackError, OSError) as exc:
                session.rollback()
                error = describe(exc)
                wait = max(backoff(row.attempts), retry_after(exc))
                retry_at = None if row.attempts >= MAX_ATTEMPTS else now + wait
                log.warning(
                    "outbox %s (%s) failed on attempt %s: %s",
                    row.key,
                    row.kind,
                    row.attempts,
                    error,
                )
                outbox.fail(session, row, now, error, retry_at, unsure=maybe_sent(exc))
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
            results[row_id] = result
            return "sent"

    def _dispatch(self, session: Session, row: Outbox) -> dict[str, Any]:
        if row.kind not in self._senders:
            raise ValueError(f"unknown outbox kind {row.kind}")
        return self._senders[OutboxKind(row.kind)](session, row)
