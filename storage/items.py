"""Queries on the item table: lookups, the row lock for an action, the nudge scan and its claims.

Keyword-only arguments after the session; none of these commit, the caller's unit of work does.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import and_, bindparam, or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.db import affected, insert_row
from storage.models import Item, ItemEvent, Outbox
from storage.values import ItemStatus

# The two per-deadline claims an open item carries: the owner was nudged, the leads were told.
DeadlineClaim = Literal["nudged_for_due_at", "escalated_for_due_at"]


def get_item(session: Session, *, item_id: int | None, fresh: bool = False) -> Item | None:
    """The item as this session sees it now (after a claim, for the fresh row to render);
    fresh: read again from the database even when the session already holds it."""
    if item_id is None:
        return None
    return session.get(Item, item_id, populate_existing=fresh)


def get_item_by_client_key(session: Session, *, client_key: str) -> Item | None:
    """The item one capture request stored: a retried request finds it instead of a duplicate.

    Every capture asks and almost always hears "none": the question is a prepared Core
    statement reading only the id, and the item is loaded only when there is one."""
    found = session.connection().execute(_id_by_client_key(), {"key": client_key}).scalar()
    return None if found is None else session.get(Item, int(found))


def insert_item(session: Session, *, item: Item) -> bool:
    """Insert a new item (its id is set); False when its client_key is already stored (a
    retried request, or a racing one, got there first)."""
    return insert_row(session, item, unique="client_key") is not None


def lock_item(session: Session, *, item_id: int, team_id: str) -> Item | None:
    """The item in this workspace, row-locked (PostgreSQL) so concurrent actions queue on it.

    The team id is part of the lookup so one workspace can never act on another's item.
    """
    return session.exec(
        select(Item).where(Item.id == item_id, Item.slack_team_id == team_id).with_for_update()
    ).first()


def open_items(session: Session) -> list[Item]:
    """Every open item, for the digest (due today, per-team summaries)."""
    return list(session.exec(select(Item).where(Item.status == ItemStatus.OPEN)).all())


def open_items_due(
    session: Session, *, until: datetime, after: tuple[datetime, int] | None, limit: int
) -> list[Item]:
    """One keyset page of open items due by `until` that still need a nudge or an escalation.

    An index range scan on (status, due_at, id) ordered by (due_at, id); `after` is the last
    (due_at, id) of the previous page, so a large overdue backlog never hides items that fall
    due later. Items already nudged and escalated for their current deadline stay out in SQL.
    """
    stmt = select(Item).where(
        col(Item.status) == ItemStatus.OPEN,
        col(Item.due_at) <= until,
        or_(
            col(Item.nudged_for_due_at).is_(None),
            col(Item.nudged_for_due_at) != Item.due_at,
            col(Item.escalated_for_due_at).is_(None),
            col(Item.escalated_for_due_at) != Item.due_at,
        ),
    )
    if after is not None:
        stmt = stmt.where(
            or_(
                col(Item.due_at) > after[0],
                and_(col(Item.due_at) == after[0], col(Item.id) > after[1]),
            )
        )
    return list(session.exec(stmt.order_by(col(Item.due_at), col(Item.id)).limit(limit)).all())


def claim_nudge(
    session: Session, *, item_id: int | None, due_at: datetime, column: DeadlineClaim
) -> bool:
    """Mark the item nudged (or escalated) for this deadline; False when it is not ours to send.

    One conditional UPDATE: it only matches while the item is open, still due at `due_at` and
    not yet claimed for that deadline, so of two processes exactly one wins, and a deadline
    that moved meanwhile (an update, a snooze) is left to the next run.
    """
    target = col(getattr(Item, column))
    result = session.execute(
        update(Item)
        .where(
            col(Item.id) == item_id,
            col(Item.status) == ItemStatus.OPEN,
            col(Item.due_at) == due_at,
            or_(target.is_(None), target != due_at),
        )
        .values({column: due_at})
        .execution_options(synchronize_session=False)
    )
    return affected(result) == 1


# --- for delivery: the reads a send renders from, and where the item's card was posted -------


def get_item_event(session: Session, *, event_id: int | None) -> ItemEvent | None:
    """One event of an item's history, for the thread note that tells the card about it."""
    if event_id is None:
        return None
    return session.get(ItemEvent, event_id)


def get_outbox_row(session: Session, *, row_id: int) -> Outbox | None:
    """One outbox row as stored now (for the admin's status and due listings).

    Kept here beside the other delivery reads; storage.outbox would be its natural home.
    """
    return session.get(Outbox, row_id)


def record_card(
    session: Session,
    *,
    item_id: int | None,
    move: int,
    card_channel: str,
    card_ts: str,
    permalink: str | None = None,
) -> bool:
    """Where the card for this move was posted; False when the item moved on meanwhile.

    Conditioned on `moves`, so a card that got out late never overwrites the newer card of a
    later move (that card's own row records it).
    """
    return _set_card_for_move(
        session,
        item_id=item_id,
        move=move,
        card_channel=card_channel,
        card_ts=card_ts,
        card_permalink=permalink,
    )


def record_card_permalink(
    session: Session, *, item_id: int | None, move: int, permalink: str
) -> bool:
    """The link to this move's card; False when the item moved on (the link is a stale card's)."""
    return _set_card_for_move(session, item_id=item_id, move=move, card_permalink=permalink)


def record_permalink_for_card(
    session: Session, *, item_id: int | None, card_ts: str, permalink: str
) -> bool:
    """The link to the card posted at `card_ts`, found late; False when another card replaced it."""
    result = session.execute(
        update(Item)
        .where(col(Item.id) == item_id, col(Item.card_ts) == card_ts)
        .values(card_permalink=permalink)
        .execution_options(synchronize_session=False)
    )
    return affected(result) == 1


def _set_card_for_move(session: Session, *, item_id: int | None, move: int, **values: Any) -> bool:
    stmt = _card_for_move_update(tuple(sorted(values)))
    params = {"item_id": item_id, "move": move, **{f"new_{k}": v for k, v in values.items()}}
    return affected(session.connection().execute(stmt, params)) == 1


# Prepared once: every card posted runs these, and building a statement costs more than
# running it. Core statements: the ORM's session objects are not synchronized (as before).
@lru_cache(maxsize=1)
def _id_by_client_key() -> Any:
    t = Item.__table__  # type: ignore[attr-defined]
    return sa_select(t.c.id).where(t.c.client_key == bindparam("key"))


@lru_cache(maxsize=4)
def _card_for_move_update(names: tuple[str, ...]) -> Any:
    t = Item.__table__  # type: ignore[attr-defined]
    return (
        update(t)
        .where(t.c.id == bindparam("item_id"), t.c.moves == bindparam("move"))
        .values({name: bindparam(f"new_{name}") for name in names})
    )


# --- merges: the form's choice of targets, and the merge note to update on undo -----------------


def open_items_of_team(
    session: Session, *, team_id: str, team_key: str, exclude_id: int | None, limit: int
) -> list[Item]:
    """The team's open items, most customers first then newest (a merge form's choices)."""
    stmt = select(Item).where(
        Item.slack_team_id == team_id,
        Item.team_key == team_key,
        col(Item.status) == ItemStatus.OPEN,
    )
    if exclude_id is not None:
        stmt = stmt.where(col(Item.id) != exclude_id)
    stmt = stmt.order_by(col(Item.customers).desc(), col(Item.id).desc()).limit(limit)
    return list(session.exec(stmt).all())


def get_outbox_row_by_key(session: Session, *, key: str) -> Outbox | None:
    """One outbox row by its key (the thread note a merge posted, to update it on undo)."""
    return session.exec(select(Outbox).where(col(Outbox.key) == key)).first()
