"""Business hours waited, for the export's `waited_business_hours` column: fast over many rows.

Split out of bot/insights/export.py: one cached business clock per team, so a long export does not
recount every whole day of every item.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.core.config import FrontlineConfig
from bot.schedule.clock import BusinessCalendar, business_time_between
from storage.export import ExportItem


class BusinessTime:
    """`business_time_between` for many spans on one calendar, with each whole day's business
    time remembered: a span is its first and last local day counted exactly, plus the whole days
    between from the cache (the same sum, since the local days partition the span)."""

    def __init__(self, cal: BusinessCalendar) -> None:
        self.cal = cal
        self._days: dict[date, timedelta] = {}

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self.cal.tz).astimezone(UTC)

    def _whole_day(self, day: date) -> timedelta:
        found = self._days.get(day)
        if found is None:
            start, end = self._midnight(day), self._midnight(day + timedelta(days=1))
            found = self._days[day] = business_time_between(start, end, self.cal)
        return found

    def between(self, a: datetime, b: datetime) -> timedelta:
        if b <= a:
            return timedelta(0)
        first, last = a.astimezone(self.cal.tz).date(), b.astimezone(self.cal.tz).date()
        if last - first < timedelta(days=2):
            return business_time_between(a, b, self.cal)
        total = business_time_between(a, self._midnight(first + timedelta(days=1)), self.cal)
        total += business_time_between(self._midnight(last), b, self.cal)
        day = first + timedelta(days=1)
        while day < last:
            total += self._whole_day(day)
            day += timedelta(days=1)
        return total


def waited_business_hours(
    item: ExportItem, cal: BusinessCalendar | BusinessTime, now: datetime
) -> float:
    """Business hours from creation to the first update (or resolution, or now), 2 decimals."""
    end = item.first_update_at or item.resolved_at or now
    clock = cal if isinstance(cal, BusinessTime) else BusinessTime(cal)
    return round(clock.between(item.created_at, end).total_seconds() / 3600, 2)


class Calendars:
    """One business clock per team key (a key no longer configured uses triage's, as items do)."""

    def __init__(self, config: FrontlineConfig) -> None:
        self.config = config
        self._cache: dict[str, BusinessTime] = {}

    def of(self, team_key: str) -> BusinessTime:
        clock = self._cache.get(team_key)
        if clock is None:
            cal = self.config.calendar(self.config.owner_of(team_key))
            clock = self._cache[team_key] = BusinessTime(cal)
        return clock
