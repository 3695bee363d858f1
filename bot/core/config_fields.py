"""Shared pieces of the config models: id patterns, time and timezone parsing, the strict base.

Split out of bot/core/config.py so the team model and the section models can share them without
importing each other.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

from bot.schedule.clock import WEEKDAYS

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
TEAM_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def _parse_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, int):  # YAML 1.1 reads 09:30 unquoted as sexagesimal minutes
        return time(value // 60, value % 60)
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hours, minutes = (int(p) for p in value.strip().split(":"))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    raise ValueError('must be a time of day like "09:30"')


def _valid_tz(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA timezone like America/New_York") from None
    return value


LocalTime = Annotated[time, Field(description="HH:MM local time")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


WORKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(value: Any) -> Any:
    """mon … sun (a full day name is accepted too: Monday → mon)."""
    word = value.strip().lower() if isinstance(value, str) else None
    if word in WEEKDAYS:
        return word
    if word in _DAY_NAMES:
        return WEEKDAYS[_DAY_NAMES.index(word)]
    raise ValueError("must be a day of the week: mon, tue, wed, thu, fri, sat or sun")
