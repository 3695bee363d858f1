"""The admin's YAML config, validated on start with errors that name the file, the key and the fix."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.core.config_errors import (
    ConfigError as ConfigError,
)
from bot.core.config_errors import (
    channel_problems,
    read_yaml,
    team_key_problems,
    validation_problems,
)
from bot.schedule.clock import WEEKDAYS, BusinessCalendar
from bot.schedule.tip_library import Tip, load_builtin_tips, merge_tips
from storage.values import Urgency

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


class BusinessHours(_Strict):
    days: list[Weekday] = Field(default_factory=lambda: list(WORKDAYS))
    start: LocalTime = time(9, 0)
    end: LocalTime = time(17, 0)

    _times = field_validator("start", "end", mode="before")(_parse_time)

    @model_validator(mode="after")
    def _order(self) -> BusinessHours:
        if not self.days:
            raise ValueError("days must list at least one working day")
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class InformWithin(_Strict):
    normal: float = Field(gt=0, le=24 * 365)
    high: float | None = Field(default=None, gt=0, le=24 * 365)


class Team(_Strict):
    key: str
    name: str = Field(min_length=1, max_length=80)
    channel: str
    leads: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    inform_within_hours: InformWithin = InformWithin(normal=24)
    timezone: str | None = None  # overrides the top-level timezone for this team's clock
    business_hours: BusinessHours | None = None  # overrides the top-level business hours

    @field_validator("timezone")
    @classmethod
    def _team_tz(cls, value: str | None) -> str | None:
        return None if value is None else _valid_tz(value)

    @field_validator("key")
    @classmethod
    def _key(cls, value: str) -> str:
        if not TEAM_KEY.fullmatch(value):
            raise ValueError(
                "must be a short lowercase id (letters, digits, - or _; up to 32), e.g. billing"
            )
        return value

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        if not CHANNEL_ID.fullmatch(value):
            raise ValueError(
                "must be a Slack channel id like C0123ABCD (channel details → About → Channel ID), not a #name"
            )
        return value

    @field_validator("leads")
    @classmethod
    def _leads(cls, value: list[str]) -> list[str]:
        for uid in value:
            if not USER_ID.fullmatch(uid):
                raise ValueError(
                    f"{uid!r} is not a Slack user id like U0123ABCD (profile → ⋮ → Copy member ID)"
                )
        return value

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        cleaned = [k.strip().lower() for k in value if k and k.strip()]
        return list(dict.fromkeys(cleaned))

    @field_validator("inform_within_hours", mode="before")
    @classmethod
    def _inform(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return {"normal": value}
        return value

    def inform_within(self, urgency: str) -> timedelta:
        hours = self.inform_within_hours.normal
        if urgency == Urgency.HIGH and self.inform_within_hours.high:
            hours = self.inform_within_hours.high
        return timedelta(hours=hours)


class Nudges(_Strict):
    every_minutes: int = Field(default=5, ge=1, le=24 * 60)
    warn_before_minutes: int = Field(default=60, ge=0, le=7 * 24 * 60)


class Digest(_Strict):
    enabled: bool = True
    time: LocalTime = time(8, 45)

    _t = field_validator("time", mode="before")(_parse_time)


class Tips(_Strict):
    channels: list[str] = Field(default_factory=list)
    time: LocalTime = time(9, 30)
    extra: list[Tip] = Field(default_factory=list)

    _t = field_validator("time", mode="before")(_parse_time)

    @model_validator(mode="after")
    def _extra_ids(self) -> Tips:
        """An admin's tip id must not clash with a built-in one or another extra."""
        if self.extra:
            merge_tips(load_builtin_tips(), list(self.extra))
        return self

    @field_validator("channels")
    @classmethod
    def _channels(cls, value: list[str]) -> list[str]:
        for cid in value:
            if not CHANNEL_ID.fullmatch(cid):
                raise ValueError(f"{cid!r} is not a Slack channel id like C0123ABCD")
        return value


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(value: Any) -> Any:
    """mon … sun (a full day name is accepted too: Monday → mon)."""
    word = value.strip().lower() if isinstance(value, str) else None
    if word in WEEKDAYS:
        return word
    if word in _DAY_NAMES:
        return WEEKDAYS[_DAY_NAMES.index(word)]
    raise ValueError("must be a day of the week: mon, tue, wed, thu, fri, sat or sun")


class Insights(_Strict):
    """The weekly insight for leads: when it goes out, and an optional org-wide channel."""

    enabled: bool = True
    day: Weekday = "mon"
    time: LocalTime = time(9, 0)
    channel: str | None = None

    _t = field_validator("time", mode="before")(_parse_time)
    _d = field_validator("day", mode="before")(_weekday)

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and not CHANNEL_ID.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a Slack channel id like C0123ABCD (channel details → About → "
                "Channel ID), not a #name"
            )
        return value


class ChannelOwner(_Strict):
    """A channel that belongs to a team, a customer, or both: what is logged there goes to the
    team (unless the agent names another) and is filed under the customer (unless the agent
    gives one)."""

    channel: str
    team: str | None = None
    customer: str | None = Field(default=None, max_length=200)

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str) -> str:
        if not CHANNEL_ID.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a Slack channel id like C0123ABCD (channel details → About → "
                "Channel ID), not a #name, a DM or a user"
            )
        return value

    @field_validator("team", "customer", mode="before")
    @classmethod
    def _given(cls, value: Any) -> Any:
        """Written but empty (`team:` alone, or `team: #billing`, a YAML comment) is refused:
        leaving the key out is how a channel names no team."""
        if value is None:
            raise ValueError("is empty")
        if isinstance(value, str):
            if not value.strip():
                raise ValueError("is empty: write a name, or leave the key out")
            return value.strip()
        return value

    @model_validator(mode="after")
    def _names_something(self) -> ChannelOwner:
        if self.team is None and self.customer is None:
            raise ValueError(
                "names neither a team nor a customer; give `team:` (a team key), `customer:` or both"
            )
        return self


class Routing(_Strict):
    min_score: float = Field(default=85, ge=0, le=100)


class Capture(_Strict):
    """`capture.reactions`: emoji names (no colons) that log the message they are added to."""

    reactions: list[str] = Field(default_factory=lambda: ["memo"], max_length=20)

    @field_validator("reactions")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        return [name.strip().strip(":").lower() for name in value if name.strip().strip(":")]


class FrontlineConfig(_Strict):
    timezone: str = "UTC"
    triage_team: str
    business_hours: BusinessHours = BusinessHours()
    holidays: list[date] = Field(default_factory=list)
    routing: Routing = Routing()
    capture: Capture = Capture()
    nudges: Nudges = Nudges()
    digest: Digest = Digest()
    tips: Tips = Tips()
    insights: Insights = Insights()
    teams: list[Team] = Field(min_length=1, max_length=100)
    channels: list[ChannelOwner] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        return _valid_tz(value)

    @model_validator(mode="after")
    def _teams(self) -> FrontlineConfig:
        problems = team_key_problems(self.triage_team, [t.key for t in self.teams])
        problems += channel_problems(
            [(c.channel, c.team) for c in self.channels], [t.key for t in self.teams]
        )
        if problems:
            raise ValueError("; ".join(f"{where}: {msg}" for where, msg in problems))
        return self

    def team(self, key: str) -> Team | None:
        return next((t for t in self.teams if t.key == key), None)

    def owner_of(self, team_key: str) -> Team:
        """The team that owns items filed under `team_key`: a key no longer configured is triage's."""
        return self.team(team_key) or self.triage

    def team_by_channel(self, channel: str) -> Team | None:
        return next((t for t in self.teams if t.channel == channel), None)

    def channel_owner(self, channel: str | None) -> ChannelOwner | None:
        """The `channels:` entry for the channel a capture happened in, if it has one."""
        return next((c for c in self.channels if channel and c.channel == channel), None)

    def channel_team(self, channel: str | None) -> Team | None:
        """The team a channel belongs to (None when it belongs to no team)."""
        owner = self.channel_owner(channel)
        return self.team(owner.team) if owner and owner.team else None

    @property
    def triage(self) -> Team:
        team = self.team(self.triage_team)
        assert team is not None  # guaranteed by validation
        return team

    def calendar(self, team: Team | None = None, tz: str | None = None) -> BusinessCalendar:
        """Business hours of the org, of a team (its overrides), or in a person's timezone."""
        bh = (team.business_hours if team else None) or self.business_hours
        zone = tz or (team.timezone if team else None) or self.timezone
        return BusinessCalendar(
            tz=ZoneInfo(zone),
            days=frozenset(WEEKDAYS.index(d) for d in bh.days),
            start=bh.start,
            end=bh.end,
            holidays=frozenset(self.holidays),
        )


def parse_config(data: Any, source: str) -> FrontlineConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the file must be a YAML mapping (see frontline.example.yml)")
    try:
        return FrontlineConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(validation_problems(exc, data, source)) from None


def load_config(path: Path) -> FrontlineConfig:
    """Read and validate the YAML file; every problem is reported, not just the first."""
    return parse_config(read_yaml(path), str(path))
