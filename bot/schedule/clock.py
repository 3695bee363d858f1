"""The customer's clock: business-hours arithmetic in a team's timezone.

A customer should not wait longer than N *business* hours for an update, so every
deadline and "how long has this waited" figure is counted in the team's local
working hours, not in wall-clock time. This module is pure (stdlib only, no I/O)
so the rules can be tested exhaustively and reused by handlers, jobs and storage.

Conventions:

* Every input datetime must be timezone-aware; naive ones raise ``ValueError``
  because guessing a timezone is how deadlines silently drift by hours.
* Every output datetime is aware and in UTC, so callers can store and compare
  them without caring about the team's zone.
* A working day's business interval is ``[date + start, date + end)`` in local
  wall-clock time, converted to UTC with ``fold=0``: an ambiguous local time
  (clocks going back) means its first occurrence, and a nonexistent one (clocks
  going forward) is shifted forward by the size of the gap. If that makes a
  day's interval empty (e.g. hours 02:30-03:00 on a spring-forward day) the day
  simply contributes no business time.
* Intervals are half-open: at exactly the closing time the team is closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

__all__ = [
    "WEEKDAYS",
    "BusinessCalendar",
    "add_business_time",
    "business_time_between",
    "format_duration",
    "local_next",
    "next_opening",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Open-ended searches give up after this many calendar days, so that a calendar
# with no business hours at all (every day a holiday) fails loudly instead of
# looping forever. Three years is far beyond any sane support deadline.
_MAX_SEARCH_DAYS = 3 * 366

_ONE_DAY = timedelta(days=1)


def _require_aware(value: datetime, name: str) -> datetime:
    """Return ``value`` in UTC, refusing naive datetimes (their zone would be a guess)."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _require_wall_time(value: time, name: str) -> None:
    """Refuse times carrying a tzinfo: business hours are wall-clock times in ``cal.tz``."""
    if not isinstance(value, time):
        raise TypeError(f"{name} must be a datetime.time, got {type(value).__name__}")
    if value.tzinfo is not None:
        raise ValueError(f"{name} must be a naive wall-clock time (the zone is cal.tz)")


def _is_weekday_number(value: object) -> bool:
    """Whether ``value`` is a ``date.weekday()`` number (bools are ints but not weekdays)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6


def _local_instant(day: date, wall: time, tz: tzinfo) -> datetime:
    """Local ``day`` at ``wall`` in ``tz`` as UTC, always with fold=0 (see module doc)."""
    local = datetime(
        day.year,
        day.month,
        day.day,
        wall.hour,
        wall.minute,
        wall.second,
        wall.microsecond,
        tzinfo=tz,
        fold=0,
    )
    return local.astimezone(UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    """When a team is at work: weekdays, daily hours and holidays, in one timezone.

    ``days`` uses ``date.weekday()`` numbering (0 = Monday); ``holidays`` are
    local dates in ``tz``. Sets passed for ``days``/``holidays`` are frozen so the
    calendar stays hashable.
    """

    tz: ZoneInfo
    days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    start: time = time(9, 0)
    end: time = time(17, 0)
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        """Reject calendars that would make every later computation meaningless."""
        if not isinstance(self.tz, tzinfo):
            raise TypeError(f"tz must be a ZoneInfo, got {type(self.tz).__name__}")
        _require_wall_time(self.start, "start")
        _require_wall_time(self.end, "end")
        if self.start >= self.end:
            raise ValueError(
                f"business hours must start before they end within one day "
                f"(got start={self.start.isoformat()}, end={self.end.isoformat()})"
            )
        days = frozenset(self.days)
        if not days:
            raise ValueError("a business calendar needs at least one working weekday")
        bad = sorted(repr(d) for d in days if not _is_weekday_number(d))
        if bad:
            raise ValueError(
                f"working weekdays must be integers 0 (Mon) to 6 (Sun), got {', '.join(bad)}"
            )
        holidays = frozenset(self.holidays)
        for holiday in holidays:
            if isinstance(holiday, datetime) or not isinstance(holiday, date):
                raise ValueError(f"holidays must be dates, got {holiday!r}")
        object.__setattr__(self, "days", days)
        object.__setattr__(self, "holidays", holidays)

    def is_working_day(self, day: date) -> bool:
        """Whether the team works on local date ``day`` (a listed weekday, not a holiday)."""
        if isinstance(day, datetime):
            # A datetime would compare unequal to every holiday date and hide a tz bug.
            raise TypeError("is_working_day takes a local date, not a datetime")
        return day.weekday() in self.days and day not in self.holidays

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` falls inside business hours (local time, half-open at closing)."""
        at_utc = _require_aware(at, "at")
        return any(True for _ in self.open_intervals(at_utc, at_utc + timedelta.resolution))

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Business intervals overlapping ``[start, end)``, clipped to it, in order, in UTC.

        Bounded by ``end``, so it never needs the search cap: a calendar with no
        business hours just yields nothing.
        """
        # Validate eagerly (not inside a generator) so a naive datetime fails at the call.
        start_utc = _require_aware(start, "start")
        end_utc = _require_aware(end, "end")
        return self._clipped_intervals(start_utc, end_utc)

    def _clipped_intervals(
        self, start_utc: datetime, end_utc: datetime
    ) -> Iterator[tuple[datetime, datetime]]:
        """The generator behind ``open_intervals``; arguments already validated UTC."""
        if end_utc <= start_utc:
            return
        last_day = end_utc.astimezone(self.tz).date()
        for lo, hi in self._intervals_from(start_utc, last_day=last_day):
            if lo >= end_utc:
                return
            yield lo, min(hi, end_utc)

    def _day_interval(self, day: date) -> tuple[datetime, datetime] | None:
        """The UTC business interval of local ``day``, or None if it has no business time."""
        if not self.is_working_day(day):
            return None
        lo = _local_instant(day, self.start, self.tz)
        hi = _local_instant(day, self.end, self.tz)
        # Only possible when an opening falls in a DST gap and is pushed past closing.
        return (lo, hi) if lo < hi else None

    def _intervals_from(
        self, at_utc: datetime, *, last_day: date | None = None
    ) -> Iterator[tuple[datetime, datetime]]:
        """Non-empty business intervals ending after ``at_utc``, clipped to start at it.

        Walks local days up to ``last_day`` inclusive; without a bound, raises
        ValueError after ``_MAX_SEARCH_DAYS`` days so open-ended searches terminate.
        """
        # Start one day early: in exotic zones a DST gap can push the previous
        # day's closing time past local midnight.
        day = at_utc.astimezone(self.tz).date() - _ONE_DAY
        floor = at_utc
        scanned = 0
        while last_day is None or day <= last_day:
            if last_day is None and scanned >= _MAX_SEARCH_DAYS:
                raise ValueError(
                    f"no room in the business calendar within {_MAX_SEARCH_DAYS} days after "
                    f"{at_utc.isoformat()}: check its working days and holidays"
                )
            interval = self._day_interval(day)
            day += _ONE_DAY
            scanned += 1
            if interval is None:
                continue
            lo, hi = max(interval[0], floor), interval[1]
            if lo >= hi:
                continue
            yield lo, hi
            floor = hi  # keeps intervals disjoint and ordered even around DST oddities


def add_business_time(start: datetime, duration: timedelta, cal: BusinessCalendar) -> datetime:
    """The UTC instant when ``duration`` of business time has elapsed after ``start``.

    Counting begins at ``start`` if open, else at the next opening; a duration that
    ends exactly at closing returns the closing instant (not the next opening).
    Raises ValueError for a negative duration, or when the answer is not within
    about three years (an absurd calendar or duration).
    """
    start_utc = _require_aware(start, "start")
    if not isinstance(duration, timedelta):
        raise TypeError(f"duration must be a timedelta, got {type(duration).__name__}")
    if duration < timedelta(0):
        raise ValueError(f"duration must not be negative, got {duration}")
    remaining = duration
    try:
        for lo, hi in cal._intervals_from(start_utc):
            available = hi - lo
            if remaining <= available:
                return lo + remaining
            remaining -= available
    except ValueError as exc:
        raise ValueError(
            f"cannot fit {duration} of business time after {start_utc.isoformat()} "
            f"within {_MAX_SEARCH_DAYS} days"
        ) from exc
    raise AssertionError("unreachable: _intervals_from raises before running out")


def business_time_between(a: datetime, b: datetime, cal: BusinessCalendar) -> timedelta:
    """Business time elapsed from ``a`` to ``b``; zero when ``b`` is not after ``a``."""
    total = timedelta(0)
    for lo, hi in cal.open_intervals(a, b):
        total += hi - lo
    return total


def next_opening(at: datetime, cal: BusinessCalendar) -> datetime:
    """``at`` itself (in UTC) if open, else the start of the next business interval.

    Raises ValueError if the calendar has no business hours within about three years.
    """
    at_utc = _require_aware(at, "at")
    for lo, _hi in cal._intervals_from(at_utc):
        return lo
    raise AssertionError("unreachable: _intervals_from raises before running out")


def local_next(at: datetime, when: time, cal: BusinessCalendar) -> datetime:
    """The first instant strictly after ``at`` showing local wall time ``when`` on a working day.

    Used for "tomorrow 10:00" snoozes and daily jobs, so it yields one instant per
    working day: an ambiguous ``when`` means its first occurrence and a nonexistent
    one is shifted forward by the DST gap (fold=0). ``when`` need not be within
    business hours. Raises ValueError if no working day comes within about three years.
    """
    at_utc = _require_aware(at, "at")
    _require_wall_time(when, "when")
    day = at_utc.astimezone(cal.tz).date() - _ONE_DAY
    for _ in range(_MAX_SEARCH_DAYS):
        if cal.is_working_day(day):
            candidate = _local_instant(day, when, cal.tz)
            if candidate > at_utc:
                return candidate
        day += _ONE_DAY
    raise ValueError(
        f"no working day within {_MAX_SEARCH_DAYS} days after {at_utc.isoformat()}: "
        "check the calendar's working days and holidays"
    )


def format_duration(delta: timedelta) -> str:
    """Compact text for a duration, e.g. "50m", "3h 10m", "26h", "2d 4h".

    Whole units are truncated, never rounded up, so "due in" is never overstated.
    Negative deltas are formatted by absolute value; the caller words "overdue by".
    """
    minutes = abs(delta) // timedelta(minutes=1)
    hours, mins = divmod(minutes, 60)
    if hours == 0:
        return f"{mins}m"
    if hours < 48:
        return f"{hours}h {mins}m" if mins else f"{hours}h"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h" if hours else f"{days}d"
