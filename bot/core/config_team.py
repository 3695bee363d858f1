"""Who owns what in the config: teams (channel, leads, hours, inform deadline) and channel owners.

Split out of bot/core/config.py: the team model is the part most of the bot reads.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from pydantic import Field, field_validator, model_validator

from bot.core.config_fields import (
    CHANNEL_ID,
    TEAM_KEY,
    USER_ID,
    WORKDAYS,
    LocalTime,
    Weekday,
    _parse_time,
    _Strict,
    _valid_tz,
)
from storage.values import Urgency


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
