"""outbox: when an attempt started, and since when its outcome is unknown

A send whose answer was lost (timeout, crash, database outage after Slack accepted it) is
looked up in Slack before it is sent again; these columns say from when to look.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_at", storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("unsure_since", storage.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("unsure_since")
        batch_op.drop_column("claimed_at")
