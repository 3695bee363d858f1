"""Fixing a capture right after it was logged: mark it urgent, add the customer, withdraw it.

Offered on the private note after a reaction capture. Each is one transaction like the card's
own actions (bot/cards/workflow.py): the item, an event and the queued Slack posts; repeats
change nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.capture.intake import due_for, lead_alerts
from bot.cards.workflow import Change, record, refresh_card
from bot.core import ids
from bot.core.config import FrontlineConfig
from bot.core.items import is_open
from bot.core.text import inert, visible_or_empty
from bot.slack import copy
from storage import reports
from storage.models import Item
from storage.values import ItemEventKind, ItemStatus, Urgency

CUSTOMER_MAX = 200


def _closed(item: Item) -> Change | None:
    return None if is_open(item) else Change(item, message=copy.already_resolved(_ref(item)))


def _ref(item: Item) -> str:
    return ids.item_ref(item.id or 0)


def mark_urgent(
    session: Session, item: Item, actor: str, now: datetime, config: FrontlineConfig
) -> Change:
    """High urgency: the team's shorter promise from when the customer was last informed, and
    the leads hear about it."""
    closed = _closed(item)
    if closed:
        return closed
    if item.urgency == Urgency.HIGH:
        return Change(item, message=copy.capture_already_urgent(_ref(item)))
    team = config.owner_of(item.team_key)
    previous = item.urgency
    item.urgency, item.updated_at = Urgency.HIGH, now
    item.due_at = due_for(item, team, config, item.informed_at)
    item.nudged_for_due_at = item.escalated_for_due_at = None
    session.add(item)
    _, rows = record(
        session,
        item,
        ItemEventKind.URGENCY_CHANGED,
        actor,
        now,
        data={"from": previous, "to": Urgency.HIGH},
        dedupe_key=f"urgent:{item.id}",
    )
    rows += lead_alerts(session, item, team, now)
    message = copy.capture_marked_urgent(_ref(item))
    return Change(item, True, message, rows + refresh_card(session, item, now))


def set_customer(session: Session, item: Item, actor: str, customer: str, now: datetime) -> Change:
    """The customer of the capture (its first report too, so the count stays right)."""
    customer = visible_or_empty(customer).strip()[:CUSTOMER_MAX]
    if not customer:
        return Change(item, errors={"customer": copy.ERR_CUSTOMER_REQUIRED})
    closed = _closed(item)
    if closed:
        return closed
    if item.customer == customer:  # the same form sent twice: done already
        return Change(item, True, copy.capture_customer_set(_ref(item), inert(customer, 200)))
    item.customer, item.updated_at = customer, now
    session.add(item)
    first = reports.first_report(session, item_id=item.id or 0)
    if first is not None and not first.customer:
        first.customer, first.customer_key = customer, reports.customer_key(customer)
        session.add(first)
        reports.recount(session, item=item)
    _, rows = record(
        session, item, ItemEventKind.CUSTOMER_SET, actor, now, data={"customer": customer}
    )
    message = copy.capture_customer_set(_ref(item), inert(customer, 200))
    return Change(item, True, message, rows + refresh_card(session, item, now))


def withdraw(session: Session, item: Item, actor: str, now: datetime) -> Change:
    """Logged by mistake: closed as withdrawn, the card says so and loses its buttons.

    Only while it is still just the reporter's: once someone took it, or another capture was
    merged into it (other customers wait on it now), it stays, and the reporter is told why."""
    if item.status == ItemStatus.WITHDRAWN:
        return Change(item, message=copy.capture_withdrawn(_ref(item)))
    closed = _closed(item)
    if closed:
        return closed
    if item.owner_id:
        return Change(item, message=copy.capture_undo_taken(_ref(item), item.owner_id))
    if reports.count_reports(session, item_id=item.id or 0) > 1:
        return Change(item, message=copy.capture_undo_merged(_ref(item)))
    item.status, item.updated_at = ItemStatus.WITHDRAWN, now
    session.add(item)
    _, rows = record(
        session, item, ItemEventKind.WITHDRAWN, actor, now, dedupe_key=f"withdrawn:{item.id}"
    )
    message = copy.capture_withdrawn(_ref(item))
    return Change(item, True, message, rows + refresh_card(session, item, now))
