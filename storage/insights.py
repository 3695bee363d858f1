"""Queries behind the weekly insight: grouped counts per team, a few top-N lists, raw rows only
where the domain must do arithmetic SQL cannot (business time on a team's calendar).

Every function reads a window [since, until) and groups in the database: the job stays fast
with 100 teams and 100,000 items. Keyword-only arguments after the session; none commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlmodel import Session, col

from storage.models import Item, ItemEvent, Outbox, Report, UTCDateTime
from storage.values import ItemEventKind, ItemKind, ItemStatus, Outcome

ALL = ""  # the team key of org-wide totals


def _at(moment: datetime) -> Any:
    """A time as a SQL value stored the way the columns store it (naive UTC)."""
    return literal(moment, UTCDateTime())


def _within(column: Any, since: datetime, until: datetime) -> ColumnElement[bool]:
    return and_(column >= _at(since), column < _at(until))


@dataclass(frozen=True)
class Resolved:
    resolved: int = 0
    done: int = 0
    wont_do: int = 0


@dataclass(frozen=True)
class ItemLine:
    """One item in a list of the report: what it is, how many customers, since when."""

    id: int
    team_key: str
    summary: str
    customers: int
    created_at: datetime
    status: str
    card_permalink: str | None
    rule_outcome: str | None = None


@dataclass(frozen=True)
class FirstUpdate:
    team_key: str
    urgency: str
    created_at: datetime
    first_update_at: datetime


@dataclass(frozen=True)
class Move:
    """One reassignment: the item moved from one team to another."""

    item_id: int
    from_team: str
    to_team: str
    summary: str
    details: str


@dataclass(frozen=True)
class Change:
    """An item done in the window, and one agent whose report led to it."""

    agent_id: str
    item_id: int
    summary: str
    card_permalink: str | None = None


# merged-away items are the same request as their target; withdrawn ones were logged by mistake
NOT_REQUESTS = (ItemStatus.MERGED, ItemStatus.WITHDRAWN)


def new_items(session: Session, *, since: datetime, until: datetime) -> dict[str, int]:
    """Items created in the window per team (merged-away and withdrawn items left out)."""
    stmt = (
        select(col(Item.team_key), func.count())
        .where(_within(col(Item.created_at), since, until))
        .where(col(Item.status).not_in(NOT_REQUESTS))
        .group_by(col(Item.team_key))
    )
    return {key: int(n) for key, n in session.execute(stmt).all()}


def customers_heard(session: Session, *, since: datetime, until: datetime) -> dict[str, int]:
    """Distinct customers whose reports came in during the window, per team and org-wide (ALL).

    Customers match ignoring case (Report.customer_key); a report without one counts as one.
    """
    named = func.count(func.distinct(case((col(Report.customer_key) != "", Report.customer_key))))
    unnamed = func.coalesce(func.sum(case((col(Report.customer_key) == "", 1), else_=0)), 0)
    base = (
        select(named, unnamed)
        .select_from(Report)
        .join(Item, col(Item.id) == col(Report.item_id))
        .where(_within(col(Report.created_at), since, until))
        .where(col(Item.status) != ItemStatus.WITHDRAWN)
    )
    per_team = base.add_columns(col(Item.team_key)).group_by(col(Item.team_key))
    out = {key: int(a) + int(b) for a, b, key in session.execute(per_team).all()}
    a, b = session.execute(base).one()
    out[ALL] = int(a) + int(b)
    return out


def resolved(session: Session, *, since: datetime, until: datetime) -> dict[str, Resolved]:
    """Items resolved in the window per team: all of them, done, and won't do."""
    stmt = (
        select(
            col(Item.team_key),
            func.count(),
            func.sum(case((col(Item.outcome) == Outcome.DONE, 1), else_=0)),
            func.sum(case((col(Item.outcome) == Outcome.WONT_DO, 1), else_=0)),
        )
        .where(col(Item.status) == ItemStatus.RESOLVED)
        .where(_within(col(Item.resolved_at), since, until))
        .group_by(col(Item.team_key))
    )
    return {
        key: Resolved(int(n), int(done or 0), int(wont or 0))
        for key, n, done, wont in session.execute(stmt).all()
    }


def first_updates(session: Session, *, since: datetime, until: datetime) -> list[FirstUpdate]:
    """Items whose customer first heard from the team in the window (business time is the
    domain's: it needs each team's calendar)."""
    stmt = select(
        col(Item.team_key), col(Item.urgency), col(Item.created_at), col(Item.first_update_at)
    ).where(_within(col(Item.first_update_at), since, until))
    return [FirstUpdate(k, u, c, f) for k, u, c, f in session.execute(stmt).all()]


def new_items_by_week(session: Session, *, starts: Sequence[datetime]) -> dict[str, list[int]]:
    """New items per team in each window [starts[i], starts[i+1]): one grouped query."""
    buckets = [
        func.sum(case((_within(col(Item.created_at), lo, hi), 1), else_=0))
        for lo, hi in pairwise(starts)
    ]
    stmt = (
        select(col(Item.team_key), *buckets)
        .where(_within(col(Item.created_at), starts[0], starts[-1]))
        .where(col(Item.status).not_in(NOT_REQUESTS))
        .group_by(col(Item.team_key))
    )
    return {row[0]: [int(n or 0) for n in row[1:]] for row in session.execute(stmt).all()}


_LINE_NAMES = (
    "id",
    "team_key",
    "summary",
    "customers",
    "created_at",
    "status",
    "card_permalink",
    "rule_outcome",
)
_LINE = tuple(col(getattr(Item, name)) for name in _LINE_NAMES)


def _lines(session: Session, where: Iterable[Any], order: Sequence[Any], per_team: int) -> Any:
    """The first `per_team` items of each team in `order` (a window function, one query)."""
    rank = func.row_number().over(partition_by=col(Item.team_key), order_by=list(order))
    inner = select(*_LINE, rank.label("rank")).where(*where).subquery()
    stmt = (
        select(*(inner.c[name] for name in _LINE_NAMES))
        .where(inner.c["rank"] <= per_team)
        .order_by(inner.c["team_key"], inner.c["rank"])
    )
    return session.execute(stmt).all()


def _grouped(rows: Any, per_org: int, key: Any) -> dict[str, list[ItemLine]]:
    """Per team, plus ALL: the org's first `per_org` are among the teams' firsts (no query)."""
    out: dict[str, list[ItemLine]] = {}
    for row in rows:
        out.setdefault(row[1], []).append(ItemLine(*row))
    out[ALL] = sorted((line for lines in out.values() for line in lines), key=key)[:per_org]
    return out


def _most_customers(line: ItemLine) -> tuple[int, datetime, int]:
    return (-line.customers, line.created_at, line.id)


def _oldest(line: ItemLine) -> tuple[datetime, int]:
    return (line.created_at, line.id)


_OPEN = (col(Item.status) == ItemStatus.OPEN,)
_BY_CUSTOMERS = (col(Item.customers).desc(), col(Item.created_at), col(Item.id))
_OLDEST = (col(Item.created_at), col(Item.id))


def top_asks(session: Session, *, per_team: int) -> dict[str, list[ItemLine]]:
    """Each team's open items with the most customers (ALL: across teams)."""
    return _grouped(_lines(session, _OPEN, _BY_CUSTOMERS, per_team), per_team, _most_customers)


def oldest_open(session: Session, *, per_team: int) -> dict[str, list[ItemLine]]:
    """Each team's open items that have waited longest (ALL: across teams)."""
    return _grouped(_lines(session, _OPEN, _OLDEST, per_team), per_team, _oldest)


def blocking_rules(
    session: Session, *, since: datetime, until: datetime, per_team: int
) -> dict[str, list[ItemLine]]:
    """Rules that block customers: open ones, and ones resolved in the window, most customers
    first (ALL: across teams)."""
    where = (
        col(Item.kind) == ItemKind.RIGID_RULE,
        (col(Item.status) == ItemStatus.OPEN)
        | (
            (col(Item.status) == ItemStatus.RESOLVED) & _within(col(Item.resolved_at), since, until)
        ),
    )
    return _grouped(_lines(session, where, _BY_CUSTOMERS, per_team), per_team, _most_customers)


def moves(session: Session, *, since: datetime, until: datetime) -> list[Move]:
    """Reassignments in the window, with the moved item's words (for keyword suggestions)."""
    stmt = (
        select(col(ItemEvent.item_id), col(ItemEvent.data), col(Item.summary), col(Item.details))
        .join(Item, col(Item.id) == col(ItemEvent.item_id))
        .where(col(ItemEvent.kind) == ItemEventKind.REASSIGNED)
        .where(_within(col(ItemEvent.created_at), since, until))
        .order_by(col(ItemEvent.id))
    )
    out = []
    for item_id, data, summary, details in session.execute(stmt).all():
        data = data or {}
        if isinstance(data.get("from"), str) and isinstance(data.get("to"), str):
            out.append(Move(item_id, data["from"], data["to"], summary, details))
    return out


def done_changes(session: Session, *, since: datetime, until: datetime) -> list[Change]:
    """Each agent whose report is on an item resolved as done in the window, once per item."""
    stmt = (
        select(col(Report.agent_id), col(Item.id), col(Item.summary), col(Item.card_permalink))
        .join(Item, col(Item.id) == col(Report.item_id))
        .where(col(Item.status) == ItemStatus.RESOLVED, col(Item.outcome) == Outcome.DONE)
        .where(_within(col(Item.resolved_at), since, until))
        .distinct()
        .order_by(col(Report.agent_id), col(Item.id))
    )
    return [Change(*row) for row in session.execute(stmt).all()]


def queued_keys(session: Session, *, keys: Sequence[str]) -> set[str]:
    """Which of these outbox keys were queued already (a rerun skips drawing their charts)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = list(keys[start : start + 500])
        found.update(
            session.execute(select(col(Outbox.key)).where(col(Outbox.key).in_(chunk))).scalars()
        )
    return found
