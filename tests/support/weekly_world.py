"""A week of feedback for the weekly insight's tests: items, reports and events at fixed times.

The report runs at Monday 30 Nov 2026 09:00 in New York (AT) and covers the 7 days before it.
Billing (promise 24 business hours, 4 when urgent) has:

- FB-1: created Tue 24 10:00, 3 customers (Acme twice in two spellings, Globex, one unnamed
  → 3), first update Tue 12:00 (2h: within), open;
- FB-2: created Tue 24 11:00, urgent, first update Wed 25 11:00 (8h: past the 4h promise),
  resolved done Fri 27 by UBILL1, reported by UAGENT;
- FB-3: created Wed 25 09:00, first update Wed 25 13:00 (4h: within), resolved won't do Thu 26;
- FB-4: created Mon 2 Nov, open (oldest), 1 customer;
- FB-5, FB-6: support-ops items about chargeback disputes, moved to billing on Wed 25;
- FB-7: merged into FB-1 (not a new item of its own);
- FB-8: support-ops, a rule that blocks customers, 2 customers, open.

So billing's week: 5 new items (FB-1, 2, 3, 5, 6), first updates 2h, 8h and 4h: median 4h,
2 of 3 (67%) within the promise; 2 resolved (1 done, 1 won't do).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from storage.models import Item, ItemEvent, Report
from storage.reports import customer_key
from storage.values import ItemEventKind, ItemKind, ItemStatus, Outcome, Urgency
from tests.support.world import ny

WORKSPACE = "T0ACME"
AT = ny(30, 9)  # Monday 30 Nov 2026 09:00 New York


def add_item(session: Session, *, team: str, created: datetime, summary: str, **kw: Any) -> Item:
    n = kw.pop("n")
    item = Item(
        slack_team_id=WORKSPACE,
        client_key=f"weekly:{n}",
        team_key=team,
        summary=summary,
        details=kw.pop("details", ""),
        customer=kw.pop("customer", "Acme"),
        reporter_id=kw.pop("reporter", "UAGENT"),
        created_at=created,
        updated_at=created,
        informed_at=created,
        due_at=created + timedelta(days=1),
        **kw,
    )
    session.add(item)
    session.flush()
    return item


def add_report(
    session: Session, item: Item, customer: str, agent: str, at: datetime | None = None
) -> None:
    session.add(
        Report(
            slack_team_id=WORKSPACE,
            item_id=item.id or 0,
            customer=customer,
            customer_key=customer_key(customer),
            quote="",
            agent_id=agent,
            created_at=at or item.created_at,
        )
    )


def add_event(session: Session, item: Item, kind: str, at: datetime, **data: Any) -> None:
    session.add(
        ItemEvent(
            slack_team_id=WORKSPACE,
            item_id=item.id or 0,
            kind=kind,
            actor_id="UBILL1",
            data=data,
            created_at=at,
        )
    )


def seed_week(session: Session) -> dict[str, Item]:
    """The week described above; returns the items by name (fb1 … fb8)."""
    out: dict[str, Item] = {}
    fb1 = add_item(
        session,
        n=1,
        team="billing",
        created=ny(24, 10),
        summary="Invoices should show the PO number",
        first_update_at=ny(24, 12),
        customers=3,
        card_permalink="https://acme.slack.com/archives/C0BILLING/p1",
    )
    for customer in ("Acme", " acme ", "Globex", ""):
        add_report(session, fb1, customer, "UAGENT")
    fb2 = add_item(
        session,
        n=2,
        team="billing",
        created=ny(24, 11),
        summary="Charged twice for March",
        urgency=Urgency.HIGH,
        first_update_at=ny(25, 11),
        status=ItemStatus.RESOLVED,
        outcome=Outcome.DONE,
        resolved_at=ny(27, 10),
        owner_id="UBILL1",
    )
    add_report(session, fb2, "Initech", "UAGENT")
    fb3 = add_item(
        session,
        n=3,
        team="billing",
        created=ny(25, 9),
        summary="Wants refunds in bitcoin",
        first_update_at=ny(25, 13),
        status=ItemStatus.RESOLVED,
        outcome=Outcome.WONT_DO,
        resolved_at=ny(26, 10),
    )
    add_report(session, fb3, "Hooli", "UOTHER")
    fb4 = add_item(session, n=4, team="billing", created=ny(2, 10), summary="Receipt in Spanish")
    add_report(session, fb4, "Umbrella", "UAGENT")
    for n, summary in ((5, "Chargeback dispute on card"), (6, "Dispute of a chargeback fee")):
        moved = add_item(
            session,
            n=n,
            team="billing",
            created=ny(24, 14),
            summary=summary,
            moves=1,
        )
        add_report(session, moved, f"Customer {n}", "UAGENT")
        add_event(
            session,
            moved,
            ItemEventKind.REASSIGNED,
            ny(25, 10),
            **{"from": "support-ops", "to": "billing"},
        )
        out[f"fb{n}"] = moved
    fb7 = add_item(
        session,
        n=7,
        team="billing",
        created=ny(26, 10),
        summary="PO number on invoices",
        status=ItemStatus.MERGED,
    )
    fb7.merged_into_id = fb1.id
    fb8 = add_item(
        session,
        n=8,
        team="support-ops",
        created=ny(25, 15),
        summary="Refunds only by phone",
        kind=ItemKind.RIGID_RULE,
        customers=2,
    )
    add_report(session, fb8, "Stark", "UAGENT")
    add_report(session, fb8, "Wayne", "UAGENT")
    session.commit()
    out.update(fb1=fb1, fb2=fb2, fb3=fb3, fb4=fb4, fb7=fb7, fb8=fb8)
    return out
