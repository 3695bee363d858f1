"""Engine and sessions: SQLite by default, PostgreSQL at scale."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic_core import PydanticUndefined
from sqlalchemy import event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.pool import NullPool, QueuePool
from sqlmodel import Session, SQLModel, create_engine

POSTGRES_DRIVER = "psycopg"  # psycopg 3, the driver this package depends on
CONNECT_TIMEOUT_SECONDS = 10


class DatabaseUrlError(ValueError):
    """DATABASE_URL cannot be used; `reason` is unparseable, unsupported or driver_missing."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def normalise_url(url: str) -> str:
    """The URL SQLAlchemy should use: postgres:// and postgresql:// mean psycopg 3.

    Heroku-style `postgres://` is not a SQLAlchemy dialect name, and plain `postgresql://`
    would ask for psycopg2, which is not installed.
    """
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise DatabaseUrlError("unparseable") from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername=f"postgresql+{driver or POSTGRES_DRIVER}")
    elif backend != "sqlite":
        raise DatabaseUrlError("unsupported", backend)
    try:
        parsed.get_dialect().import_dbapi()
    except (NoSuchModuleError, ImportError):
        raise DatabaseUrlError("driver_missing", parsed.drivername) from None
    return parsed.render_as_string(hide_password=False)


@dataclass(frozen=True)
class DatabaseProblem:
    """Why the database did not answer, in parts the caller turns into a sentence.

    kind: sqlite_dir_missing, sqlite_cannot_open, unreachable, login, no_database or other.
    where: the SQLite file, or PostgreSQL's host:port. detail: the driver's short reason.
    """

    kind: str
    where: str
    detail: str = ""
    name: str = ""


def _pg_connect_args(url: URL, timeout: int) -> dict[str, Any]:
    """libpq waits forever for a host that drops packets: give up after `timeout` seconds,
    unless DATABASE_URL says otherwise (?connect_timeout=…)."""
    return {} if "connect_timeout" in url.query else {"connect_timeout": timeout}


def _pg_where(url: URL) -> str:
    host = url.host or str(url.query.get("host") or "") or "localhost"
    return f"{host}:{url.port or 5432}"


def _pg_kind(exc: DBAPIError) -> tuple[str, str]:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or ""
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    # psycopg: 'connection failed: connection to server at "h", port 9 failed: Connection refused'
    detail = first.rpartition(" failed: ")[2].removeprefix("FATAL:").strip()[:200]
    # at connect time psycopg often has no SQLSTATE, only the server's FATAL message
    if state.startswith("28") or any(
        words in detail
        for words in ("password authentication failed", "role ", "pg_hba.conf", "authentication")
    ):
        return "login", detail
    if state == "3D000" or ("database " in detail and "does not exist" in detail):
        return "no_database", detail
    if not state:
        return "unreachable", detail
    return "other", detail


def connection_problem(url: str, timeout: int = CONNECT_TIMEOUT_SECONDS) -> DatabaseProblem | None:
    """Connect once; None when the database answers, else what stood in the way."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        name = parsed.database or ""
        if name and name != ":memory:" and not name.startswith("file:"):
            path = Path(name).expanduser().absolute()
            if not path.parent.is_dir():
                return DatabaseProblem("sqlite_dir_missing", str(path), str(path.parent))
        engine = create_engine(url, poolclass=NullPool)
    else:
        engine = create_engine(
            url, poolclass=NullPool, connect_args=_pg_connect_args(parsed, timeout)
        )
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        if parsed.get_backend_name() == "sqlite":
            detail = str(exc.orig).splitlines()[0][:200] if str(exc.orig) else ""
            return DatabaseProblem("sqlite_cannot_open", str(Path(name).absolute()), detail)
        kind, detail = _pg_kind(exc)
        return DatabaseProblem(kind, _pg_where(parsed), detail, parsed.database or "")
    finally:
        engine.dispose()
    return None


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
            conn.connection.driver_connection.execute("BEGIN IMMEDIATE")

        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        connect_args=_pg_connect_args(make_url(url), CONNECT_TIMEOUT_SECONDS),
    )


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


def insert_row(session: Session, row: SQLModel, *, unique: str | None = None) -> int | None:
    """Insert one row with a single Core statement and return its new id.

    The hot path's inserts (a capture's item, report, event and card row) skip the ORM's unit of
    work and the savepoint `insert_once` needs: one prepared `INSERT … RETURNING id` each, built
    once per table. With `unique` (a unique column), a row whose key is already stored is
    skipped (ON CONFLICT DO NOTHING) and None comes back, as `insert_once` returns False. A new
    row gets its id and joins the session as a stored row.
    """
    table = type(row)
    # the fields as stored (model_dump would serialize them again, and costs more than this)
    values = {name: getattr(row, name) for name in _fields(table)}
    new_id = _insert(session, table, values, unique)
    if new_id is None:
        return None
    row.id = new_id
    make_transient_to_detached(row)  # as if loaded: later changes to it are UPDATEs
    session.add(row)
    return new_id


def insert_values(
    session: Session, table: type[SQLModel], *, unique: str | None = None, **values: Any
) -> int | None:
    """`insert_row` for a row nobody reads back: no model object is built (building one costs
    more than the INSERT). Fields not given take the model's defaults; None when `unique` says
    the row is already stored."""
    row = {
        name: values[name] if name in values else _default(table, name) for name in _fields(table)
    }
    unknown = set(values) - set(row)
    if unknown:
        raise TypeError(f"{table.__name__} has no field {sorted(unknown)[0]!r}")
    return _insert(session, table, row, unique)


def _insert(
    session: Session, table: type[SQLModel], row: dict[str, Any], unique: str | None
) -> int | None:
    stmt = _insert_returning_id(table, session.get_bind().dialect.name, unique)
    new_id = session.connection().execute(stmt, row).scalar()
    return None if new_id is None else int(new_id)


@lru_cache(maxsize=64)
def _fields(table: type[SQLModel]) -> tuple[str, ...]:
    return tuple(name for name in table.model_fields if name != "id")


def _default(table: type[SQLModel], name: str) -> Any:
    field = table.model_fields[name]
    if field.default_factory is not None:
        return field.default_factory()  # type: ignore[call-arg]
    if field.default is PydanticUndefined:
        raise TypeError(f"{table.__name__}.{name} is required")
    return field.default


@lru_cache(maxsize=64)
def _insert_returning_id(table: type[SQLModel], dialect: str, unique: str | None) -> Any:
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    core = table.__table__  # type: ignore[attr-defined]
    stmt = insert(core)
    if unique is not None:
        stmt = stmt.on_conflict_do_nothing(index_elements=[unique])
    return stmt.returning(core.c.id)


def affected(result: Any) -> int:
    """Rows an UPDATE or DELETE changed (SQLAlchemy types execute() results without rowcount)."""
    return int(getattr(result, "rowcount", 0) or 0)


def ping(engine: Engine) -> bool:
    """True when the database answers; used by /healthz."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
