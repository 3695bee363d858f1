"""The nudge job: who must update which customer now, and who escalates to leads.

Plan first (reads only, used by --dry-run), then send: each item is claimed with a conditional
UPDATE (nudged_for_due_at = due_at), so two processes never nudge the same item for the same
deadline, and the grouped message goes out through the outbox under a key derived from its items.

The plan (scan, grouping, batch times) lives in bot/schedule/nudge_plan.py.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.cards.workflow import record, refresh_card
from bot.core import ids
from bot.core.config import FrontlineConfig, Team
from bot.core.wallclock import Now
from bot.schedule.clock import business_time_between, format_duration
from bot.schedule.nudge_plan import NudgeGroup, NudgePlan, describe, last_batch, next_batch, scan
from bot.schedule.people import People, Preferences
from bot.schedule.report import JobReport, send_now
from bot.slack import copy, schedule_views
from bot.slack.delivery import Delivery
from storage import items as item_repo
from storage import outbox
from storage.db import session_scope
from storage.engine import Engine
from storage.items import DeadlineClaim
from storage.models import Item
from storage.values import ItemEventKind, NudgeMode, OutboxKind


def _claim(session: Session, item: Item, column: DeadlineClaim) -> bool:
    return item_repo.claim_nudge(session, item_id=item.id, due_at=item.due_at, column=column)


def _key(prefix: str, recipient: str, items: list[Item]) -> str:
    digest = hashlib.sha1(
        ",".join(f"{i.id}@{i.due_at.isoformat()}" for i in items).encode()
    ).hexdigest()[:20]
    return f"{prefix}:{recipient}:{digest}"


class NudgeService:
    """The nudge job, given what it uses: the config, the database, the clock, people's
    timezones and the outbox sender."""

    def __init__(
        self,
        config: FrontlineConfig,
        engine: Engine,
        now: Now,
        people: People,
        delivery: Delivery,
    ) -> None:
        self._config = config
        self._engine = engine
        self._now = now
        self._people = people
        self._delivery = delivery

    def run(self, dry_run: bool = False) -> JobReport:
        now = self._now()
        plan = self.plan(now)
        report = JobReport("nudges", lines=describe(plan, now), dry_run=dry_run)
        if dry_run:
            return report
        _, _, row_ids = self.send(plan, now)
        return send_now(self._delivery, report, row_ids)

    def plan(self, now: datetime) -> NudgePlan:
        """Reads only: what a run at `now` would send (what --dry-run prints)."""
        config = self._config
        margin = timedelta(minutes=config.nudges.warn_before_minutes)
        with Session(self._engine, expire_on_commit=False) as session:
            due = scan(session, now, margin)
        result = NudgePlan()
        groups: dict[str, NudgeGroup] = {}
        zones: dict[tuple[str, str], str] = {}
        prefs = self._people.all_preferences()
        for item in due:
            team = self._team_of(item)
            if item.snoozed_until == item.due_at and now < item.due_at:
                # the owner promised an update by then: no warning before the promise is due
                continue
            if item.nudged_for_due_at != item.due_at:
                recipient = item.owner_id or team.channel
                group_key = recipient
                pref = Preferences()
                if item.owner_id:
                    key = (item.slack_team_id, item.owner_id)
                    if key not in zones:
                        zones[key] = self._people.timezone(
                            item.slack_team_id, item.owner_id, team.timezone or config.timezone
                        )
                    tz = zones[key]
                    cal = config.calendar(team, tz=tz)
                    pref = prefs.get(key, pref)
                    if pref.away_on(now.astimezone(cal.tz).date()):
                        # to the team's channel, in the team's hours, with a note
                        recipient, cal = team.channel, config.calendar(team)
                        group_key = f"{team.channel}|away|{item.owner_id}"
                else:
                    cal = config.calendar(team)
                if not cal.is_open(now):
                    result.outside_hours.append((item, recipient))
                    if self._escalation_due(item, team, now):  # the owner's night holds no lead
                        result.escalations.append((item, team))
                    continue
                if recipient == item.owner_id and pref.nudges is NudgeMode.BATCHED:
                    slot = last_batch(now, cal)
                    if slot is None or item.due_at - margin > slot:
                        # it needed a nudge only after the last batch: it waits for the next
                        result.batched.append((item, recipient, next_batch(now, cal)))
                        if self._escalation_due(item, team, now):  # leads are never muted
                            result.escalations.append((item, team))
                        continue
                group = groups.get(group_key)
                if group is None:
                    away = recipient != item.owner_id and item.owner_id is not None
                    group = groups[group_key] = NudgeGroup(
                        recipient,
                        recipient != item.owner_id,
                        team,
                        away_owner=item.owner_id if away else None,
                        back_on=pref.away_until if away else None,
                    )
                group.items.append(item)
            elif self._escalation_due(item, team, now):
                result.escalations.append((item, team))
        for group in groups.values():
            group.items.sort(key=lambda i: (i.informed_at, i.id or 0))  # longest wait first
        result.groups = sorted(groups.values(), key=lambda g: (g.recipient, g.away_owner or ""))
        return result

    def send(self, p: NudgePlan, now: datetime) -> tuple[int, int, list[int]]:
        """(nudge messages queued, escalations queued, outbox ids to send now).

        Card refreshes are queued but left to the deliveries job: a run with hundreds of due
        items then makes a handful of calls, not one chat.update per item inside the job.
        """
        row_ids: list[int] = []
        nudges = escalations = 0
        for group in p.groups:
            with session_scope(self._engine) as session:
                claimed = [i for i in group.items if _claim(session, i, "nudged_for_due_at")]
                if not claimed:
                    continue
                fresh = [item_repo.get_item(session, item_id=i.id) for i in claimed]
                items = [i for i in fresh if i is not None]
                row = outbox.enqueue(
                    session,
                    key=_key("nudge", group.recipient, items),
                    kind=OutboxKind.POST,
                    team_id=items[0].slack_team_id,
                    now=now,
                    payload={
                        "channel": group.recipient,
                        "text": copy.nudge_fallback(len(items)),
                        "blocks": schedule_views.nudge_blocks(
                            items,
                            now,
                            to_channel=group.to_channel,
                            away=(group.away_owner, group.back_on) if group.away_owner else None,
                        ),
                    },
                )
                if row is None:
                    continue
                nudges += 1
                row_ids.append(row.id or 0)
                for item in items:
                    record(
                        session,
                        item,
                        ItemEventKind.NUDGED,
                        None,
                        now,
                        thread=False,
                        data={"to": group.recipient, "due": item.due_at.isoformat()},
                    )
                    refresh_card(session, item, now)
        for item, team in p.escalations:
            with session_scope(self._engine) as session:
                if not _claim(session, item, "escalated_for_due_at"):
                    continue
                current = item_repo.get_item(session, item_id=item.id)
                if current is None:
                    continue
                waited = format_duration(now - current.informed_at)
                _, thread_rows = record(
                    session,
                    current,
                    ItemEventKind.ESCALATED,
                    None,
                    now,
                    data={"leads": team.leads, "due": current.due_at.isoformat()},
                )
                row_ids += thread_rows
                for lead in team.leads:
                    row_ids += outbox.queue(
                        session,
                        current,
                        key=f"escalate:{current.id}:{current.due_at.isoformat()}:{lead}",
                        kind=OutboxKind.POST,
                        now=now,
                        payload={
                            "channel": lead,
                            "text": copy.escalation_fallback(ids.item_ref(current.id or 0), waited),
                            "blocks": schedule_views.escalation_blocks(current, team, now),
                        },
                    )
                escalations += 1
                refresh_card(session, current, now)
        return nudges, escalations, row_ids

    def _escalation_due(self, item: Item, team: Team, now: datetime) -> bool:
        """Overdue by one more promise period, in the team's hours, and not escalated yet."""
        if item.escalated_for_due_at == item.due_at or not team.leads or now <= item.due_at:
            return False
        cal = self._config.calendar(team)
        if not cal.is_open(now):
            return False
        return business_time_between(item.due_at, now, cal) > team.inform_within(item.urgency)

    def _team_of(self, item: Item) -> Team:
        return self._config.owner_of(item.team_key)
