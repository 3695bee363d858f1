"""The tip of the day and per-channel rotation with no repeat before every tip was shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.core.config import FrontlineConfig
from bot.core.wallclock import Now
from bot.schedule.clock import BusinessCalendar
from bot.schedule.report import JobReport, send_now
from bot.schedule.tip_library import Tip, load_builtin_tips, merge_tips
from bot.services.workspace import Workspace
from bot.slack import copy, schedule_views
from bot.slack.delivery import Delivery
from storage import outbox, tips_shown
from storage.db import session_scope
from storage.engine import Engine
from storage.values import OutboxKind

EPOCH = date(2026, 1, 5)  # a Monday; working days are counted from here


def working_day_number(day: date, cal: BusinessCalendar) -> int:
    """How many working days lie between EPOCH and `day` (weekday arithmetic, holidays skipped)."""
    if day < EPOCH:
        return 0
    weeks, rest = divmod((day - EPOCH).days, 7)
    count = weeks * len(cal.days)
    count += sum(1 for i in range(rest) if (EPOCH.weekday() + i) % 7 in cal.days)
    count -= sum(1 for h in cal.holidays if EPOCH <= h < day and h.weekday() in cal.days)
    return count


def tip_of_the_day(tips: Sequence[Tip], day: date, cal: BusinessCalendar) -> Tip:
    """Everyone sees the same tip on a given day: in the digest, in channels, on /feedback tip."""
    return tips[working_day_number(day, cal) % len(tips)]


def pick_for_channel(
    session: Session,
    tips: Sequence[Tip],
    team_id: str,
    channel: str,
    day: date,
    cal: BusinessCalendar,
) -> tuple[Tip, int, bool]:
    """(tip, cycle, already_recorded). Prefers the tip of the day; never repeats within a cycle."""
    shown_today = tips_shown.shown_on(session, team_id=team_id, channel=channel, day=day)
    by_id = {t.id: t for t in tips}
    if shown_today is not None and shown_today.tip_id in by_id:
        return by_id[shown_today.tip_id], shown_today.cycle, True
    rows = tips_shown.shown_in_channel(session, team_id=team_id, channel=channel)
    cycle = max((r.cycle for r in rows), default=0)
    seen = {r.tip_id for r in rows if r.cycle == cycle}
    if all(t.id in seen for t in tips):
        cycle, seen = cycle + 1, set()
    start = working_day_number(day, cal) % len(tips)
    for offset in range(len(tips)):
        tip = tips[(start + offset) % len(tips)]
        if tip.id not in seen:
            return tip, cycle, False
    raise AssertionError("unreachable: a fresh cycle has every tip available")


class TipBook:
    """Built-in tips, then the admin's own from the config file, in one rotation."""

    def __init__(self, config: FrontlineConfig) -> None:
        self._config = config
        self._tips: list[Tip] | None = None

    def all(self) -> list[Tip]:
        if self._tips is None:
            self._tips = merge_tips(load_builtin_tips(), list(self._config.tips.extra))
        return self._tips

    def of_the_day(self, day: date) -> Tip:
        return tip_of_the_day(self.all(), day, self._config.calendar())


def record_shown(
    session: Session, team_id: str, channel: str, day: date, tip: Tip, cycle: int
) -> bool:
    """Claim (channel, day); False when another process already did."""
    return tips_shown.claim_day(
        session, team_id=team_id, channel=channel, day=day, tip_id=tip.id, cycle=cycle
    )


@dataclass
class TipPost:
    channel: str
    tip: Tip
    cycle: int


class TipService:
    """The tips job, given what it uses: the config, the database, the clock, the workspace (its
    id keys the claims), the tips and the outbox sender."""

    def __init__(
        self,
        config: FrontlineConfig,
        engine: Engine,
        now: Now,
        workspace: Workspace,
        tips: TipBook,
        delivery: Delivery,
    ) -> None:
        self._config = config
        self._engine = engine
        self._now = now
        self._workspace = workspace
        self._tips = tips
        self._delivery = delivery

    def run(self, dry_run: bool = False) -> JobReport:
        now = self._now()
        day, posts = self.plan(now)
        lines = [
            f"tip {p.tip.id} ({p.tip.title}) to {p.channel} for {day.isoformat()}" for p in posts
        ]
        report = JobReport("tips", lines=lines, dry_run=dry_run)
        if dry_run:
            return report
        return send_now(self._delivery, report, self.send(day, posts, now))

    def plan(self, now: datetime) -> tuple[date, list[TipPost]]:
        """Reads only: which tip each configured channel gets today (none on non-working days)."""
        cal = self._config.calendar()
        day = now.astimezone(cal.tz).date()
        if not cal.is_working_day(day) or not self._config.tips.channels:
            return day, []
        tips = self._tips.all()
        team_id = self._workspace.workspace_id()
        posts = []
        with Session(self._engine) as session:
            for channel in self._config.tips.channels:
                tip, cycle, done = pick_for_channel(session, tips, team_id, channel, day, cal)
                if not done:
                    posts.append(TipPost(channel, tip, cycle))
        return day, posts

    def send(self, day: date, posts: Sequence[TipPost], now: datetime) -> list[int]:
        row_ids = []
        cal = self._config.calendar()
        team_id = self._workspace.workspace_id()
        for post in posts:
            with session_scope(self._engine) as session:
                # re-pick inside the transaction: another process may have claimed it meanwhile
                tip, cycle, done = pick_for_channel(
                    session, self._tips.all(), team_id, post.channel, day, cal
                )
                if done or not record_shown(session, team_id, post.channel, day, tip, cycle):
                    continue
                row = outbox.enqueue(
                    session,
                    key=f"tip:{team_id}:{post.channel}:{day.isoformat()}",
                    kind=OutboxKind.POST,
                    team_id=team_id,
                    now=now,
                    payload={
                        "channel": post.channel,
                        "text": copy.tip_fallback(tip.title),
                        "blocks": schedule_views.tip_blocks(tip),
                    },
                )
                if row is not None:
                    row_ids.append(row.id or 0)
        return row_ids
