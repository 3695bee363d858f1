"""The weekly insight's figures: what one report says, and the business-time arithmetic behind it.

Pure (no I/O): storage gives grouped counts and rows, this module turns first updates into a
median business time and a share kept within the team's promise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from bot.core.config import FrontlineConfig, Team
from bot.insights.routing_hints import RoutingHint
from bot.schedule.clock import BusinessCalendar
from storage.insights import FirstUpdate, ItemLine

ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)


class BusinessMeter:
    """Business time between two instants in O(1) after warm-up: each local day's open hours
    are read once from the calendar, then sums of whole days come from a running total.

    Agrees with clock.business_time_between for calendars whose hours stay within a local day.
    """

    def __init__(self, cal: BusinessCalendar) -> None:
        self.cal = cal
        self._days: dict[date, list[tuple[datetime, datetime]]] = {}
        self._totals: dict[date, timedelta] = {}  # business time from the first day to midnight
        self._lo: date | None = None
        self._hi: date | None = None

    def _day(self, day: date) -> list[tuple[datetime, datetime]]:
        found = self._days.get(day)
        if found is None:
            start = datetime.combine(day, time(0), tzinfo=self.cal.tz)
            end = datetime.combine(day + ONE_DAY, time(0), tzinfo=self.cal.tz)
            found = self._days[day] = list(self.cal.open_intervals(start, end))
        return found

    def _length(self, day: date) -> timedelta:
        return sum((hi - lo for lo, hi in self._day(day)), ZERO)

    def _total(self, day: date) -> timedelta:
        totals = self._totals
        if self._lo is None or self._hi is None:
            self._lo = self._hi = day
            totals[day] = ZERO
        while day > self._hi:
            totals[self._hi + ONE_DAY] = totals[self._hi] + self._length(self._hi)
            self._hi += ONE_DAY
        while day < self._lo:
            totals[self._lo - ONE_DAY] = totals[self._lo] - self._length(self._lo - ONE_DAY)
            self._lo -= ONE_DAY
        return totals[day]

    def _position(self, at: datetime) -> timedelta:
        day = at.astimezone(self.cal.tz).date()
        inside = sum((min(at, hi) - lo for lo, hi in self._day(day) if at > lo), ZERO)
        return self._total(day) + inside

    def between(self, a: datetime, b: datetime) -> timedelta:
        return max(ZERO, self._position(b) - self._position(a))


class Meters:
    """One meter per distinct calendar (teams sharing the org's hours share one)."""

    def __init__(self, config: FrontlineConfig) -> None:
        self.config = config
        self._meters: dict[BusinessCalendar, BusinessMeter] = {}
        self._by_team: dict[str, BusinessMeter] = {}

    def of(self, team: Team) -> BusinessMeter:
        meter = self._by_team.get(team.key)
        if meter is None:
            cal = self.config.calendar(team)
            meter = self._meters.get(cal)
            if meter is None:
                meter = self._meters[cal] = BusinessMeter(cal)
            self._by_team[team.key] = meter
        return meter


@dataclass(frozen=True)
class Waits:
    """First customer updates: each one's business time, and whether it kept the promise."""

    times: tuple[timedelta, ...] = ()
    kept: int = 0

    @property
    def count(self) -> int:
        return len(self.times)

    @property
    def median(self) -> timedelta | None:
        if not self.times:
            return None
        ordered = sorted(self.times)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2

    @property
    def kept_pct(self) -> float | None:
        return 100.0 * self.kept / len(self.times) if self.times else None


def first_update_waits(
    rows: Sequence[FirstUpdate], config: FrontlineConfig, meters: Meters
) -> dict[str, Waits]:
    """Per owning team: the business time each customer waited for their first update."""
    times: dict[str, list[timedelta]] = {}
    kept: dict[str, int] = {}
    owners: dict[str, Team] = {}
    for row in rows:
        team = owners.get(row.team_key)
        if team is None:
            team = owners[row.team_key] = config.owner_of(row.team_key)
        waited = meters.of(team).between(row.created_at, row.first_update_at)
        times.setdefault(team.key, []).append(waited)
        if waited <= team.inform_within(row.urgency):
            kept[team.key] = kept.get(team.key, 0) + 1
    return {key: Waits(tuple(ts), kept.get(key, 0)) for key, ts in times.items()}


@dataclass(frozen=True)
class History:
    """The chart's data: one value per week, oldest first."""

    labels: tuple[str, ...]
    new_items: tuple[int, ...]
    kept_pct: tuple[float | None, ...]


@dataclass
class Insight:
    """One report: a team's week (team set) or the org-wide summary (team None)."""

    team: Team | None
    new_items: int = 0
    customers: int = 0
    resolved: int = 0
    done: int = 0
    wont_do: int = 0
    waits: Waits = Waits()
    top_asks: list[ItemLine] = field(default_factory=list)
    oldest: list[ItemLine] = field(default_factory=list)
    rules: list[ItemLine] = field(default_factory=list)
    hints: list[RoutingHint] = field(default_factory=list)
    history: History = History((), (), ())
    # the org-wide summary: the busiest teams' new items, for a one-line overview
    by_team: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Thanks:
    """An agent whose reports led to changes this week, and those changes (id, summary, the
    card's link when there is one)."""

    agent_id: str
    changes: tuple[tuple[int, str, str | None], ...]
