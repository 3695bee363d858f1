"""Queries on the append-only item_event table: recording once per key, reading recent moves.

Keyword-only arguments after the session; none of these commit, the caller's unit of work does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from storage.db import insert_once, insert_values
from storage.models import Item, ItemEvent


def event_by_dedupe_key(session: Session, *, dedupe_key: str) -> ItemEvent | None:
    """The event a submission already recorded: a resubmitted modal must change nothing."""
    return session.exec(select(ItemEvent).where(ItemEvent.dedupe_key == dedupe_key)).first()


def record_event(
    session: Session,
    *,
    item: Item,
    kind: str,
    actor_id: str | None,
    now: datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> ItemEvent | None:
    """Append an event to the item's history; None when its dedupe key was recorded before.

    The lookup answers the common repeat without a failed insert; the unique key (under a
    savepoint) settles a race between two processes.
    """
    if dedupe_key and event_by_dedupe_key(session, dedupe_key=dedupe_key):
        return None
    event = ItemEvent(
        slack_team_id=item.slack_team_id,
        item_id=item.id or 0,
        kind=kind,
        actor_id=actor_id,
        note=note,
        data=data or {},
        dedupe_key=dedupe_key,
        created_at=now,
    )
    return event if insert_once(session, event) else None


def add_event(
    session: Session,
    *,
    item_id: int,
    team_id: str,
    kind: str,
    actor_id: str | None,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> int:
    """Append an event that cannot repeat (the item's first), inserted at once (one statement);
    its id."""
    new_id = insert_values(
        session,
        ItemEvent,
        slack_team_id=team_id,
        item_id=item_id,
        kind=kind,
        actor_id=actor_id,
        created_at=now,
        data=data or {},
    )
    assert new_id is not None, "an event without a unique key is always inserted"
    return new_id


def moves_between(
    session: Session, *, since: datetime, until: datetime, kinds: Iterable[str]
) -> list[tuple[ItemEvent, Item]]:
    """Events of these kinds in [since, until] with their items, oldest first (for the digest)."""
    rows = session.exec(
        select(ItemEvent, Item)
        .join(Item, col(Item.id) == col(ItemEvent.item_id))
        .where(
            ItemEvent.created_at >= since,
            ItemEvent.created_at <= until,
            col(ItemEvent.kind).in_(list(kinds)),
        )
        .order_by(col(ItemEvent.id))
    ).all()
    return list(rows)
