"""The morning digest: one DM per person with what needs them today, plus the tip of the day."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.core import ids
from bot.core.config import FrontlineConfig
from bot.core.text import inert
from bot.core.wallclock import Now
from bot.schedule.clock import format_duration
from bot.schedule.people import People
from bot.schedule.report import JobReport, send_now
from bot.schedule.tip_library import Tip
from bot.schedule.tips import TipBook
from bot.services.workspace import Workspace
from bot.slack import copy, schedule_views
from bot.slack.delivery import Delivery
from bot.slack.schedule_views import Moved, TeamSummary
from bot.slack.views import label, mention
from storage import events, items, outbox
from storage.db import session_scope
from storage.engine import Engine
from storage.models import Item, ItemEvent
from storage.values import ItemEventKind, OutboxKind

MOVES = (
    ItemEventKind.TAKEN,
    ItemEventKind.CUSTOMER_UPDATED,
    ItemEventKind.REASSIGNED,
    ItemEventKind.RESOLVED,
    ItemEventKind.SNOOZED,
)


@dataclass
class DigestFor:
    user: str
    team_id: str
    due_today: list[Item] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    teams: list[TeamSummary] = field(default_factory=list)
    owns_open: bool = False


@dataclass
class DigestPlan:
    day: date
    tip: Tip | None
    people: list[DigestFor] = field(default_factory=list)


def _previous_working_day(day: date, config: FrontlineConfig) -> date:
    cal = config.calendar()
    prev = day - timedelta(days=1)
    for _ in range(31):
        if cal.is_working_day(prev):
            return prev
        prev -= timedelta(days=1)
    return day - timedelta(days=1)


def _moved_text(event: ItemEvent, config: FrontlineConfig) -> str:
    who = mention(event.actor_id) if event.actor_id else copy.APP_NAME
    data = event.data or {}
    team = config.team(data.get("to", ""))
    team_md = inert(team.name if team else str(data.get("to")), 80)
    outcome = label(copy.OUTCOME_LABELS, data.get("outcome", ""), unknown="")
    return copy.digest_what(event.kind, who, team_md, outcome)


def describe(p: DigestPlan) -> list[str]:
    if p.tip is None:
        return [f"no digest on {p.day.isoformat()}: not a working day"]
    lines = []
    for d in p.people:
        refs = ", ".join(ids.item_ref(i.id or 0) for i in d.due_today) or "none"
        lines.append(
            f"digest DM {d.user}: due today {refs}; moved {len(d.moved)}; "
            f"team summaries {len(d.teams)}; tip {p.tip.id}"
        )
    return lines


class DigestService:
    """The digest job, given what it uses: the config, the database, the clock, people's digest
    choices, the workspace (its id keys the claims), the tips and the outbox sender."""

    def __init__(
        self,
        config: FrontlineConfig,
        engine: Engine,
        now: Now,
        people: People,
        workspace: Workspace,
        tips: TipBook,
        delivery: Delivery,
    ) -> None:
        self._config = config
        self._engine = engine
        self._now = now
        self._people = people
        self._workspace = workspace
        self._tips = tips
        self._delivery = delivery

    def run(self, dry_run: bool = False) -> JobReport:
        now = self._now()
        plan = self.plan(now)
        report = JobReport("digest", lines=describe(plan), dry_run=dry_run)
        if dry_run:
            return report
        return send_now(self._delivery, report, self.send(plan, now))

    def plan(self, now: datetime) -> DigestPlan:
        """Reads only: who gets which digest at `now` (what --dry-run prints)."""
        config = self._config
        cal = config.calendar()
        day = now.astimezone(cal.tz).date()
        result = DigestPlan(day=day, tip=None)
        if not cal.is_working_day(day):
            return result
        result.tip = self._tips.of_the_day(day)
        end_of_day = datetime.combine(day, config.business_hours.end, tzinfo=cal.tz)
        prev = _previous_working_day(day, config)
        since = datetime.combine(prev, config.digest.time, tzinfo=cal.tz)
        people: dict[tuple[str, str], DigestFor] = {}

        def person(team_id: str, user: str) -> DigestFor:
            return people.setdefault((team_id, user), DigestFor(user, team_id))

        # a Slack call the first time: before any transaction
        workspace = self._workspace.workspace_id()
        with Session(self._engine, expire_on_commit=False) as session:
            open_items = items.open_items(session)
            for item in open_items:
                if item.owner_id:
                    p = person(item.slack_team_id, item.owner_id)
                    p.owns_open = True
                    if item.due_at <= end_of_day:
                        p.due_today.append(item)
            moved_rows = events.moves_between(session, since=since, until=now, kinds=MOVES)
            for event, item in moved_rows:
                if event.actor_id and event.actor_id == item.reporter_id:
                    continue
                person(item.slack_team_id, item.reporter_id).moved.append(
                    Moved(item, _moved_text(event, config))
                )
            by_team: dict[str, list[Item]] = defaultdict(list)
            for item in open_items:
                by_team[item.team_key].append(item)
            for team in config.teams:
                team_items = by_team.get(team.key, [])
                waits = [(now - i.informed_at).total_seconds() for i in team_items]
                summary = TeamSummary(
                    team=team,
                    open=len(team_items),
                    overdue=sum(1 for i in team_items if i.due_at < now),
                    median_wait=format_duration(timedelta(seconds=statistics.median(waits)))
                    if waits
                    else "—",
                )
                for lead in team.leads:
                    person(workspace, lead).teams.append(summary)
        opted = set(self._people.digest_opted_in(workspace))
        for user in opted:
            person(workspace, user)
        for (_, user), p in sorted(people.items()):
            p.due_today.sort(key=lambda i: (i.due_at, i.id or 0))
            if p.owns_open or p.moved or p.teams or user in opted:
                result.people.append(p)
        return result

    def send(self, p: DigestPlan, now: datetime) -> list[int]:
        if p.tip is None:
            return []
        row_ids = []
        for d in p.people:
            with session_scope(self._engine) as session:
                row = outbox.enqueue(
                    session,
                    key=f"digest:{d.team_id}:{d.user}:{p.day.isoformat()}",
                    kind=OutboxKind.POST,
                    team_id=d.team_id,
                    now=now,
                    payload={
                        "channel": d.user,
                        "text": copy.digest_fallback(len(d.due_today), len(d.moved)),
                        "blocks": schedule_views.digest_blocks(
                            d.due_today, d.moved, d.teams, p.tip, now, show_due=d.owns_open
                        ),
                    },
                )
                if row is not None:
                    row_ids.append(row.id or 0)
        return row_ids
