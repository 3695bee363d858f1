"""Queries on the person table: the cached Slack timezone and each person's preferences.

Keyword-only arguments after the session; none of these commit, the caller's unit of work does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage.db import insert_once
from storage.models import Item, Person
from storage.values import DigestMode, ItemStatus, NudgeMode


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


def with_preferences(session: Session) -> list[Person]:
    """Everyone whose choices differ from the defaults (digest only when needed, each nudge as it
    comes, not away): the few rows the digest and nudge jobs must look at, in every workspace."""
    return list(
        session.exec(
            select(Person).where(
                or_(
                    col(Person.digest_mode) != DigestMode.NEEDED,
                    col(Person.nudge_mode) != NudgeMode.EACH,
                    col(Person.away_until).is_not(None),
                )
            )
        ).all()
    )


def open_owners(session: Session) -> list[tuple[str, str, str]]:
    """(workspace, owner, team key of their most urgent open item) for everyone who owns an open
    item: the digest job's cheap first look, before it loads any item."""
    rows = session.exec(
        select(col(Item.slack_team_id), col(Item.owner_id), col(Item.team_key))
        .where(col(Item.status) == ItemStatus.OPEN, col(Item.owner_id).is_not(None))
        .order_by(col(Item.due_at), col(Item.id))
    ).all()
    first: dict[tuple[str, str], str] = {}
    for team_id, owner, team_key in rows:
        if owner is not None:
            first.setdefault((team_id, owner), team_key)
    return [(team_id, owner, key) for (team_id, owner), key in first.items()]


def timezones(session: Session) -> list[tuple[str, str, str, datetime]]:
    """(workspace, user, cached timezone, when Slack said it) for everyone with one cached."""
    rows = session.exec(
        select(
            col(Person.slack_team_id),
            col(Person.user_id),
            col(Person.tz),
            col(Person.tz_fetched_at),
        ).where(col(Person.tz).is_not(None), col(Person.tz_fetched_at).is_not(None))
    ).all()
    return [(t, u, tz, at) for t, u, tz, at in rows if tz is not None and at is not None]
