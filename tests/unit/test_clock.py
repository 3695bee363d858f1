"""Table-driven tests for the customer's clock (bot.clock).

Expected values are written as local wall-clock times in the calendar's zone,
because that is what a support team reads; results are checked to be aware UTC.
"""

from __future__ import annotations

import random
import time as stopwatch
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.schedule.clock import (
    WEEKDAYS,
    BusinessCalendar,
    add_business_time,
    business_time_between,
    format_duration,
    local_next,
    next_opening,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
DUBAI = ZoneInfo("Asia/Dubai")
TOKYO = ZoneInfo("Asia/Tokyo")

ALL_WEEK = frozenset(range(7))

NY_CAL = BusinessCalendar(tz=NY)
NY_HOLIDAYS = BusinessCalendar(
    tz=NY,
    holidays=frozenset(
        {
            date(2026, 1, 19),  # MLK day, a Monday
            date(2026, 7, 3),  # Independence Day observed, a Friday before a weekend
            date(2026, 11, 26),  # Thanksgiving (Thursday)
            date(2026, 11, 27),  # and the Friday after
        }
    ),
)
LONDON_CAL = BusinessCalendar(tz=LONDON)
# Sunday-Thursday week, 08:00-17:00.
DUBAI_CAL = BusinessCalendar(tz=DUBAI, days=frozenset({6, 0, 1, 2, 3}), start=time(8, 0))
NY_EVERY_DAY = BusinessCalendar(tz=NY, days=ALL_WEEK)
HALF_DAYS_MON_SAT = BusinessCalendar(
    tz=NY, days=frozenset(range(6)), start=time(8, 30), end=time(12, 15)
)
# Business hours straddling the US DST switch (02:00 local).
NY_NIGHT_SHIFT = BusinessCalendar(tz=NY, days=ALL_WEEK, start=time(1, 0), end=time(3, 0))
# Opening inside the spring-forward gap: 02:00 does not exist on 2026-03-08.
NY_GAP_OPENING = BusinessCalendar(tz=NY, days=ALL_WEEK, start=time(2, 0), end=time(4, 0))
# The whole interval is inside the gap (02:30 -> shifted to 03:30 EDT, after 03:00 EDT).
NY_INSIDE_GAP = BusinessCalendar(tz=NY, days=ALL_WEEK, start=time(2, 30), end=time(3, 0))
NY_ALMOST_ALL_DAY = BusinessCalendar(tz=NY, days=ALL_WEEK, start=time(0, 0), end=time(23, 59))


def at(tz: ZoneInfo, y: int, mo: int, d: int, h: int = 0, mi: int = 0, fold: int = 0) -> datetime:
    """An aware local datetime, for writing tables in wall-clock terms."""
    return datetime(y, mo, d, h, mi, tzinfo=tz, fold=fold)


def wall(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A naive local wall-clock time, the expected value of a result."""
    return datetime(y, mo, d, h, mi)


def hours(h: float) -> timedelta:
    return timedelta(hours=h)


def as_wall(result: datetime, cal: BusinessCalendar) -> datetime:
    """Check a result is aware UTC and return its naive wall-clock time in the calendar's zone."""
    assert result.tzinfo is UTC
    return result.astimezone(cal.tz).replace(tzinfo=None)


# ---------------------------------------------------------------------------
# add_business_time
# ---------------------------------------------------------------------------

ADD_CASES = [
    # The spec's own example.
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 9, 16), hours(4), wall(2026, 1, 12, 12), id="spec-fri-16h+4h"
    ),
    # Within a day and across nights.
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 10), hours(3), wall(2026, 1, 6, 13), id="within-a-day"),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 6, 10), hours(7), wall(2026, 1, 6, 17), id="ends-at-closing"
    ),
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 15), hours(4), wall(2026, 1, 7, 11), id="across-night"),
    pytest.param(
        NY_CAL,
        at(NY, 2026, 1, 6, 16, 50),
        timedelta(minutes=15),
        wall(2026, 1, 7, 9, 5),
        id="minutes-across-night",
    ),
    # Across weekends; logged outside hours.
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 9, 13), hours(8), wall(2026, 1, 12, 13), id="across-weekend"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 6, 7, 30), hours(2), wall(2026, 1, 6, 11), id="before-opening"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 6, 18, 45), hours(2), wall(2026, 1, 7, 11), id="after-closing"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 10, 11), hours(1), wall(2026, 1, 12, 10), id="on-saturday"
    ),
    pytest.param(
        NY_CAL,
        at(NY, 2026, 1, 11, 23, 59),
        timedelta(minutes=30),
        wall(2026, 1, 12, 9, 30),
        id="sunday-late-night",
    ),
    # Holidays.
    pytest.param(
        NY_HOLIDAYS, at(NY, 2026, 1, 19, 9), hours(1), wall(2026, 1, 20, 10), id="on-holiday-monday"
    ),
    pytest.param(
        NY_HOLIDAYS,
        at(NY, 2026, 7, 2, 15),
        hours(4),
        wall(2026, 7, 6, 11),
        id="holiday-friday-before-weekend",
    ),
    pytest.param(
        NY_HOLIDAYS,
        at(NY, 2026, 11, 26, 10),
        hours(2),
        wall(2026, 11, 30, 11),
        id="thanksgiving-thu-fri-and-weekend",
    ),
    pytest.param(
        NY_HOLIDAYS,
        at(NY, 2026, 11, 25, 16),
        hours(2),
        wall(2026, 11, 30, 10),
        id="eve-of-thanksgiving",
    ),
    # Long durations: 40h is one working week.
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 5, 9), hours(40), wall(2026, 1, 9, 17), id="40h-mon-to-fri"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 7, 13), hours(40), wall(2026, 1, 14, 13), id="40h-wed-to-wed"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 5, 9), hours(80), wall(2026, 1, 16, 17), id="80h-two-weeks"
    ),
    pytest.param(
        NY_HOLIDAYS,
        at(NY, 2026, 11, 23, 9),
        hours(40),
        wall(2026, 12, 1, 17),
        id="40h-over-thanksgiving-week",
    ),
    # Zero duration: the start itself if open, else the next opening.
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 6, 10, 15), timedelta(0), wall(2026, 1, 6, 10, 15), id="zero-open"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 6, 17), timedelta(0), wall(2026, 1, 7, 9), id="zero-at-closing"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 10, 12), timedelta(0), wall(2026, 1, 12, 9), id="zero-saturday"
    ),
    # DST weekends: the result is right in local wall-clock terms.
    pytest.param(
        NY_CAL,
        at(NY, 2026, 3, 6, 16),
        hours(4),
        wall(2026, 3, 9, 12),
        id="ny-spring-forward-weekend",
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 10, 30, 16), hours(4), wall(2026, 11, 2, 12), id="ny-fall-back-weekend"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 3, 4, 13), hours(40), wall(2026, 3, 11, 13), id="ny-40h-across-dst"
    ),
    pytest.param(
        NY_EVERY_DAY,
        at(NY, 2026, 3, 7, 16),
        hours(2),
        wall(2026, 3, 8, 10),
        id="ny-open-on-dst-sunday",
    ),
    pytest.param(
        LONDON_CAL,
        at(LONDON, 2026, 3, 27, 15),
        hours(5),
        wall(2026, 3, 30, 12),
        id="london-spring-forward-weekend",
    ),
    pytest.param(
        LONDON_CAL,
        at(LONDON, 2026, 10, 23, 16, 30),
        hours(1),
        wall(2026, 10, 26, 9, 30),
        id="london-fall-back-weekend",
    ),
    # Non-default calendars.
    pytest.param(
        DUBAI_CAL,
        at(DUBAI, 2026, 1, 15, 15),
        hours(4),
        wall(2026, 1, 18, 10),
        id="dubai-thu-to-sun",
    ),
    pytest.param(
        DUBAI_CAL, at(DUBAI, 2026, 1, 16, 10), hours(1), wall(2026, 1, 18, 9), id="dubai-on-friday"
    ),
    pytest.param(
        HALF_DAYS_MON_SAT,
        at(NY, 2026, 1, 10, 11),
        hours(2),
        wall(2026, 1, 12, 9, 15),
        id="half-days-saturday-to-monday",
    ),
    # Start given in another zone: only the instant matters.
    pytest.param(
        NY_CAL,
        datetime(2026, 1, 9, 21, 0, tzinfo=UTC),
        hours(4),
        wall(2026, 1, 12, 12),
        id="start-given-in-utc",
    ),
    pytest.param(
        NY_CAL,
        datetime(2026, 1, 10, 6, 0, tzinfo=TOKYO),
        hours(4),
        wall(2026, 1, 12, 12),
        id="start-given-in-tokyo",
    ),
]


@pytest.mark.parametrize(("cal", "start", "duration", "expected"), ADD_CASES)
def test_add_business_time(
    cal: BusinessCalendar, start: datetime, duration: timedelta, expected: datetime
) -> None:
    due = add_business_time(start, duration, cal)
    assert as_wall(due, cal) == expected
    assert business_time_between(start, due, cal) == duration


# ---------------------------------------------------------------------------
# Calendars whose hours straddle a DST switch (01:00-03:00 in New York)
# ---------------------------------------------------------------------------

DST_SPAN_CASES = [
    pytest.param(NY_NIGHT_SHIFT, date(2026, 3, 7), hours(2), id="night-shift-ordinary-day"),
    pytest.param(NY_NIGHT_SHIFT, date(2026, 3, 8), hours(1), id="night-shift-spring-forward"),
    pytest.param(NY_NIGHT_SHIFT, date(2026, 11, 1), hours(3), id="night-shift-fall-back"),
    pytest.param(NY_GAP_OPENING, date(2026, 3, 8), hours(1), id="opening-in-gap"),
    pytest.param(NY_INSIDE_GAP, date(2026, 3, 8), timedelta(0), id="hours-entirely-in-gap"),
    pytest.param(
        NY_INSIDE_GAP, date(2026, 3, 9), timedelta(minutes=30), id="hours-in-gap-next-day"
    ),
    pytest.param(
        NY_ALMOST_ALL_DAY, date(2026, 3, 8), timedelta(hours=22, minutes=59), id="23h-day"
    ),
    pytest.param(
        NY_ALMOST_ALL_DAY, date(2026, 11, 1), timedelta(hours=24, minutes=59), id="25h-day"
    ),
    pytest.param(NY_EVERY_DAY, date(2026, 3, 8), hours(8), id="9-to-5-unaffected-spring"),
    pytest.param(NY_EVERY_DAY, date(2026, 11, 1), hours(8), id="9-to-5-unaffected-fall"),
]


@pytest.mark.parametrize(("cal", "day", "expected"), DST_SPAN_CASES)
def test_business_time_on_dst_days(cal: BusinessCalendar, day: date, expected: timedelta) -> None:
    start = at(NY, day.year, day.month, day.day)
    following = day + timedelta(days=1)
    end = at(NY, following.year, following.month, following.day)
    assert business_time_between(start, end, cal) == expected


NIGHT_SHIFT_ADD_CASES = [
    pytest.param(
        at(NY, 2026, 3, 8, 1),
        timedelta(minutes=90),
        wall(2026, 3, 9, 1, 30),
        id="spring-forward-only-one-hour-that-night",
    ),
    pytest.param(
        at(NY, 2026, 3, 8, 1, 30),
        timedelta(minutes=15),
        wall(2026, 3, 8, 1, 45),
        id="spring-forward-before-jump",
    ),
    pytest.param(
        at(NY, 2026, 3, 8, 1, 30),
        timedelta(minutes=45),
        wall(2026, 3, 9, 1, 15),
        id="spring-forward-across-jump",
    ),
    pytest.param(
        at(NY, 2026, 11, 1, 1),
        timedelta(minutes=150),
        wall(2026, 11, 1, 2, 30),
        id="fall-back-three-hour-night",
    ),
    pytest.param(
        at(NY, 2026, 11, 1, 0, 30), hours(3), wall(2026, 11, 1, 3), id="fall-back-ends-at-closing"
    ),
    pytest.param(
        at(NY, 2026, 11, 1, 1, 30, fold=1),
        timedelta(minutes=30),
        wall(2026, 11, 1, 2),
        id="fall-back-start-in-repeated-hour",
    ),
]


@pytest.mark.parametrize(("start", "duration", "expected"), NIGHT_SHIFT_ADD_CASES)
def test_night_shift_across_dst(start: datetime, duration: timedelta, expected: datetime) -> None:
    due = add_business_time(start, duration, NY_NIGHT_SHIFT)
    assert as_wall(due, NY_NIGHT_SHIFT) == expected
    assert business_time_between(start, due, NY_NIGHT_SHIFT) == duration


def test_night_shift_repeated_hour_counts_twice() -> None:
    # 01:00 EDT (05:00Z) to 03:00 EST (08:00Z): the repeated 01:00-02:00 hour is worked.
    first = at(NY, 2026, 11, 1, 1, 30, fold=0)
    second = at(NY, 2026, 11, 1, 1, 30, fold=1)
    assert NY_NIGHT_SHIFT.is_open(first)
    assert NY_NIGHT_SHIFT.is_open(second)
    assert business_time_between(first, second, NY_NIGHT_SHIFT) == hours(1)


def test_opening_in_gap_starts_when_clocks_jump() -> None:
    opening = next_opening(at(NY, 2026, 3, 8), NY_GAP_OPENING)
    assert opening == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert as_wall(opening, NY_GAP_OPENING) == wall(2026, 3, 8, 3)


def test_hours_entirely_in_gap_skip_the_day() -> None:
    due = add_business_time(at(NY, 2026, 3, 8), timedelta(minutes=10), NY_INSIDE_GAP)
    assert as_wall(due, NY_INSIDE_GAP) == wall(2026, 3, 9, 2, 40)
    assert list(NY_INSIDE_GAP.open_intervals(at(NY, 2026, 3, 8), at(NY, 2026, 3, 8, 23))) == []


# ---------------------------------------------------------------------------
# business_time_between and open_intervals
# ---------------------------------------------------------------------------

BETWEEN_CASES = [
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 6, 10), at(NY, 2026, 1, 6, 12, 30), hours(2.5), id="same-day"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 6, 12), at(NY, 2026, 1, 6, 10), timedelta(0), id="reversed"
    ),
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 12), at(NY, 2026, 1, 6, 12), timedelta(0), id="equal"),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 6, 6), at(NY, 2026, 1, 6, 8), timedelta(0), id="before-open"
    ),
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 6), at(NY, 2026, 1, 6, 23), hours(8), id="whole-day"),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 9, 16), at(NY, 2026, 1, 12, 12), hours(4), id="spec-example"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 10, 8), at(NY, 2026, 1, 11, 20), timedelta(0), id="weekend"
    ),
    pytest.param(NY_CAL, at(NY, 2026, 1, 5), at(NY, 2026, 1, 12), hours(40), id="one-week"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 5), at(NY, 2027, 1, 4), hours(52 * 40), id="one-year"),
    pytest.param(
        NY_HOLIDAYS, at(NY, 2026, 11, 23), at(NY, 2026, 11, 30), hours(24), id="thanksgiving-week"
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 3, 6), at(NY, 2026, 3, 11), hours(24), id="ny-spring-forward"
    ),
    pytest.param(NY_CAL, at(NY, 2026, 10, 30), at(NY, 2026, 11, 4), hours(24), id="ny-fall-back"),
    pytest.param(
        LONDON_CAL,
        at(LONDON, 2026, 3, 27, 12),
        at(LONDON, 2026, 3, 30, 12),
        hours(8),
        id="london-spring-forward",
    ),
    pytest.param(
        DUBAI_CAL,
        at(DUBAI, 2026, 1, 15, 12),
        at(DUBAI, 2026, 1, 18, 12),
        hours(9),
        id="dubai-thu-to-sun",
    ),
    pytest.param(
        NY_CAL,
        datetime(2026, 1, 6, 14, 0, tzinfo=UTC),
        datetime(2026, 1, 7, 0, 0, tzinfo=TOKYO),
        hours(1),
        id="mixed-input-zones",
    ),
]


@pytest.mark.parametrize(("cal", "a", "b", "expected"), BETWEEN_CASES)
def test_business_time_between(
    cal: BusinessCalendar, a: datetime, b: datetime, expected: timedelta
) -> None:
    assert business_time_between(a, b, cal) == expected


def test_open_intervals_are_clipped_ordered_utc() -> None:
    got = list(NY_CAL.open_intervals(at(NY, 2026, 1, 9, 12), at(NY, 2026, 1, 13, 10)))
    assert got == [
        (at(NY, 2026, 1, 9, 12), at(NY, 2026, 1, 9, 17)),
        (at(NY, 2026, 1, 12, 9), at(NY, 2026, 1, 12, 17)),
        (at(NY, 2026, 1, 13, 9), at(NY, 2026, 1, 13, 10)),
    ]
    assert all(lo.tzinfo is UTC and hi.tzinfo is UTC for lo, hi in got)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(at(NY, 2026, 1, 10), at(NY, 2026, 1, 11, 23), id="weekend"),
        pytest.param(at(NY, 2026, 1, 6, 12), at(NY, 2026, 1, 6, 11), id="reversed"),
        pytest.param(at(NY, 2026, 1, 6, 17), at(NY, 2026, 1, 7, 9), id="overnight"),
    ],
)
def test_open_intervals_empty(a: datetime, b: datetime) -> None:
    assert list(NY_CAL.open_intervals(a, b)) == []


PROPERTY_CALENDARS = [
    pytest.param(NY_CAL, id="ny"),
    pytest.param(NY_HOLIDAYS, id="ny-holidays"),
    pytest.param(LONDON_CAL, id="london"),
    pytest.param(DUBAI_CAL, id="dubai"),
    pytest.param(HALF_DAYS_MON_SAT, id="half-days"),
    pytest.param(NY_NIGHT_SHIFT, id="ny-night-shift"),
    pytest.param(NY_GAP_OPENING, id="ny-gap-opening"),
    pytest.param(NY_ALMOST_ALL_DAY, id="ny-almost-all-day"),
]

YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_MINUTES = 365 * 24 * 60


def random_instant(rng: random.Random) -> datetime:
    return YEAR_START + timedelta(minutes=rng.randrange(YEAR_MINUTES), seconds=rng.randrange(60))


@pytest.mark.parametrize("cal", PROPERTY_CALENDARS)
def test_add_and_between_are_inverse(cal: BusinessCalendar) -> None:
    rng = random.Random(20260308)
    for _ in range(300):
        start = random_instant(rng)
        if rng.random() < 0.5:
            start = next_opening(start, cal)  # the brief's case: counting from an open instant
        duration = timedelta(minutes=rng.randrange(0, 100 * 60), seconds=rng.randrange(60))
        due = add_business_time(start, duration, cal)
        assert due >= start
        assert business_time_between(start, due, cal) == duration, (start, duration)
        if duration:
            # The clock was running right up to the due instant.
            assert cal.is_open(due - timedelta.resolution), (start, duration)


@pytest.mark.parametrize("cal", PROPERTY_CALENDARS)
def test_between_then_add_lands_on_last_business_instant(cal: BusinessCalendar) -> None:
    rng = random.Random(11012026)
    for _ in range(300):
        a, b = sorted((random_instant(rng), random_instant(rng)))
        b = min(b, a + timedelta(days=30))
        elapsed = business_time_between(a, b, cal)
        landed = add_business_time(a, elapsed, cal)
        if elapsed:
            assert landed <= b, (a, b)
            assert business_time_between(landed, b, cal) == timedelta(0), (a, b)
        mid = a + (b - a) / 2
        assert business_time_between(a, mid, cal) + business_time_between(mid, b, cal) == elapsed


# ---------------------------------------------------------------------------
# is_open, next_opening, local_next
# ---------------------------------------------------------------------------

IS_OPEN_CASES = [
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 9), True, id="at-opening"),
    pytest.param(NY_CAL, datetime(2026, 1, 6, 16, 59, 59, tzinfo=NY), True, id="last-second"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 17), False, id="at-closing"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 8, 59), False, id="before-opening"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 10, 12), False, id="saturday"),
    pytest.param(NY_HOLIDAYS, at(NY, 2026, 11, 26, 12), False, id="holiday"),
    pytest.param(NY_CAL, at(NY, 2026, 11, 26, 12), True, id="no-holidays-configured"),
    pytest.param(NY_CAL, datetime(2026, 1, 6, 14, 0, tzinfo=UTC), True, id="utc-input-9am-local"),
    pytest.param(NY_CAL, datetime(2026, 1, 6, 13, 59, tzinfo=UTC), False, id="utc-input-before"),
    pytest.param(NY_CAL, at(NY, 2026, 3, 9, 9), True, id="monday-after-spring-forward"),
    pytest.param(DUBAI_CAL, at(DUBAI, 2026, 1, 18, 8), True, id="dubai-sunday"),
    pytest.param(DUBAI_CAL, at(DUBAI, 2026, 1, 16, 12), False, id="dubai-friday"),
]


@pytest.mark.parametrize(("cal", "instant", "expected"), IS_OPEN_CASES)
def test_is_open(cal: BusinessCalendar, instant: datetime, expected: bool) -> None:
    assert cal.is_open(instant) is expected


@pytest.mark.parametrize(
    ("cal", "day", "expected"),
    [
        pytest.param(NY_CAL, date(2026, 1, 6), True, id="tuesday"),
        pytest.param(NY_CAL, date(2026, 1, 10), False, id="saturday"),
        pytest.param(NY_HOLIDAYS, date(2026, 7, 3), False, id="holiday"),
        pytest.param(DUBAI_CAL, date(2026, 1, 18), True, id="dubai-sunday"),
        pytest.param(DUBAI_CAL, date(2026, 1, 16), False, id="dubai-friday"),
    ],
)
def test_is_working_day(cal: BusinessCalendar, day: date, expected: bool) -> None:
    assert cal.is_working_day(day) is expected


NEXT_OPENING_CASES = [
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 7), wall(2026, 1, 6, 9), id="before-opening"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 17), wall(2026, 1, 7, 9), id="at-closing"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 9, 17, 30), wall(2026, 1, 12, 9), id="friday-evening"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 10, 12), wall(2026, 1, 12, 9), id="saturday"),
    pytest.param(NY_HOLIDAYS, at(NY, 2026, 11, 25, 18), wall(2026, 11, 30, 9), id="thanksgiving"),
    pytest.param(NY_CAL, at(NY, 2026, 3, 7, 12), wall(2026, 3, 9, 9), id="spring-forward-weekend"),
    pytest.param(DUBAI_CAL, at(DUBAI, 2026, 1, 15, 18), wall(2026, 1, 18, 8), id="dubai-weekend"),
]


@pytest.mark.parametrize(("cal", "instant", "expected"), NEXT_OPENING_CASES)
def test_next_opening(cal: BusinessCalendar, instant: datetime, expected: datetime) -> None:
    assert as_wall(next_opening(instant, cal), cal) == expected


@pytest.mark.parametrize(
    "instant",
    [
        pytest.param(at(NY, 2026, 1, 6, 9), id="at-opening"),
        pytest.param(datetime(2026, 1, 6, 11, 17, 3, 12, tzinfo=NY), id="mid-morning"),
    ],
)
def test_next_opening_when_open_is_now_in_utc(instant: datetime) -> None:
    result = next_opening(instant, NY_CAL)
    assert result == instant
    assert result.tzinfo is UTC


TEN = time(10, 0)

LOCAL_NEXT_CASES = [
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 8), TEN, wall(2026, 1, 6, 10), id="later-today"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 10), TEN, wall(2026, 1, 7, 10), id="strictly-after"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 6, 11), TEN, wall(2026, 1, 7, 10), id="tomorrow"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 9, 11), TEN, wall(2026, 1, 12, 10), id="skips-weekend"),
    pytest.param(NY_CAL, at(NY, 2026, 1, 10, 9), TEN, wall(2026, 1, 12, 10), id="from-saturday"),
    pytest.param(
        NY_HOLIDAYS, at(NY, 2026, 11, 25, 11), TEN, wall(2026, 11, 30, 10), id="skips-holidays"
    ),
    pytest.param(
        NY_HOLIDAYS,
        at(NY, 2026, 7, 2, 12),
        TEN,
        wall(2026, 7, 6, 10),
        id="skips-holiday-friday-and-weekend",
    ),
    pytest.param(
        NY_CAL, at(NY, 2026, 1, 6, 8), time(7, 30), wall(2026, 1, 7, 7, 30), id="outside-hours"
    ),
    pytest.param(NY_CAL, at(NY, 2026, 3, 6, 11), TEN, wall(2026, 3, 9, 10), id="across-dst"),
    pytest.param(
        NY_EVERY_DAY,
        at(NY, 2026, 3, 7, 3),
        time(2, 30),
        wall(2026, 3, 8, 3, 30),
        id="nonexistent-time-shifts-forward",
    ),
    pytest.param(
        NY_EVERY_DAY,
        at(NY, 2026, 11, 1),
        time(1, 30),
        wall(2026, 11, 1, 1, 30),
        id="ambiguous-time-first-occurrence",
    ),
    pytest.param(
        DUBAI_CAL, at(DUBAI, 2026, 1, 15, 12), TEN, wall(2026, 1, 18, 10), id="dubai-weekend"
    ),
]


@pytest.mark.parametrize(("cal", "instant", "when", "expected"), LOCAL_NEXT_CASES)
def test_local_next(
    cal: BusinessCalendar, instant: datetime, when: time, expected: datetime
) -> None:
    result = local_next(instant, when, cal)
    assert as_wall(result, cal) == expected
    assert result > instant


def test_local_next_ambiguous_time_fires_once_per_day() -> None:
    first = local_next(at(NY, 2026, 11, 1), time(1, 30), NY_EVERY_DAY)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    again = local_next(first, time(1, 30), NY_EVERY_DAY)
    assert as_wall(again, NY_EVERY_DAY) == wall(2026, 11, 2, 1, 30)


# ---------------------------------------------------------------------------
# format_duration
# ---------------------------------------------------------------------------

FORMAT_CASES = [
    pytest.param(timedelta(0), "0m", id="zero"),
    pytest.param(timedelta(seconds=59), "0m", id="under-a-minute"),
    pytest.param(timedelta(minutes=1), "1m", id="one-minute"),
    pytest.param(timedelta(minutes=50), "50m", id="minutes"),
    pytest.param(timedelta(minutes=59, seconds=59), "59m", id="truncates-not-rounds"),
    pytest.param(timedelta(hours=1), "1h", id="one-hour"),
    pytest.param(timedelta(hours=3, minutes=10), "3h 10m", id="hours-minutes"),
    pytest.param(timedelta(hours=26), "26h", id="hours-omit-zero-minutes"),
    pytest.param(timedelta(hours=47, minutes=59), "47h 59m", id="just-under-48h"),
    pytest.param(timedelta(hours=48), "2d", id="48h"),
    pytest.param(timedelta(hours=52), "2d 4h", id="days-hours"),
    pytest.param(timedelta(days=3), "3d", id="days-omit-zero-hours"),
    pytest.param(timedelta(days=3, minutes=30), "3d", id="days-drop-minutes"),
    pytest.param(timedelta(days=10, hours=5), "10d 5h", id="many-days"),
    pytest.param(timedelta(minutes=-50), "50m", id="negative-minutes"),
    pytest.param(timedelta(hours=-26), "26h", id="negative-hours"),
    pytest.param(-timedelta(days=2, hours=4), "2d 4h", id="negative-days"),
    pytest.param(timedelta(seconds=-30), "0m", id="negative-under-a-minute"),
]


@pytest.mark.parametrize(("delta", "expected"), FORMAT_CASES)
def test_format_duration(delta: timedelta, expected: str) -> None:
    assert format_duration(delta) == expected


# ---------------------------------------------------------------------------
# Validation and refusal
# ---------------------------------------------------------------------------


def test_weekday_names_match_weekday_numbers() -> None:
    assert WEEKDAYS[date(2026, 1, 5).weekday()] == "mon"
    assert WEEKDAYS[6] == "sun"
    assert len(WEEKDAYS) == 7


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"start": time(17), "end": time(9)}, "start before", id="start-after-end"),
        pytest.param({"start": time(9), "end": time(9)}, "start before", id="start-equals-end"),
        pytest.param({"start": time(22), "end": time(6)}, "start before", id="overnight-refused"),
        pytest.param({"days": frozenset()}, "at least one", id="no-days"),
        pytest.param({"days": frozenset({0, 7})}, "0 \\(Mon\\) to 6", id="day-7"),
        pytest.param({"days": frozenset({-1})}, "0 \\(Mon\\) to 6", id="day-negative"),
        pytest.param({"start": time(9, tzinfo=UTC)}, "naive wall-clock", id="aware-start-time"),
        pytest.param(
            {"holidays": frozenset({datetime(2026, 1, 1)})},
            "holidays must be dates",
            id="dt-holiday",
        ),
    ],
)
def test_calendar_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(tz=NY, **kwargs)  # type: ignore[arg-type]


def test_calendar_freezes_plain_sets_and_is_hashable() -> None:
    cal = BusinessCalendar(tz=NY, days={0, 1}, holidays={date(2026, 1, 1)})  # type: ignore[arg-type]
    assert isinstance(cal.days, frozenset)
    assert isinstance(cal.holidays, frozenset)
    assert hash(cal) == hash(BusinessCalendar(tz=NY, days=frozenset({0, 1}), holidays=cal.holidays))


def test_is_working_day_refuses_datetimes() -> None:
    with pytest.raises(TypeError):
        NY_CAL.is_working_day(datetime(2026, 1, 6, 12, tzinfo=NY))


NAIVE = datetime(2026, 1, 6, 12)
AWARE = at(NY, 2026, 1, 6, 12)

NAIVE_CALLS: list[object] = [
    pytest.param(lambda: add_business_time(NAIVE, hours(1), NY_CAL), id="add_business_time"),
    pytest.param(lambda: business_time_between(NAIVE, AWARE, NY_CAL), id="between-a"),
    pytest.param(lambda: business_time_between(AWARE, NAIVE, NY_CAL), id="between-b"),
    pytest.param(lambda: next_opening(NAIVE, NY_CAL), id="next_opening"),
    pytest.param(lambda: local_next(NAIVE, TEN, NY_CAL), id="local_next"),
    pytest.param(lambda: NY_CAL.is_open(NAIVE), id="is_open"),
    pytest.param(lambda: NY_CAL.open_intervals(NAIVE, AWARE), id="open_intervals-eager"),
]


@pytest.mark.parametrize("call", NAIVE_CALLS)
def test_naive_datetimes_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


def test_negative_duration_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_time(AWARE, hours(-1), NY_CAL)


# Every day a holiday for five years: no business time anywhere near.
ALWAYS_CLOSED = BusinessCalendar(
    tz=NY,
    days=ALL_WEEK,
    holidays=frozenset(date(2026, 1, 1) + timedelta(days=i) for i in range(5 * 366)),
)

ABSURD_CALLS: list[object] = [
    pytest.param(lambda: add_business_time(AWARE, hours(1), ALWAYS_CLOSED), id="add_business_time"),
    pytest.param(lambda: add_business_time(AWARE, timedelta(0), ALWAYS_CLOSED), id="add-zero"),
    pytest.param(lambda: next_opening(AWARE, ALWAYS_CLOSED), id="next_opening"),
    pytest.param(lambda: local_next(AWARE, TEN, ALWAYS_CLOSED), id="local_next"),
    pytest.param(
        lambda: add_business_time(AWARE, hours(40 * 52 * 4), NY_CAL), id="four-years-of-work"
    ),
]


@pytest.mark.parametrize("call", ABSURD_CALLS)
def test_absurd_searches_raise_quickly(call: Callable[[], object]) -> None:
    began = stopwatch.perf_counter()
    with pytest.raises(ValueError):
        call()
    assert stopwatch.perf_counter() - began < 2.0


def test_absurd_calendar_bounded_queries_just_return_nothing() -> None:
    a, b = at(NY, 2026, 1, 1), at(NY, 2027, 1, 1)
    assert business_time_between(a, b, ALWAYS_CLOSED) == timedelta(0)
    assert ALWAYS_CLOSED.is_open(at(NY, 2026, 6, 1, 12)) is False
