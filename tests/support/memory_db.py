"""A fresh in-memory SQLite engine with every table, for unit tests of code that takes an Engine.

One connection shared by every session (StaticPool: in-memory SQLite lives in its connection),
with real transactions as in storage.db.make_engine (the driver in autocommit, BEGIN emitted
by SQLAlchemy), so claims and savepoints behave as they do in the app. The full-text search
index (not an ORM table) is made by storage.search, as migration 0005 does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

from storage.search import create_search_schema


def memory_engine() -> Engine:
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:  # the full-text index and its triggers (migration 0005)
        create_search_schema(conn)
    return engine
