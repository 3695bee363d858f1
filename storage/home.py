"""Queries behind App Home and the item lookups of the listeners' services.

Keyword-only arguments after the session; none of these commit, the caller's unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, func, select

from storage.models import Item
from storage.values import ItemStatus


def item_in_workspace(session: Session, *, item_id: int, team_id: str) -> Item | None:
    """The item in this workspace (no lock): one workspace never sees another's item."""
    return session.exec(
        select(Item).where(Item.id == item_id, Item.slack_team_id == team_id)
    ).first()


def owned_open(session: Session, *, team_id: str, user: str, limit: int) -> tuple[list[Item], int]:
    """The person's open items, soonest due first (at most `limit`), and how many there are."""
    mine = (
        Item.slack_team_id == team_id,
        Item.owner_id == user,
        Item.status == ItemStatus.OPEN,
    )
    rows = session.exec(
        select(Item).where(*mine).order_by(col(Item.due_at), col(Item.id)).limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(Item).where(*mine)).one()
    return list(rows), total


def logged_by(session: Session, *, team_id: str, user: str, limit: int) -> list[Item]:
    """What the person logged lately, newest first."""
    return list(
        session.exec(
            select(Item)
            .where(Item.slack_team_id == team_id, Item.reporter_id == user)
            .order_by(col(Item.id).desc())
            .limit(limit)
        ).all()
    )


def _unowned(team_id: str) -> tuple[ColumnElement[bool], ...]:
    return (
        col(Item.slack_team_id) == team_id,
        col(Item.owner_id).is_(None),
        col(Item.status) == ItemStatus.OPEN,
    )


def unowned_team_keys(session: Session, *, team_id: str) -> list[str]:
    """The team keys that have open items nobody owns."""
    return list(session.exec(select(Item.team_key).where(*_unowned(team_id)).distinct()).all())


def unowned_open(
    session: Session, *, team_id: str, team_keys: Sequence[str], limit: int
) -> tuple[list[Item], int]:
    """Open items nobody owns in these teams, soonest due first (at most `limit`), and the count."""
    where = (*_unowned(team_id), col(Item.team_key).in_(list(team_keys)))
    rows = session.exec(
        select(Item).where(*where).order_by(col(Item.due_at), col(Item.id)).limit(limit)
    ).all()
    total = session.exec(select(func.count()).select_from(Item).where(*where)).one()
    return list(rows), total
