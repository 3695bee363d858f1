"""Queries on reports: one customer's account of an item, and the item's customer count.

An item's `customers` column is kept here, recounted whenever its reports change, so lists and
rankings read one column instead of counting reports. None of these commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, case, func, update
from sqlmodel import Session, col, select

from storage.db import insert_values
from storage.models import Item, Report


def customer_key(customer: str) -> str:
    """Customers are the same when their names match ignoring case and outer spaces."""
    return " ".join(customer.split()).casefold()


def add_report(
    session: Session,
    *,
    item: Item,
    customer: str,
    quote: str,
    agent_id: str,
    source_permalink: str | None,
    now: datetime,
) -> None:
    assert item.id is not None
    insert_values(
        session,
        Report,
        slack_team_id=item.slack_team_id,
        item_id=item.id,
        customer=customer,
        customer_key=customer_key(customer),
        quote=quote,
        agent_id=agent_id,
        source_permalink=source_permalink,
        created_at=now,
    )


def reports_of(session: Session, *, item_id: int) -> list[Report]:
    """The item's reports, oldest first."""
    stmt = select(Report).where(Report.item_id == item_id).order_by(col(Report.id))
    return list(session.exec(stmt).all())


def latest_reports(session: Session, *, item_id: int, limit: int) -> list[Report]:
    """The item's newest reports first (the card shows the latest quotes)."""
    return list(session.exec(_latest_statement(), params={"item_id": item_id, "limit": limit}))


@lru_cache(maxsize=1)
def _latest_statement() -> Any:
    """Prepared once: every card rendered reads its quotes."""
    return (
        select(Report)
        .where(Report.item_id == bindparam("item_id"))
        .order_by(col(Report.created_at).desc(), col(Report.id).desc())
        .limit(bindparam("limit"))
    )


def first_report(session: Session, *, item_id: int) -> Report | None:
    stmt = select(Report).where(Report.item_id == item_id).order_by(col(Report.id)).limit(1)
    return session.exec(stmt).first()


def count_reports(session: Session, *, item_id: int) -> int:
    """How many accounts the item holds: more than one once another capture was merged in."""
    return int(
        session.exec(
            select(func.count()).select_from(Report).where(Report.item_id == item_id)
        ).one()
    )


def count_customers(session: Session, *, item_id: int) -> int:
    """Distinct customers; each report without a customer counts as one."""
    named = func.count(func.distinct(case((col(Report.customer_key) != "", Report.customer_key))))
    unnamed = func.coalesce(func.sum(case((col(Report.customer_key) == "", 1), else_=0)), 0)
    row = session.exec(select(named, unnamed).where(Report.item_id == item_id)).one()
    return int(row[0]) + int(row[1])


def recount(session: Session, *, item: Item) -> int:
    """Store the item's customer count (at least 1: an item always stands for someone)."""
    assert item.id is not None
    session.flush()
    item.customers = max(1, count_customers(session, item_id=item.id))
    session.add(item)
    return item.customers


def move_reports(session: Session, *, report_ids: Sequence[int], to_item_id: int) -> int:
    """Move these reports to another item; the number moved."""
    if not report_ids:
        return 0
    result = session.execute(
        update(Report).where(col(Report.id).in_(list(report_ids))).values(item_id=to_item_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def set_first_permalink(session: Session, *, item_id: int, link: str) -> None:
    """The capture's conversation link, once known, on the item's first report too."""
    report = first_report(session, item_id=item_id)
    if report is not None and not report.source_permalink:
        report.source_permalink = link
        session.add(report)
