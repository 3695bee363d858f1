"""The nudge job's plan: which open items are due, how they group, and when batched nudges go out.

Split out of bot/schedule/nudges.py: this part only reads (the scan, the batch times, the plan's
shape and its --dry-run description); bot/schedule/nudges.py claims items and sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from bot.core import ids
from bot.core.config import Team
from bot.schedule.clock import BusinessCalendar, local_next
from storage import items as item_repo
from storage.models import Item

PAGE = 2000


# Nudges for people who chose "batched" go out together at these local times (working days).
BATCH_TIMES = (time(10, 0), time(15, 0))


@dataclass
class NudgeGroup:
    recipient: str  # a user id (DM) or the team channel
    to_channel: bool
    team: Team
    items: list[Item] = field(default_factory=list)
    away_owner: str | None = None  # in the team channel because this owner is away ...
    back_on: date | None = None  # ... until this date


@dataclass
class NudgePlan:
    groups: list[NudgeGroup] = field(default_factory=list)
    escalations: list[tuple[Item, Team]] = field(default_factory=list)
    outside_hours: list[tuple[Item, str]] = field(default_factory=list)
    batched: list[tuple[Item, str, datetime | None]] = field(default_factory=list)


def last_batch(now: datetime, cal: BusinessCalendar) -> datetime | None:
    """The latest batch time (10:00 or 15:00 local, on a working day) at or before `now`."""
    day = now.astimezone(cal.tz).date()
    for _ in range(31):
        if cal.is_working_day(day):
            for at in sorted(BATCH_TIMES, reverse=True):
                slot = datetime.combine(day, at, tzinfo=cal.tz)
                if slot <= now:
                    return slot
        day -= timedelta(days=1)
    return None


def next_batch(now: datetime, cal: BusinessCalendar) -> datetime | None:
    """The first batch time after `now` (None when the calendar has no working day soon)."""
    try:
        return min(local_next(now, at, cal) for at in BATCH_TIMES).astimezone(cal.tz)
    except ValueError:
        return None


def scan(session: Session, now: datetime, margin: timedelta, page: int = PAGE) -> list[Item]:
    """Open items due within the margin that still need a nudge or an escalation.

    An index range scan on (status, due_at), read in keyset pages so a large overdue backlog
    never hides items that fall due later. Items already nudged and escalated for their
    current deadline are filtered out in SQL.
    """
    found: list[Item] = []
    after: tuple[datetime, int] | None = None
    while True:
        rows = item_repo.open_items_due(session, until=now + margin, after=after, limit=page)
        found += rows
        if len(rows) < page:
            return found
        after = (rows[-1].due_at, rows[-1].id or 0)


def describe(p: NudgePlan, now: datetime) -> list[str]:
    lines = []
    for g in p.groups:
        where = f"channel {g.recipient}" if g.to_channel else f"DM {g.recipient}"
        refs = ", ".join(ids.item_ref(i.id or 0) for i in g.items)
        away = f" (owner {g.away_owner} away until {g.back_on})" if g.away_owner else ""
        lines.append(f"nudge {where}: {refs}{away}")
    for item, team in p.escalations:
        lines.append(f"escalate {ids.item_ref(item.id or 0)} to {', '.join(team.leads)}")
    for item, recipient in p.outside_hours:
        lines.append(
            f"hold {ids.item_ref(item.id or 0)} for {recipient}: outside their working hours"
        )
    for item, recipient, at in p.batched:
        when = at.isoformat() if at else "their next batch"
        lines.append(f"hold {ids.item_ref(item.id or 0)} for {recipient}: batched, sent at {when}")
    return lines
