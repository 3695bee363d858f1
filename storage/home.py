"""Queries behind App Home and the item lookups of the listeners' services.

Every App Home list is one keyset page: `after` is the sort key of the previous page's last row,
the order always ends with the item id (stable however many rows share a due time or a customer
count), and a page reads at most `limit + 1` rows (the extra one says whether there is more).
Counts are single COUNT queries. Open means ItemStatus.OPEN: an item merged into another is
never open work.

Keyword-only arguments after the session; none of these commit, the caller's unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, union
from sqlmodel import Session, col, func, select

from storage.models import Item, ItemEvent, Report
from storage.values import ItemEventKind, ItemStatus

Due = tuple[datetime, int]  # (due_at, id) of a row of a list ordered soonest due first
Ask = tuple[int, int]  # (customers, id) of a row of a list ordered most customers first


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, whether more follow, and how many the whole list has."""

    rows: list[Item]
    more: bool
    total: int


def item_in_workspace(session: Session, *, item_id: int, team_id: str) -> Item | None:
    """The item in this workspace (no lock): one workspace never sees another's item."""
    return session.exec(
        select(Item).where(Item.id == item_id, Item.slack_team_id == team_id)
    ).first()


def _open(team_id: str) -> tuple[ColumnElement[bool], ...]:
    return (col(Item.slack_team_id) == team_id, col(Item.status) == ItemStatus.OPEN)


def _page(session: Session, stmt: Any, where: Sequence[Any], limit: int) -> Page:
    rows = list(session.exec(stmt.limit(limit + 1)).all())
    total = session.exec(select(func.count()).select_from(Item).where(*where)).one()
    return Page(rows=rows[:limit], more=len(rows) > limit, total=int(total))


def _by_due(
    session: Session, where: Sequence[ColumnElement[bool]], after: Due | None, limit: int
) -> Page:
    """Soonest due first, then by id."""
    stmt = select(Item).where(*where)
    if after is not None:
        stmt = stmt.where(
            or_(
                col(Item.due_at) > after[0],
                and_(col(Item.due_at) == after[0], col(Item.id) > after[1]),
            )
        )
    return _page(session, stmt.order_by(col(Item.due_at), col(Item.id)), where, limit)


def owned_page(session: Session, *, team_id: str, user: str, after: Due | None, limit: int) -> Page:
    """The person's open items, soonest due first (index ix_item_owner)."""
    return _by_due(session, (*_open(team_id), col(Item.owner_id) == user), after, limit)


def open_team_keys(session: Session, *, team_id: str) -> list[str]:
    """The team keys that have open items (the teams whose queue someone may need to see).

    One DISTINCT over the open items (a covering index scan with ix_item_team_open_due, see
    docs/benchmarks.md). A recursive "next key" seek would read one entry per team with that
    index, and every open item per team without it, so this stays the plain query.
    """
    return sorted(session.exec(select(Item.team_key).where(*_open(team_id)).distinct()).all())


def overdue_page(
    session: Session,
    *,
    team_id: str,
    team_keys: Sequence[str],
    now: datetime,
    after: Due | None,
    limit: int,
) -> Page:
    """Open items of these teams whose update is overdue, longest overdue first."""
    where = (*_open(team_id), col(Item.team_key).in_(list(team_keys)), col(Item.due_at) < now)
    return _by_due(session, where, after, limit)


def due_soon_page(
    session: Session,
    *,
    team_id: str,
    team_keys: Sequence[str],
    now: datetime,
    until: datetime,
    after: Due | None,
    limit: int,
) -> Page:
    """Open items of these teams due in [now, until), soonest first, owned or not."""
    where = (
        *_open(team_id),
        col(Item.team_key).in_(list(team_keys)),
        col(Item.due_at) >= now,
        col(Item.due_at) < until,
    )
    return _by_due(session, where, after, limit)


def unowned_page(
    session: Session,
    *,
    team_id: str,
    team_keys: Sequence[str],
    since: datetime,
    after: Due | None,
    limit: int,
) -> Page:
    """Open items of these teams nobody owns, due at `since` or later (the ones due sooner are
    already in the overdue and due-soon lists), soonest due first."""
    where = (
        *_open(team_id),
        col(Item.team_key).in_(list(team_keys)),
        col(Item.owner_id).is_(None),
        col(Item.due_at) >= since,
    )
    return _by_due(session, where, after, limit)


def top_asks_page(
    session: Session,
    *,
    team_id: str,
    team_keys: Sequence[str],
    since: datetime,
    after: Ask | None,
    limit: int,
) -> Page:
    """Open items of these teams created, or reported again, since `since`: most customers
    first, then newest."""
    # per item of the teams' open items (index ix_report_item_id), not over the whole
    # workspace's reports of the week
    reported = (
        select(Report.id)
        .where(
            col(Report.item_id) == Item.id,
            col(Report.slack_team_id) == team_id,
            col(Report.created_at) >= since,
        )
        .exists()
    )
    where = (
        *_open(team_id),
        col(Item.team_key).in_(list(team_keys)),
        or_(col(Item.created_at) >= since, reported),
    )
    stmt = select(Item).where(*where)
    if after is not None:
        stmt = stmt.where(
            or_(
                col(Item.customers) < after[0],
                and_(col(Item.customers) == after[0], col(Item.id) < after[1]),
            )
        )
    order = stmt.order_by(col(Item.customers).desc(), col(Item.id).desc())
    return _page(session, order, where, limit)


def logged_page(
    session: Session, *, team_id: str, user: str, after: int | None, limit: int
) -> Page:
    """Items the person logged (as the item's reporter, or with a report of theirs on it, which
    a merge may have moved to another item), newest first; items merged away stay out (their
    reports, and so the person's, are on the item they were merged into)."""

    def ids_below(bound: int | None) -> Any:
        mine = select(Item.id).where(
            col(Item.slack_team_id) == team_id, col(Item.reporter_id) == user
        )
        theirs = select(Report.item_id).where(
            col(Report.slack_team_id) == team_id, col(Report.agent_id) == user
        )
        if bound is not None:
            mine = mine.where(col(Item.id) < bound)
            theirs = theirs.where(col(Report.item_id) < bound)
        return union(mine, theirs).subquery()

    def stmt_for(bound: int | None, *what: Any) -> Any:
        ids = ids_below(bound)
        return (
            select(*what)
            .join(ids, col(Item.id) == ids.c[0])
            .where(col(Item.status) != ItemStatus.MERGED)
        )

    rows = list(
        session.exec(stmt_for(after, Item).order_by(col(Item.id).desc()).limit(limit + 1)).all()
    )
    total = session.exec(stmt_for(None, func.count(col(Item.id)))).one()
    return Page(rows=rows[:limit], more=len(rows) > limit, total=int(total))


def latest_events(session: Session, *, item_ids: Sequence[int]) -> dict[int, ItemEvent]:
    """Each item's latest change (nudges left out: they change nothing), by item id."""
    if not item_ids:
        return {}
    latest = (
        select(func.max(col(ItemEvent.id)))
        .where(
            col(ItemEvent.item_id).in_(list(item_ids)),
            col(ItemEvent.kind) != ItemEventKind.NUDGED,
        )
        .group_by(col(ItemEvent.item_id))
    )
    events = session.exec(select(ItemEvent).where(col(ItemEvent.id).in_(latest))).all()
    return {event.item_id: event for event in events}
