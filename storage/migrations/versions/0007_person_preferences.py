"""people's preferences: digest on / only when needed / off, nudges each or batched, away until

`digest_opt_in` becomes `digest_mode`: true (`/feedback digest on`) is "on"; false was the
default, "only when something needs me", and stays that. The person table has no triggers, so
SQLite's batch mode (a table copy) is safe here.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "digest_mode",
                sa.String(length=16),
                nullable=False,
                server_default="needed",
            )
        )
        batch_op.add_column(
            sa.Column(
                "nudge_mode",
                sa.String(length=16),
                nullable=False,
                server_default="each",
            )
        )
        batch_op.add_column(sa.Column("away_until", sa.Date(), nullable=True))
    op.execute("UPDATE person SET digest_mode = 'on' WHERE digest_opt_in")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("digest_opt_in")


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_opt_in", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE person SET digest_opt_in = (digest_mode = 'on')")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("away_until")
        batch_op.drop_column("nudge_mode")
        batch_op.drop_column("digest_mode")
