"""What we remember per person: their Slack timezone (cached) and their digest choice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.slack.gateway import SlackError, SlackGateway
from storage.db import insert_once
from storage.models import Person

log = logging.getLogger(__name__)
TZ_TTL = timedelta(days=7)


class People:
    def __init__(self, engine: Engine, slack: SlackGateway, now: Callable[[], datetime]) -> None:
        self.engine = engine
        self.slack = slack
        self.now = now

    def _row(self, session: Session, team_id: str, user_id: str) -> Person:
        row = session.exec(
            select(Person).where(
                col(Person.slack_team_id) == team_id, col(Person.user_id) == user_id
            )
        ).first()
        if row is None:
            row = Person(slack_team_id=team_id, user_id=user_id)
            if not insert_once(session, row):
                row = session.exec(
                    select(Person).where(
                        col(Person.slack_team_id) == team_id, col(Person.user_id) == user_id
                    )
                ).one()
        return row

    def timezone(self, team_id: str, user_id: str, fallback: str) -> str:
        """The user's IANA tz from users.info, cached a week; the team's tz when Slack can't say."""
        now = self.now()
        with Session(self.engine, expire_on_commit=False) as session:
            row = self._row(session, team_id, user_id)
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
                session.execute(
                    update(Person).where(col(Person.id) == row.id).values(tz=tz, tz_fetched_at=now)
                )
                session.commit()
        return tz or row.tz or fallback

    def set_digest(self, team_id: str, user_id: str, on: bool) -> None:
        with Session(self.engine) as session:
            row = self._row(session, team_id, user_id)
            row.digest_opt_in = on
            session.add(row)
            session.commit()

    def digest_opted_in(self, team_id: str) -> list[str]:
        with Session(self.engine) as session:
            return list(
                session.exec(
                    select(Person.user_id).where(
                        col(Person.slack_team_id) == team_id, col(Person.digest_opt_in).is_(True)
                    )
                ).all()
            )
