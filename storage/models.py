"""SQLModel tables. Every table carries the Slack team (workspace) id so OAuth installs can come later."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from storage.values import DigestMode, ItemKind, ItemStatus, NudgeMode, OutboxStatus, Urgency


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC: SQLite and PostgreSQL then compare the same way."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Item(SQLModel, table=True):
    """One piece of customer feedback, from capture to resolution."""

    __tablename__ = "item"
    __table_args__ = (
        # The nudge scan reads open items by due time; keep it an index range scan.
        Index("ix_item_open_due", "status", "due_at", "id"),
        Index("ix_item_reporter", "slack_team_id", "reporter_id"),
        Index("ix_item_owner", "slack_team_id", "owner_id"),
        # App Home's team queue: one team's open items by due time
        Index("ix_item_team_open_due", "slack_team_id", "team_key", "status", "due_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slack_team_id: str = Field(max_length=32)
    client_key: str = Field(max_length=200, unique=True)
    team_key: str = Field(max_length=64)
    summary: str = Field(max_length=300)
    # What agents paste can be long (a customer's email): kept whole, trimmed only for display.
    details: str = Field(default="", sa_type=Text)
    customer: str = Field(default="", sa_type=Text)
    kind: str = Field(default=ItemKind.SUGGESTION, max_length=32)
    urgency: str = Field(default=Urgency.NORMAL, max_length=16)
    reporter_id: str = Field(max_length=32)
    source_permalink: str | None = Field(default=None, max_length=500)
    status: str = Field(default=ItemStatus.OPEN, max_length=16)
    owner_id: str | None = Field(default=None, max_length=32)
    routing_reason: str = Field(default="", max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    informed_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    snoozed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    nudged_for_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    escalated_for_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str | None = Field(default=None, max_length=16)
    resolution_note: str = Field(default="", sa_type=Text)
    card_channel: str | None = Field(default=None, max_length=32)
    card_ts: str | None = Field(default=None, max_length=32)
    card_permalink: str | None = Field(default=None, max_length=500)
    moves: int = 0
    # Distinct customers across the item's reports (kept by storage.reports on every change).
    customers: int = 1
    merged_into_id: int | None = Field(default=None, index=True)
    first_update_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rule_outcome: str | None = Field(default=None, max_length=16)


class Report(SQLModel, table=True):
    """One customer's account of an item: who, what they said, who heard it, where and when.

    Capture makes an item's first report; a merge moves reports to the item they belong with.
    """

    __tablename__ = "report"
    __table_args__ = (
        # App Home's "what you logged": the items a person reported
        Index("ix_report_agent", "slack_team_id", "agent_id", "item_id"),
        # this week's top asks (App Home, the weekly insight): the latest reports
        Index("ix_report_recent", "slack_team_id", "created_at", "item_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slack_team_id: str = Field(max_length=32)
    item_id: int = Field(foreign_key="item.id", index=True)
    customer: str = Field(default="", sa_type=Text)
    # lower-cased, trimmed customer; "" when none was given (such a report counts as one customer)
    customer_key: str = Field(default="", sa_type=Text)
    quote: str = Field(default="", sa_type=Text)
    agent_id: str = Field(max_length=32)
    source_permalink: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ItemEvent(SQLModel, table=True):
    """Append-only history of an item; never updated or deleted."""

    __tablename__ = "item_event"

    id: int | None = Field(default=None, primary_key=True)
    slack_team_id: str = Field(max_length=32)
    item_id: int = Field(foreign_key="item.id", index=True)
    kind: str = Field(max_length=32)
    actor_id: str | None = Field(default=None, max_length=32)
    note: str = Field(default="", sa_type=Text)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Outbox(SQLModel, table=True):
    """Every message to Slack, claimed before it is sent: nothing lost, nothing doubled."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    slack_team_id: str = Field(max_length=32)
    key: str = Field(max_length=300, unique=True)
    kind: str = Field(max_length=32)
    item_id: int | None = Field(default=None, index=True)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING, max_length=16)
    generation: int = 0
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When the latest attempt was claimed, and since when an attempt's outcome is unknown (its
    # answer was lost): such a row is looked up in Slack before it is sent again.
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    unsure_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", max_length=500)
    result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Person(SQLModel, table=True):
    """What we remember about a Slack user: their timezone (cached) and their preferences."""

    __tablename__ = "person"
    __table_args__ = (UniqueConstraint("slack_team_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    slack_team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    tz: str | None = Field(default=None, max_length=64)
    tz_fetched_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    digest_mode: str = Field(default=DigestMode.NEEDED, max_length=16)
    nudge_mode: str = Field(default=NudgeMode.EACH, max_length=16)
    # Away through the day before: back (nudges to them again) on this local date.
    away_until: date | None = None


class TipShown(SQLModel, table=True):
    """Which tip a channel saw on which day, so rotation never repeats before exhaustion."""

    __tablename__ = "tip_shown"
    __table_args__ = (UniqueConstraint("slack_team_id", "channel", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    slack_team_id: str = Field(max_length=32)
    channel: str = Field(max_length=32)
    day: str = Field(max_length=10)
    tip_id: str = Field(max_length=64)
    cycle: int = 0


class SlackEventSeen(SQLModel, table=True):
    """Events API deliveries already handled: Slack retries an event with the same event_id."""

    __tablename__ = "slack_event_seen"

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=100, unique=True)
    slack_team_id: str = Field(max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)


class CaptureDraft(SQLModel, table=True):
    """A message too long for the capture form, kept whole until the agent submits the form."""

    __tablename__ = "capture_draft"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    slack_team_id: str = Field(max_length=32)
    user_id: str = Field(max_length=32)
    text: str = Field(sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
