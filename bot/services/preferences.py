"""Each person's own choices: away until a date, the morning digest, how nudges come.

`/feedback away until 2026-12-24` and App Home's controls land here. "Away until D" means away
through the day before D and back on D, in the person's own timezone: their nudges go to their
items' team channels meanwhile (bot/schedule/nudges.py), escalations to leads are unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.core.config import FrontlineConfig
from bot.core.wallclock import Now
from bot.schedule.people import People
from bot.services.home import HomeService
from bot.slack import copy
from bot.slack.views import day_text
from storage.values import DigestMode, NudgeMode

# "2026-12-24", also quoted or with slashes ("2026/12/24"), one-digit months and days too
_DATE = re.compile(r"""["'“”‘’]?(\d{4})[-/](\d{1,2})[-/](\d{1,2})["'“”‘’]?[.!]?""")


def parse_day(text: str) -> date | None:
    """A typed year-month-day as a date; None when it is not one (2026-02-30 included)."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def looks_like_day(text: str) -> bool:
    """Whether `/feedback away until <text>` is meant as a date (then a bad one is refused
    rather than logged as feedback)."""
    return bool(re.fullmatch(r"""["'“”‘’]?\d{4}[-/]\d{1,2}[-/]\d{1,2}["'“”‘’]?[.!]?""", text))


def a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@dataclass(frozen=True)
class AwayAnswer:
    text: str
    changed: bool


class PreferenceService:
    def __init__(self, config: FrontlineConfig, now: Now, people: People, home: HomeService):
        self._config = config
        self._now = now
        self._people = people
        self._home = home

    def today(self, team_id: str, user: str) -> date:
        """The person's local date (their cached Slack timezone, else the organisation's)."""
        tz = self._people.known_timezone(team_id, user, self._config.timezone)
        return self._now().astimezone(self._config.calendar(tz=tz).tz).date()

    def set_away(self, team_id: str, user: str, back_on: date | str | None) -> AwayAnswer:
        """Away until `back_on` (None: back now). A day that is not after today, or more than a
        year ahead, is refused and nothing changes."""
        if back_on is None:
            was = self._people.preferences(team_id, user).away_until
            self._people.set_away(team_id, user, None)
            return AwayAnswer(copy.AWAY_CLEARED if was else copy.AWAY_NOT_SET, was is not None)
        day = parse_day(back_on) if isinstance(back_on, str) else back_on
        if day is None:
            return AwayAnswer(copy.away_bad_date(str(back_on)[:40]), False)
        today = self.today(team_id, user)
        if day <= today:
            return AwayAnswer(copy.away_past(day_text(today)), False)
        latest = a_year_after(today)
        if day > latest:
            return AwayAnswer(copy.away_too_far(day_text(latest)), False)
        self._people.set_away(team_id, user, day)
        return AwayAnswer(copy.away_set(day_text(day)), True)

    def away_command(self, team_id: str, user: str, words: str) -> str:
        """`/feedback away until <date>` and `/feedback away off` (the handler matched them)."""
        if words.lower() in ("off", "back"):
            return self.set_away(team_id, user, None).text
        return self.set_away(team_id, user, words).text

    def set_digest(self, team_id: str, user: str, mode: DigestMode) -> str:
        self._people.set_digest(team_id, user, mode)
        return copy.digest_mode_set(mode)

    def set_nudges(self, team_id: str, user: str, mode: NudgeMode) -> str:
        self._people.set_nudges(team_id, user, mode)
        return copy.nudge_mode_set(mode)

    # App Home: each control saves, then App Home is shown again with what it said
    def choose_digest(self, team_id: str, user: str, value: str) -> dict[str, Any]:
        try:
            notice = self.set_digest(team_id, user, DigestMode(value))
        except ValueError:
            notice = None
        return self._home.home(team_id, user, notice=notice)

    def choose_nudges(self, team_id: str, user: str, value: str) -> dict[str, Any]:
        try:
            notice = self.set_nudges(team_id, user, NudgeMode(value))
        except ValueError:
            notice = None
        return self._home.home(team_id, user, notice=notice)

    def choose_away(self, team_id: str, user: str, value: str | None) -> dict[str, Any]:
        """The datepicker (a date) or the "I'm back" button (None)."""
        answer = self.set_away(team_id, user, value or None)
        return self._home.home(team_id, user, notice=answer.text)


__all__ = ["AwayAnswer", "PreferenceService", "a_year_after", "looks_like_day", "parse_day"]
