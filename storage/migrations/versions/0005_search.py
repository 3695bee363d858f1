"""search: full-text indexes over items, their reports, and the open items alone

- SQLite: the FTS5 tables `item_search` (every item: summary, details, customer, its reports'
  quotes and customers) and `item_open_search` (open items: summary, details, team scope), one
  row per item (rowid = item.id), and the triggers on item and report that keep them right.
- PostgreSQL: `item.search_vector` (tsvector) kept by triggers on item and report (the reports'
  text is read by the trigger, so a generated column cannot hold it) with the GIN index
  `ix_item_search`; the table `item_open_search` (item_id, search_vector) of open items, kept by
  a trigger on item, with the GIN index `ix_item_open_search`.

Existing items are indexed here. The DDL lives in storage/search.py, shared with the unit
tier's in-memory database.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

from storage.search import backfill_search, create_search_schema, drop_search_schema

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    create_search_schema(conn)
    backfill_search(conn)


def downgrade() -> None:
    drop_search_schema(op.get_bind())
