"""The scheduled and capture sections of the config: nudges, digest, tips, insights, routing, capture.

Split out of bot/core/config.py so each settings block reads on its own.
"""

from __future__ import annotations

from datetime import time

from pydantic import Field, field_validator, model_validator

from bot.core.config_fields import CHANNEL_ID, LocalTime, Weekday, _parse_time, _Strict, _weekday
from bot.schedule.tip_library import Tip, load_builtin_tips, merge_tips


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


class Routing(_Strict):
    min_score: float = Field(default=85, ge=0, le=100)


class Capture(_Strict):
    """`capture.reactions`: emoji names (no colons) that log the message they are added to."""

    reactions: list[str] = Field(default_factory=lambda: ["memo"], max_length=20)

    @field_validator("reactions")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        return [name.strip().strip(":").lower() for name in value if name.strip().strip(":")]
