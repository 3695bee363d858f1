"""long text kept whole; Slack event retries handled once; drafts of long messages

- item.details, item.customer, item.resolution_note and item_event.note become TEXT: on
  PostgreSQL a varchar(3000) refused a pasted customer email and the item was lost.
- slack_event_seen: one row per Events API event_id, so a retried event is handled once.
- capture_draft: a message too long for the capture form, kept whole until the form is sent.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LONG_TEXT = {
    "item": {"details": 3000, "customer": 200, "resolution_note": 3000},
    "item_event": {"note": 3000},
}


def upgrade() -> None:
    for table, columns in LONG_TEXT.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(
                    column,
                    existing_type=sqlmodel.sql.sqltypes.AutoString(length=length),
                    type_=sa.Text(),
                    existing_nullable=False,
                )

    op.create_table(
        "slack_event_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("slack_team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("slack_event_seen", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slack_event_seen_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "capture_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("slack_team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("capture_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capture_draft_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("capture_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capture_draft_created_at"))
    op.drop_table("capture_draft")
    with op.batch_alter_table("slack_event_seen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_event_seen_created_at"))
    op.drop_table("slack_event_seen")
    # Text longer than the old limits would not fit back: it is cut, never refused.
    for table, columns in LONG_TEXT.items():
        for column, length in columns.items():
            op.execute(
                sa.text(
                    f"UPDATE {table} SET {column} = substr({column}, 1, {length}) "
                    f"WHERE length({column}) > {length}"
                )
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length in columns.items():
                batch_op.alter_column(
                    column,
                    existing_type=sa.Text(),
                    type_=sqlmodel.sql.sqltypes.AutoString(length=length),
                    existing_nullable=False,
                )
