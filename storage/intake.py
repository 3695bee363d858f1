"""What arrives from Slack before it becomes an item: event ids already seen, long drafts.

Both tables are claims with a short life: rows older than a day are purged when new ones go in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.db import insert_once
from storage.models import CaptureDraft, SlackEventSeen

# Slack retries an event for about an hour (3 tries); a day is plenty.
EVENT_MEMORY = timedelta(days=1)
# A capture form stays open a few minutes; a day leaves room for a long lunch.
DRAFT_MEMORY = timedelta(days=1)


def first_delivery(session: Session, event_id: str, team_id: str, now: datetime) -> bool:
    """True the first time an event id is seen (the caller handles it), False for a retry."""
    session.execute(
        delete(SlackEventSeen)
        .where(col(SlackEventSeen.created_at) < now - EVENT_MEMORY)
        .execution_options(synchronize_session=False)
    )
    row = SlackEventSeen(event_id=event_id[:100], slack_team_id=team_id[:32], created_at=now)
    return insert_once(session, row)


def keep_draft(
    session: Session, key: str, team_id: str, user_id: str, text: str, now: datetime
) -> int:
    """Store a long message once per key (a retried shortcut gets the same draft); its id."""
    session.execute(
        delete(CaptureDraft)
        .where(col(CaptureDraft.created_at) < now - DRAFT_MEMORY)
        .execution_options(synchronize_session=False)
    )
    draft = CaptureDraft(
        key=key[:200], slack_team_id=team_id[:32], user_id=user_id[:32], text=text, created_at=now
    )
    if not insert_once(session, draft):
        found = session.exec(select(CaptureDraft).where(col(CaptureDraft.key) == key[:200])).one()
        assert found.id is not None
        return found.id
    assert draft.id is not None
    return draft.id


def draft_text(session: Session, draft_id: int, team_id: str, user_id: str) -> str | None:
    """The whole message, only for the agent who opened the form in that workspace."""
    draft = session.get(CaptureDraft, draft_id)
    if draft is None or draft.slack_team_id != team_id or draft.user_id != user_id:
        return None
    return draft.text
