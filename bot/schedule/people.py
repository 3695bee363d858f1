"""What we remember per person: their Slack timezone (cached) and their preferences (digest,
nudges, away until a date)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from bot.slack.gateway_protocol import SlackError, SlackGateway
from storage import people
from storage.engine import Engine
from storage.models import Person
from storage.values import DigestMode, NudgeMode

log = logging.getLogger(__name__)
TZ_TTL = timedelta(days=7)
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Preferences:
    """One person's choices; the defaults for someone who never chose."""

    digest: DigestMode = DigestMode.NEEDED
    nudges: NudgeMode = NudgeMode.EACH
    away_until: date | None = None  # back on this local date

    def away_on(self, day: date) -> bool:
        """Away on local date `day`: "away until 24 Dec" is away through the 23rd."""
        return self.away_until is not None and day < self.away_until


class People:
    def __init__(self, engine: Engine, slack: SlackGateway, now: Callable[[], datetime]) -> None:
        self.engine = engine
        self.slack = slack
        self.now = now

    def timezone(self, team_id: str, user_id: str, fallback: str) -> str:
        """The user's IANA tz from users.info, cached a week; the team's tz when Slack can't say."""
        now = self.now()
        with Session(self.engine, expire_on_commit=False) as session:
            row = people.ensure_person(session, team_id=team_id, user_id=user_id)
            session.commit()
        if row.tz and row.tz_fetched_at and now - row.tz_fetched_at < TZ_TTL:
            return row.tz
        tz = None
        try:
            tz = self.slack.user_info(user_id).get("tz")
            if tz:
                ZoneInfo(tz)
        except (SlackError, ZoneInfoNotFoundError, ValueError) as exc:
            if isinstance(exc, SlackError) and not exc.answered:
                raise
            log.warning("no timezone for %s: %s", user_id, exc)
            tz = None
        if tz:
            with Session(self.engine) as session:
                people.set_timezone(session, person_id=row.id, tz=tz, now=now)
                session.commit()
        return tz or row.tz or fallback

    def fresh_timezones(self) -> dict[tuple[str, str], str]:
        """Every cached timezone younger than TZ_TTL, by (workspace, user): one query, so a job
        looking at many people asks `timezone` (and Slack) only about the others."""
        now = self.now()
        with Session(self.engine) as session:
            rows = people.timezones(session)
        return {(t, u): tz for t, u, tz, at in rows if now - at < TZ_TTL}

    def known_timezone(self, team_id: str, user_id: str, fallback: str) -> str:
        """The cached timezone, without asking Slack (for answers that must be quick)."""
        with Session(self.engine) as session:
            row = people.get_person(session, team_id=team_id, user_id=user_id)
            return (row.tz if row else None) or fallback

    def preferences(self, team_id: str, user_id: str) -> Preferences:
        with Session(self.engine) as session:
            row = people.get_person(session, team_id=team_id, user_id=user_id)
            return _preferences(row) if row else Preferences()

    def all_preferences(self) -> dict[tuple[str, str], Preferences]:
        """Everyone off the defaults, by (workspace, user); anyone missing has the defaults."""
        with Session(self.engine) as session:
            rows = people.with_preferences(session)
            return {(r.slack_team_id, r.user_id): _preferences(r) for r in rows}

    def set_digest(self, team_id: str, user_id: str, mode: DigestMode) -> None:
        self._change(team_id, user_id, digest_mode=mode)

    def set_nudges(self, team_id: str, user_id: str, mode: NudgeMode) -> None:
        self._change(team_id, user_id, nudge_mode=mode)

    def set_away(self, team_id: str, user_id: str, until: date | None) -> None:
        self._change(team_id, user_id, away_until=until)

    def _change(self, team_id: str, user_id: str, **values: object) -> None:
        with Session(self.engine) as session:
            row = people.ensure_person(session, team_id=team_id, user_id=user_id)
            for name, value in values.items():
                setattr(row, name, value)
            session.add(row)
            session.commit()


def _preferences(row: Person) -> Preferences:
    return Preferences(
        digest=_member(DigestMode, row.digest_mode, DigestMode.NEEDED),
        nudges=_member(NudgeMode, row.nudge_mode, NudgeMode.EACH),
        away_until=row.away_until,
    )


def _member(kind: type[E], value: str, default: E) -> E:
    """A stored value as its enum member; the default for anything unknown."""
    try:
        return kind(value)
    except ValueError:
        return default
