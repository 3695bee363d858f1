"""The admin's YAML config, validated on start with errors that name the file, the key and the fix.

The models live in sibling modules (config_fields, config_team, config_sections); this module
holds the whole-file model and its loading, and re-exports the models callers import from here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, ValidationError, field_validator, model_validator

from bot.core.config_errors import (
    ConfigError as ConfigError,
)
from bot.core.config_errors import (
    channel_problems,
    read_yaml,
    team_key_problems,
    validation_problems,
)
from bot.core.config_fields import WORKDAYS as WORKDAYS
from bot.core.config_fields import Weekday as Weekday
from bot.core.config_fields import _Strict, _valid_tz
from bot.core.config_sections import Capture as Capture
from bot.core.config_sections import Digest as Digest
from bot.core.config_sections import Insights as Insights
from bot.core.config_sections import Nudges as Nudges
from bot.core.config_sections import Routing as Routing
from bot.core.config_sections import Tips as Tips
from bot.core.config_team import BusinessHours as BusinessHours
from bot.core.config_team import ChannelOwner as ChannelOwner
from bot.core.config_team import InformWithin as InformWithin
from bot.core.config_team import Team as Team
from bot.schedule.clock import WEEKDAYS, BusinessCalendar


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
