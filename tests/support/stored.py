"""Items written straight to a database for the storage and insight unit tests, each with its
first report (as a capture stores it)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from sqlmodel import Session

from storage import reports
from storage.models import Item
from storage.values import ItemStatus

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
_keys = itertools.count(1)


def stored_item(
    session: Session,
    summary: str,
    *,
    details: str = "",
    customer: str = "",
    team_key: str = "billing",
    team_id: str = "T1",
    status: str = ItemStatus.OPEN,
    customers: int = 1,
    link: str | None = None,
) -> Item:
    """An item (flushed, not committed) and its first report, created at T0."""
    item = Item(
        slack_team_id=team_id,
        client_key=f"stored-{next(_keys)}",
        team_key=team_key,
        summary=summary,
        details=details,
        customer=customer,
        reporter_id="U1",
        status=status,
        customers=customers,
        card_permalink=link,
        created_at=T0,
        updated_at=T0,
        informed_at=T0,
        due_at=T0,
    )
    session.add(item)
    session.flush()
    reports.add_report(
        session,
        item=item,
        customer=customer,
        quote=details or summary,
        agent_id="U1",
        source_permalink=None,
        now=T0,
    )
    return item
