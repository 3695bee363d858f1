"""Engine and sessions: SQLite by default, PostgreSQL at scale."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import QueuePool
from sqlmodel import Session, SQLModel, create_engine


def make_engine(url: str) -> Engine:
    """SQLite: WAL, real transactions, one connection per process; PostgreSQL: a normal pool.

    pysqlite's own transaction handling does not BEGIN before a SAVEPOINT, so a nested
    transaction would commit on its own; SQLAlchemy's documented fix is to switch the driver to
    autocommit and emit BEGIN ourselves. BEGIN IMMEDIATE takes the write lock up front (no
    deadlock on lock upgrade), and one pooled connection makes this process's threads queue in
    Python, woken at once, instead of in SQLite's sleeping busy handler. Other processes (a cron
    `frontline jobs run`) still wait through busy_timeout. Callers never hold a session across
    a Slack call, so the single connection is only ever held for a few milliseconds.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=0,
            pool_timeout=60,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def insert_once(session: Session, row: SQLModel) -> bool:
    """Insert under a savepoint; False when a unique key says it is already there.

    Claims are made this way: of two processes inserting the same key, exactly one wins.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


def ping(engine: Engine) -> bool:
    """True when the database answers; used by /healthz."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
