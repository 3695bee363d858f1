"""Queries on the person table: the cached Slack timezone and the digest choice, per user.

Keyword-only arguments after the session; none of these commit, the caller's unit of work does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.db import insert_once
from storage.models import Person


def get_person(session: Session, *, team_id: str, user_id: str) -> Person | None:
    """The person's row in this workspace, or None before anything was remembered about them."""
    return session.exec(
        select(Person).where(col(Person.slack_team_id) == team_id, col(Person.user_id) == user_id)
    ).first()


def ensure_person(session: Session, *, team_id: str, user_id: str) -> Person:
    """The person's row, inserted when missing; a racing insert's row when that one won.

    The insert runs under a savepoint (the unique team/user key settles a race between two
    processes), so the caller's transaction survives losing it.
    """
    row = get_person(session, team_id=team_id, user_id=user_id)
    if row is None:
        row = Person(slack_team_id=team_id, user_id=user_id)
        if not insert_once(session, row):
            row = session.exec(
                select(Person).where(
                    col(Person.slack_team_id) == team_id, col(Person.user_id) == user_id
                )
            ).one()
    return row


def set_timezone(session: Session, *, person_id: int | None, tz: str, now: datetime) -> None:
    """Cache the timezone Slack reported and when, so users.info is asked again only a week on."""
    session.execute(
        update(Person).where(col(Person.id) == person_id).values(tz=tz, tz_fetched_at=now)
    )


def digest_opted_in(session: Session, *, team_id: str) -> list[str]:
    """The user ids in this workspace who asked for the daily digest by DM."""
    return list(
        session.exec(
            select(Person.user_id).where(
                col(Person.slack_team_id) == team_id, col(Person.digest_opt_in).is_(True)
            )
        ).all()
    )
