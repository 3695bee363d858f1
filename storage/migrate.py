"""Alembic, driven from code so `frontline run` and `frontline db upgrade` share one path."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["configure_logger"] = False
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema to `revision`; safe to call from several processes at once (PostgreSQL:
    an advisory lock in migrations/env.py; SQLite: a lock file beside the database)."""
    with sqlite_migration_lock(url):
        command.upgrade(alembic_config(url), revision)


@contextmanager
def sqlite_migration_lock(url: str) -> Iterator[None]:
    """SQLite has no advisory lock: processes migrating one database file take turns on an
    exclusive lock of `<file>.migrate-lock` (the next one finds the schema up to date). Two
    `frontline` processes starting together on a fresh file otherwise both create tables, and
    one of them fails ("table report already exists"). Other databases pass straight through."""
    parsed = make_url(url)
    path = parsed.database or ""
    if (
        not parsed.drivername.startswith("sqlite")
        or path in ("", ":memory:")
        or path.startswith("file:")
    ):
        yield
        return
    with open(f"{path}.migrate-lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest migration this code ships (read from the scripts, not the database)."""
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


def revision_of(engine: Engine) -> str | None:
    """The schema revision of the database behind `engine` (None when never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
