"""reports: many customers, one request; merges; first customer update; rule outcome

- report: one customer's account of an item. Every existing item gets one report from its own
  customer, details (or summary), reporter, source link and creation time.
- item.customers: distinct customers across the item's reports (1 for every existing item).
- item.merged_into_id: the item this one was merged into (status "merged").
- item.first_update_at: when the customer first heard from the team, backfilled from the
  earliest customer_updated event.
- item.rule_outcome: for a rule that blocks customers, whether the rule changed.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
import sqlmodel.sql.sqltypes
from alembic import op

import storage.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slack_team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("customer", sa.Text(), nullable=False),
        sa.Column("customer_key", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("agent_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("source_permalink", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_item_id"), ["item_id"], unique=False)

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("customers", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("first_update_at", storage.models.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("rule_outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_item_merged_into_id"), ["merged_into_id"], unique=False
        )

    # One report per existing item. customer_key: lower-cased and trimmed in SQL; inner runs of
    # spaces are rare in stored names and only make two spellings count twice.
    op.execute(
        """
        INSERT INTO report (slack_team_id, item_id, customer, customer_key, quote, agent_id,
                            source_permalink, created_at)
        SELECT slack_team_id, id, customer, lower(trim(customer)),
               CASE WHEN details <> '' THEN details ELSE summary END,
               reporter_id, source_permalink, created_at
        FROM item
        """
    )
    op.execute(
        """
        UPDATE item SET first_update_at = (
            SELECT min(e.created_at) FROM item_event e
            WHERE e.item_id = item.id AND e.kind = 'customer_updated'
        )
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_merged_into_id"))
        batch_op.drop_column("rule_outcome")
        batch_op.drop_column("first_update_at")
        batch_op.drop_column("merged_into_id")
        batch_op.drop_column("customers")
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_item_id"))
    op.drop_table("report")
