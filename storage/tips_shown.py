"""Queries on tip_shown: which tip a channel saw on which day, and the claim for today's post.

Keyword-only arguments after the session; none of these commit, the caller's unit of work does.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from storage.db import insert_once
from storage.models import TipShown


def shown_on(session: Session, *, team_id: str, channel: str, day: date) -> TipShown | None:
    """The tip this channel was given on `day`, if a process already claimed that day."""
    return session.exec(
        select(TipShown).where(
            TipShown.slack_team_id == team_id,
            TipShown.channel == channel,
            TipShown.day == day.isoformat(),
        )
    ).first()


def shown_in_channel(session: Session, *, team_id: str, channel: str) -> list[TipShown]:
    """Every tip the channel has seen, oldest day first: the rotation never repeats in a cycle."""
    return list(
        session.exec(
            select(TipShown)
            .where(TipShown.slack_team_id == team_id, TipShown.channel == channel)
            .order_by(col(TipShown.day))
        ).all()
    )


def claim_day(
    session: Session, *, team_id: str, channel: str, day: date, tip_id: str, cycle: int
) -> bool:
    """Claim (channel, day) for one tip; False when another process already did (unique key)."""
    row = TipShown(
        slack_team_id=team_id, channel=channel, day=day.isoformat(), tip_id=tip_id, cycle=cycle
    )
    return insert_once(session, row)
