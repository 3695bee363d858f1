"""indexes behind App Home's team queue, "what you logged" and this week's top asks

Measured with 100 teams and 100,000 items (docs/benchmarks.md, "App Home"): opening App Home
as a lead took 538 ms on SQLite and 410 ms on PostgreSQL without them, 16 ms and 47 ms with.
Plain CREATE INDEX on both databases: no table rebuild, so migration 0005's search triggers stay.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_item_team_open_due", "item", ["slack_team_id", "team_key", "status", "due_at", "id"]
    )
    op.create_index("ix_report_agent", "report", ["slack_team_id", "agent_id", "item_id"])
    op.create_index("ix_report_recent", "report", ["slack_team_id", "created_at", "item_id"])


def downgrade() -> None:
    op.drop_index("ix_report_recent", table_name="report")
    op.drop_index("ix_report_agent", table_name="report")
    op.drop_index("ix_item_team_open_due", table_name="item")
