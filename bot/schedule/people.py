"""What we remember per person: their Slack timezone (cached) and their digest choice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from bot.slack.gateway import SlackError, SlackGateway
from storage import people
from storage.engine import Engine

log = logging.getLogger(__name__)
TZ_TTL = timedelta(days=7)


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

    def set_digest(self, team_id: str, user_id: str, on: bool) -> None:
        with Session(self.engine) as session:
            row = people.ensure_person(session, team_id=team_id, user_id=user_id)
            row.digest_opt_in = on
            session.add(row)
            session.commit()

    def digest_opted_in(self, team_id: str) -> list[str]:
        with Session(self.engine) as session:
            return people.digest_opted_in(session, team_id=team_id)
