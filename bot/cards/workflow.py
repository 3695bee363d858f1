"""What a team does with an item: take, update the customer, reassign, resolve.

Every change is one transaction: the item, an append-only event and the queued Slack posts.
Repeats (double clicks, resubmitted modals) change nothing and add no event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.capture.intake import due_for, full_text_rows, lead_alerts
from bot.core import ids
from bot.core.config import FrontlineConfig, Team
from bot.core.items import is_open
from bot.insights import close_loop
from bot.slack import copy
from storage import events, items, outbox
from storage.models import Item, ItemEvent
from storage.values import ItemEventKind, ItemKind, ItemStatus, OutboxKind, Outcome, Urgency

OUTCOMES = tuple(Outcome)


@dataclass
class Change:
    """What an action did: a message for the clicker (None = nothing to say) and rows to send."""

    item: Item | None
    changed: bool = False
    message: str | None = None
    outbox_ids: list[int] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def record(
    session: Session,
    item: Item,
    kind: ItemEventKind,
    actor: str | None,
    now: datetime,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    thread: bool = True,
) -> tuple[ItemEvent | None, list[int]]:
    """Append the event and queue its line in the card's thread; None when the key was seen."""
    event = events.record_event(
        session,
        item=item,
        kind=kind,
        actor_id=actor,
        now=now,
        note=note,
        data=data,
        dedupe_key=dedupe_key,
    )
    if event is None:
        return None, []
    rows: list[int] = []
    if thread:
        rows += outbox.queue(
            session,
            item,
            key=f"thread:{event.id}",
            kind=OutboxKind.THREAD,
            now=now,
            payload={"event_id": event.id},
        )
    return event, rows


def refresh_card(session: Session, item: Item, now: datetime) -> list[int]:
    row = outbox.enqueue_refresh(
        session,
        key=f"card-refresh:{item.id}",
        kind=OutboxKind.CARD_REFRESH,
        team_id=item.slack_team_id,
        now=now,
        item_id=item.id,
    )
    return [row.id] if row.id else []


def load(session: Session, item_id: int | None, team_id: str) -> Item | None:
    if item_id is None:
        return None
    return items.lock_item(session, item_id=item_id, team_id=team_id)


def take(session: Session, item: Item, actor: str, now: datetime) -> Change:
    if not is_open(item):
        return Change(item, message=copy.already_resolved(ids.item_ref(item.id or 0)))
    if item.owner_id == actor:
        return Change(item)
    previous = item.owner_id
    item.owner_id, item.updated_at = actor, now
    item.nudged_for_due_at = None  # a new owner hears about the customer's clock
    session.add(item)
    _, rows = record(
        session, item, ItemEventKind.TAKEN, actor, now, data={"from": previous} if previous else {}
    )
    return Change(item, True, outbox_ids=rows + refresh_card(session, item, now))


def customer_updated(
    session: Session,
    item: Item,
    actor: str,
    note: str,
    now: datetime,
    config: FrontlineConfig,
    dedupe_key: str,
) -> Change:
    note = note.strip()
    if not note:
        return Change(item, errors={"note": copy.ERR_NOTE_REQUIRED})
    if not is_open(item):
        return Change(item, message=copy.already_resolved(ids.item_ref(item.id or 0)))
    event, rows = record(
        session, item, ItemEventKind.CUSTOMER_UPDATED, actor, now, note=note, dedupe_key=dedupe_key
    )
    if event is None:
        return Change(item)
    team = config.owner_of(item.team_key)
    item.informed_at, item.updated_at = now, now
    item.first_update_at = item.first_update_at or now
    item.due_at = due_for(item, team, config, now)
    item.nudged_for_due_at = item.escalated_for_due_at = item.snoozed_until = None
    session.add(item)
    return Change(item, True, outbox_ids=rows + refresh_card(session, item, now))


def reassign(
    session: Session,
    item: Item,
    actor: str,
    to_key: str,
    note: str,
    now: datetime,
    config: FrontlineConfig,
    dedupe_key: str,
) -> Change:
    target = config.team(to_key)
    if target is None:
        return Change(item, errors={"team": copy.ERR_UNKNOWN_TEAM})
    if not is_open(item):
        return Change(item, message=copy.already_resolved(ids.item_ref(item.id or 0)))
    if target.key == item.team_key:
        if events.event_by_dedupe_key(session, dedupe_key=dedupe_key):
            return Change(item)  # this very submission already moved it
        return Change(item, errors={"team": copy.ERR_SAME_TEAM})
    old_team, old_channel, old_ts = item.team_key, item.card_channel, item.card_ts
    item.moves += 1
    item.team_key, item.owner_id, item.updated_at = target.key, None, now
    item.card_channel = item.card_ts = item.card_permalink = None
    item.due_at = due_for(item, target, config, item.informed_at)
    item.nudged_for_due_at = item.escalated_for_due_at = item.snoozed_until = None
    session.add(item)
    rows: list[int] = []
    rows += outbox.queue(
        session,
        item,
        key=f"card:{item.id}:{item.moves}",
        kind=OutboxKind.CARD,
        now=now,
        payload={"channel": target.channel, "move": item.moves},
    )
    rows += full_text_rows(session, item, now)
    if old_channel and old_ts:
        rows += outbox.queue(
            session,
            item,
            key=f"card-moved:{item.id}:{item.moves}",
            kind=OutboxKind.CARD_MOVED,
            now=now,
            payload={
                "channel": old_channel,
                "ts": old_ts,
                "to_team": target.key,
                "move": item.moves,
            },
        )
    _, thread_rows = record(
        session,
        item,
        ItemEventKind.REASSIGNED,
        actor,
        now,
        note=note.strip(),
        data={"from": old_team, "to": target.key},
        dedupe_key=dedupe_key,
    )
    if item.urgency == Urgency.HIGH:
        rows += lead_alerts(session, item, target, now)
    return Change(item, True, outbox_ids=rows + thread_rows)


def resolve(
    session: Session,
    item: Item,
    actor: str,
    outcome: str,
    note: str,
    now: datetime,
    dedupe_key: str,
    rule_outcome: str = "",
    rule_reason: str = "",
) -> Change:
    if outcome not in OUTCOMES:
        return Change(item, errors={"outcome": copy.ERR_OUTCOME_REQUIRED})
    note = note.strip()
    if not note:
        return Change(item, errors={"note": copy.ERR_NOTE_REQUIRED})
    errors = close_loop.rule_errors(item, rule_outcome, rule_reason)
    if errors:
        return Change(item, errors=errors)
    if not is_open(item):
        return Change(item, message=copy.already_resolved(ids.item_ref(item.id or 0)))
    data = {"outcome": outcome}
    if item.kind == ItemKind.RIGID_RULE:
        data |= {"rule_outcome": rule_outcome, "rule_reason": rule_reason.strip()}
    event, rows = record(
        session,
        item,
        ItemEventKind.RESOLVED,
        actor,
        now,
        note=note,
        data=data,
        dedupe_key=dedupe_key,
    )
    if event is None:
        return Change(item)
    item.status, item.outcome, item.resolution_note = ItemStatus.RESOLVED, outcome, note
    item.resolved_at, item.updated_at = now, now
    item.owner_id = item.owner_id or actor
    if item.kind == ItemKind.RIGID_RULE:
        item.rule_outcome = rule_outcome
    session.add(item)
    rows += close_loop.resolved_dms(session, item, actor, rule_reason.strip(), now)
    return Change(item, True, outbox_ids=rows + refresh_card(session, item, now))


def may_act(team: Team, user: str, is_member: Any) -> bool:
    """Leads always; otherwise membership of the owning team's channel."""
    return user in team.leads or bool(is_member(team.channel, user))


def snooze(
    session: Session,
    item: Item,
    actor: str,
    until: datetime,
    until_text: str,
    now: datetime,
    dedupe_key: str,
) -> Change:
    """The owner's promise ("I'll update them by …") becomes the customer's new deadline."""
    if until <= now:
        return Change(item, errors={"until": copy.ERR_SNOOZE_PAST})
    if until - now > timedelta(days=30):
        return Change(item, errors={"until": copy.ERR_SNOOZE_FAR})
    if not is_open(item):
        return Change(item, message=copy.already_resolved(ids.item_ref(item.id or 0)))
    if item.due_at == until:
        return Change(item)
    event, rows = record(
        session,
        item,
        ItemEventKind.SNOOZED,
        actor,
        now,
        dedupe_key=dedupe_key,
        data={"until": until.isoformat(), "until_text": until_text},
    )
    if event is None:
        return Change(item)
    item.due_at, item.updated_at, item.snoozed_until = until, now, until
    item.nudged_for_due_at = item.escalated_for_due_at = None
    session.add(item)
    return Change(
        item,
        True,
        message=copy.snoozed(ids.item_ref(item.id or 0), until_text),
        outbox_ids=rows + refresh_card(session, item, now),
    )
