"""The morning digest: one DM per person at their local `digest.time` with what needs them
today, plus the tip of the day."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.core import ids
from bot.core.config import FrontlineConfig, Team
from bot.core.text import inert
from bot.core.wallclock import Now
from bot.schedule.clock import BusinessCalendar, format_duration
from bot.schedule.people import People, Preferences
from bot.schedule.report import JobReport, send_now
from bot.schedule.tip_library import Tip
from bot.schedule.tips import TipBook
from bot.services.workspace import Workspace
from bot.slack import copy, schedule_views
from bot.slack.delivery import Delivery
from bot.slack.schedule_views import Moved, TeamSummary
from bot.slack.views import label, mention
from storage import events, items, outbox
from storage import people as people_repo
from storage.db import session_scope
from storage.engine import Engine
from storage.models import Item, ItemEvent
from storage.values import DigestMode, ItemEventKind, OutboxKind

# A morning digest is not sent in the afternoon: a run this long after someone's local
# `digest.time` (a long outage) skips their digest for that day.
LATE_AFTER = timedelta(hours=2)

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
    day: date | None = None  # the person's local date, the digest's day
    tz: str = ""
    tip: Tip | None = None


@dataclass
class DigestPlan:
    at: datetime
    people: list[DigestFor] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # who gets none now, and why (for --dry-run)


def _previous_working_day(day: date, cal: BusinessCalendar) -> date:
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
    lines = []
    for d in p.people:
        refs = ", ".join(ids.item_ref(i.id or 0) for i in d.due_today) or "none"
        day = d.day.isoformat() if d.day else "?"
        lines.append(
            f"digest DM {d.user}: due today {refs}; moved {len(d.moved)}; "
            f"team summaries {len(d.teams)}; tip {d.tip.id if d.tip else '-'}; "
            f"for {day} in {d.tz}"
        )
    return lines + p.held


def home_team(config: FrontlineConfig, user: str, owned_team_key: str | None) -> Team | None:
    """The team whose calendar (working days) a person's digest follows: the first team they
    lead, else the team of their most urgent open item; None (the organisation's) for others."""
    led = next((t for t in config.teams if user in t.leads), None)
    if led is not None:
        return led
    return config.owner_of(owned_team_key) if owned_team_key else None


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
        """Reads only: who gets which digest at `now` (what --dry-run prints).

        Each person's digest is due once their local `digest.time` has passed on one of their
        working days (their Slack timezone, the calendar of the team they work in), and for
        LATE_AFTER after it: a run before that time sends them nothing, and a morning digest is
        not sent in the afternoon. The outbox key (their local date) makes it once a day.

        The job runs every quarter hour: it first finds who is due from a light query (owners
        and their most urgent item's team), and loads open items only when someone is."""
        config = self._config
        result = DigestPlan(at=now)
        # a Slack call the first time: before any transaction
        workspace = self._workspace.workspace_id()
        prefs = self._people.all_preferences()
        zones = self._people.fresh_timezones()
        with Session(self._engine, expire_on_commit=False) as session:
            owners = {(t, u): key for t, u, key in people_repo.open_owners(session)}
            moved_rows = events.moves_between(
                session, since=self._earliest_since(now), until=now, kinds=MOVES
            )
        moved: dict[tuple[str, str], list[tuple[ItemEvent, Item]]] = defaultdict(list)
        for event, item in moved_rows:
            if event.actor_id and event.actor_id == item.reporter_id:
                continue
            moved[(item.slack_team_id, item.reporter_id)].append((event, item))
        leads = {(workspace, lead) for team in config.teams for lead in team.leads}
        always = {k for k, p in prefs.items() if p.digest is DigestMode.ON and k[0] == workspace}
        due: list[tuple[tuple[str, str], Preferences, BusinessCalendar, date]] = []
        for key in sorted(set(owners) | set(moved) | leads | always):
            team_id, user = key
            pref = prefs.get(key, Preferences())
            if pref.digest is DigestMode.OFF:
                continue
            works_in = home_team(config, user, owners.get(key))
            fallback = (works_in.timezone if works_in else None) or config.timezone
            tz = zones.get(key) or self._people.timezone(team_id, user, fallback)
            cal = config.calendar(works_in, tz=tz)
            day = now.astimezone(cal.tz).date()
            at = datetime.combine(day, config.digest.time, tzinfo=cal.tz)
            if not cal.is_working_day(day):
                result.held.append(f"no digest for {user} on {day}: not a working day in {tz}")
            elif pref.away_on(day):
                result.held.append(f"no digest for {user} on {day}: away until {pref.away_until}")
            elif now < at:
                result.held.append(f"no digest for {user} yet: due at {at.isoformat()} ({tz})")
            elif now >= at + LATE_AFTER:
                result.held.append(f"no digest for {user} on {day}: {at.isoformat()} is long past")
            else:
                due.append((key, pref, cal, day))
        if not due:
            return result
        with Session(self._engine, expire_on_commit=False) as session:
            open_items = items.open_items(session)
        owned: dict[tuple[str, str], list[Item]] = defaultdict(list)
        by_team: dict[str, list[Item]] = defaultdict(list)
        for item in open_items:
            by_team[item.team_key].append(item)
            if item.owner_id:
                owned[(item.slack_team_id, item.owner_id)].append(item)
        summaries: dict[tuple[str, str], list[TeamSummary]] = defaultdict(list)
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
                summaries[(workspace, lead)].append(summary)
        for key, pref, cal, day in due:
            team_id, user = key
            since = datetime.combine(
                _previous_working_day(day, cal), config.digest.time, tzinfo=cal.tz
            )
            end_of_day = datetime.combine(day, cal.end, tzinfo=cal.tz)
            mine = sorted(owned.get(key, []), key=lambda i: (i.due_at, i.id or 0))
            d = DigestFor(
                user,
                team_id,
                due_today=[i for i in mine if i.due_at <= end_of_day],
                moved=[
                    Moved(item, _moved_text(event, config))
                    for event, item in moved.get(key, [])
                    if event.created_at >= since
                ],
                teams=summaries.get(key, []),
                owns_open=bool(mine),
                day=day,
                tz=cal.tz.key,
                tip=self._tips.of_the_day(day),
            )
            if d.owns_open or d.moved or d.teams or pref.digest is DigestMode.ON:
                result.people.append(d)
        return result

    def _earliest_since(self, now: datetime) -> datetime:
        """Far enough back for anyone's "since the previous working day's digest": the earliest
        over every calendar in the config, a day more for timezones west of the organisation."""
        config = self._config
        calendars = [config.calendar()] + [config.calendar(t) for t in config.teams]
        earliest = min(
            datetime.combine(
                _previous_working_day(now.astimezone(c.tz).date(), c),
                config.digest.time,
                tzinfo=c.tz,
            )
            for c in calendars
        )
        return earliest - timedelta(days=2)

    def send(self, p: DigestPlan, now: datetime) -> list[int]:
        row_ids = []
        for d in p.people:
            if d.tip is None or d.day is None:
                continue
            with session_scope(self._engine) as session:
                row = outbox.enqueue(
                    session,
                    key=f"digest:{d.team_id}:{d.user}:{d.day.isoformat()}",
                    kind=OutboxKind.POST,
                    team_id=d.team_id,
                    now=now,
                    payload={
                        "channel": d.user,
                        "text": copy.digest_fallback(len(d.due_today), len(d.moved)),
                        "blocks": schedule_views.digest_blocks(
                            d.due_today, d.moved, d.teams, d.tip, now, show_due=d.owns_open
                        ),
                    },
                )
                if row is not None:
                    row_ids.append(row.id or 0)
        return row_ids
