"""Streaming reads for the export: items (or reports) in keyset pages, so memory stays flat.

Each page is one query `WHERE id > :last ORDER BY id LIMIT :size` (the primary key's index), read
as plain column tuples into small frozen records (no ORM identity map to grow), and each page of
items gets its customers' names with one more query on that page's ids. Nothing here holds more
than a page at a time, however many rows the export has. None of these write.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from storage.models import Item, Report, UTCDateTime

PAGE_SIZE = 1000


@dataclass(frozen=True)
class ExportFilter:
    """Which rows: created in [since, until) (aware UTC; None = open-ended), of these team keys
    (None = every team)."""

    since: datetime | None = None
    until: datetime | None = None
    teams: Collection[str] | None = None


@dataclass(frozen=True)
class ExportItem:
    id: int
    created_at: datetime
    team_key: str
    kind: str
    urgency: str
    status: str
    outcome: str | None
    rule_outcome: str | None
    summary: str
    details: str
    customers: int
    reporter_id: str
    owner_id: str | None
    first_update_at: datetime | None
    informed_at: datetime
    resolved_at: datetime | None
    card_permalink: str | None
    merged_into_id: int | None
    customer_names: tuple[str, ...] = ()  # distinct (ignoring case), first spelling, oldest first


@dataclass(frozen=True)
class ExportReport:
    id: int
    item_id: int
    created_at: datetime
    customer: str
    quote: str
    agent_id: str
    source_permalink: str | None
    team_key: str
    status: str
    outcome: str | None


_ITEM_COLUMNS: list[Any] = [
    Item.id,
    Item.created_at,
    Item.team_key,
    Item.kind,
    Item.urgency,
    Item.status,
    Item.outcome,
    Item.rule_outcome,
    Item.summary,
    Item.details,
    Item.customers,
    Item.reporter_id,
    Item.owner_id,
    Item.first_update_at,
    Item.informed_at,
    Item.resolved_at,
    Item.card_permalink,
    Item.merged_into_id,
]


def _at(moment: datetime) -> Any:
    """A time as a SQL value stored the way the columns store it (naive UTC)."""
    return literal(moment, UTCDateTime())


def _conditions(created: Any, team: Any, where: ExportFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if where.since is not None:
        found.append(created >= _at(where.since))
    if where.until is not None:
        found.append(created < _at(where.until))
    if where.teams is not None:
        found.append(team.in_(sorted(where.teams)))
    return found


def count_items(engine: Engine, where: ExportFilter) -> int:
    stmt = select(func.count()).select_from(Item)
    conditions = _conditions(col(Item.created_at), col(Item.team_key), where)
    if conditions:
        stmt = stmt.where(and_(*conditions))
    with Session(engine) as session:
        return int(session.execute(stmt).scalar_one())


def count_reports(engine: Engine, where: ExportFilter) -> int:
    stmt = select(func.count()).select_from(Report).join(Item, col(Item.id) == col(Report.item_id))
    conditions = _conditions(col(Report.created_at), col(Item.team_key), where)
    if conditions:
        stmt = stmt.where(and_(*conditions))
    with Session(engine) as session:
        return int(session.execute(stmt).scalar_one())


def _names(session: Session, item_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Each item's distinct customer names (case-insensitive, first spelling), oldest first."""
    stmt = (
        select(col(Report.item_id), col(Report.customer), col(Report.customer_key))
        .where(col(Report.item_id).in_(item_ids), col(Report.customer_key) != "")
        .order_by(col(Report.item_id), col(Report.id))
    )
    found: dict[int, dict[str, str]] = {}
    for item_id, customer, key in session.execute(stmt):
        found.setdefault(item_id, {}).setdefault(key, " ".join(customer.split()))
    return {item_id: tuple(names.values()) for item_id, names in found.items()}


def iter_items(
    engine: Engine, where: ExportFilter, *, page_size: int = PAGE_SIZE
) -> Iterator[list[ExportItem]]:
    """The items, oldest id first, one page (list) at a time, each with its customers' names."""
    conditions = _conditions(col(Item.created_at), col(Item.team_key), where)
    last = 0
    while True:
        stmt = (
            select(*_ITEM_COLUMNS)
            .where(col(Item.id) > last, *conditions)
            .order_by(col(Item.id))
            .limit(page_size)
        )
        with Session(engine) as session:
            rows = session.execute(stmt).all()
            if not rows:
                return
            names = _names(session, [r[0] for r in rows])
        page = [ExportItem(**row._mapping, customer_names=names.get(row[0], ())) for row in rows]
        last = page[-1].id
        yield page
        if len(rows) < page_size:
            return


def iter_reports(
    engine: Engine, where: ExportFilter, *, page_size: int = PAGE_SIZE
) -> Iterator[list[ExportReport]]:
    """The reports (filtered on the report's own created_at and its item's team), by id."""
    conditions = _conditions(col(Report.created_at), col(Item.team_key), where)
    last = 0
    while True:
        stmt = (
            select(
                col(Report.id),
                col(Report.item_id),
                col(Report.created_at),
                col(Report.customer),
                col(Report.quote),
                col(Report.agent_id),
                col(Report.source_permalink),
                col(Item.team_key),
                col(Item.status),
                col(Item.outcome),
            )
            .join(Item, col(Item.id) == col(Report.item_id))
            .where(col(Report.id) > last, *conditions)
            .order_by(col(Report.id))
            .limit(page_size)
        )
        with Session(engine) as session:
            rows = session.execute(stmt).all()
        if not rows:
            return
        page = [ExportReport(*row) for row in rows]
        last = page[-1].id
        yield page
        if len(rows) < page_size:
            return
