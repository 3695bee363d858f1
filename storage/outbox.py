"""The outbox: claim-before-send for every Slack post, so processes never double-send.

A row is claimed with one conditional UPDATE (pending and due, or a lease that expired because
its sender died). Works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, case, delete, func, literal, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col, select

from storage.db import affected, insert_row, insert_values
from storage.models import Item, Outbox, UTCDateTime
from storage.values import OutboxKind, OutboxStatus

# Longer than the slowest send (a few lookups and one post, each under the send client's
# 10 s timeout, which never retries by itself), so a live sender is never overtaken. A sender
# that died, or lost its database after Slack took the post, is retried once this runs out:
# within a minute, and the deliveries job runs every minute.
LEASE = timedelta(seconds=50)
# Rows claimed before claimed_at existed held 10-minute leases.
LEGACY_LEASE = timedelta(minutes=10)


def _at(moment: datetime) -> Any:
    """A time as a SQL value stored the way the columns store it (naive UTC)."""
    return literal(moment, UTCDateTime())


def enqueue(
    session: Session,
    *,
    key: str,
    kind: OutboxKind,
    team_id: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
    item_id: int | None = None,
) -> Outbox | None:
    """Insert once per key (one statement); returns the new row, or None when the key was
    already there."""
    row = Outbox(
        key=key,
        kind=kind,
        slack_team_id=team_id,
        payload=payload or {},
        item_id=item_id,
        next_attempt_at=now,
        created_at=now,
    )
    return row if insert_row(session, row, unique="key") is not None else None


def enqueue_many(
    session: Session,
    *,
    rows: Sequence[tuple[OutboxKind, str, dict[str, Any]]],
    team_id: str,
    now: datetime,
    chunk: int = 200,
) -> list[int]:
    """Queue many (kind, key, payload) rows at once, each once per key: the ids of new rows.

    One INSERT … ON CONFLICT (key) DO NOTHING per chunk instead of a lookup and a savepoint
    per row: the weekly job queues hundreds of rows, and on PostgreSQL each round trip counts.
    Keys already queued (by an earlier run or another process) are skipped.
    """
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    ids: list[int] = []
    for start in range(0, len(rows), chunk):
        values = [
            {
                "key": key,
                "kind": kind,
                "slack_team_id": team_id,
                "payload": payload,
                "item_id": None,
                "status": OutboxStatus.PENDING,
                "generation": 0,
                "attempts": 0,
                "next_attempt_at": now,
                "last_error": "",
                "result": {},
                "created_at": now,
            }
            for kind, key, payload in rows[start : start + chunk]
        ]
        stmt = (
            insert(Outbox)
            .values(values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(col(Outbox.id))
        )
        ids += [row[0] for row in session.execute(stmt)]
    return ids


def enqueue_refresh(
    session: Session,
    *,
    key: str,
    kind: OutboxKind,
    team_id: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
    item_id: int | None = None,
) -> Outbox:
    """For "make Slack show the latest state" rows: re-arm the one row per key."""
    row = enqueue(
        session, key=key, kind=kind, team_id=team_id, now=now, payload=payload, item_id=item_id
    )
    if row is not None:
        return row
    session.execute(
        update(Outbox)
        .where(col(Outbox.key) == key)
        .values(
            status=OutboxStatus.PENDING,
            generation=Outbox.generation + 1,
            attempts=0,
            next_attempt_at=now,
            last_error="",
        )
    )
    found = session.exec(select(Outbox).where(col(Outbox.key) == key)).one()
    session.refresh(found)
    return found


def claim(session: Session, row_id: int, now: datetime) -> Outbox | None:
    """Take the row for sending, or None when another process has it or it is not due.

    One prepared `UPDATE … RETURNING` both claims the row and reads it back.
    """
    found = (
        session.connection()
        .execute(
            _claim_statement(),
            {"row_id": row_id, "now": now, "lease": now + LEASE, "legacy": now - LEGACY_LEASE},
        )
        .mappings()
        .first()
    )
    session.commit()  # one transaction; the caller talks to Slack next and holds none meanwhile
    if found is None:
        return None
    row = Outbox(**found)
    make_transient_to_detached(row)  # as if loaded: finish/fail update it by id and generation
    session.add(row)
    return row


@lru_cache(maxsize=1)
def _claim_statement() -> Any:
    t = Outbox.__table__  # type: ignore[attr-defined]
    at = UTCDateTime()
    now = bindparam("now", type_=at)
    return (
        update(t)
        .where(t.c.id == bindparam("row_id"))
        .where(
            or_(
                (t.c.status == OutboxStatus.PENDING) & (t.c.next_attempt_at <= now),
                (t.c.status == OutboxStatus.SENDING) & (t.c.lease_until < now),
            )
        )
        .values(
            status=OutboxStatus.SENDING,
            lease_until=bindparam("lease", type_=at),
            attempts=t.c.attempts + 1,
            claimed_at=now,
            # Reclaiming a lease that ran out: that sender died (or lost the database) with its
            # post possibly in Slack already, so the outcome of its attempt is unknown.
            unsure_since=case(
                (
                    t.c.status == OutboxStatus.SENDING,
                    func.coalesce(t.c.unsure_since, t.c.claimed_at, bindparam("legacy", type_=at)),
                ),
                else_=t.c.unsure_since,
            ),
        )
        .returning(*t.c)
    )


def finish(session: Session, row: Outbox, now: datetime, result: dict[str, Any]) -> None:
    """Done, unless someone re-armed it meanwhile (then it goes out again with the new state)."""
    done = session.connection().execute(
        _finish_statement(),
        {"row_id": row.id, "claimed": row.generation, "now": now, "new_result": result},
    )
    if affected(done) != 1:
        session.execute(
            update(Outbox)
            .where(col(Outbox.id) == row.id)
            .values(status=OutboxStatus.PENDING, lease_until=None, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
    session.commit()


@lru_cache(maxsize=1)
def _finish_statement() -> Any:
    """Prepared once (every message sent runs it): done, for the generation that was claimed."""
    t = Outbox.__table__  # type: ignore[attr-defined]
    return (
        update(t)
        .where(t.c.id == bindparam("row_id"), t.c.generation == bindparam("claimed"))
        .values(
            status=OutboxStatus.DONE,
            done_at=bindparam("now", type_=UTCDateTime()),
            result=bindparam("new_result", type_=t.c.result.type),
            lease_until=None,
            last_error="",
        )
    )


def fail(
    session: Session,
    row: Outbox,
    now: datetime,
    error: str,
    retry_at: datetime | None,
    *,
    unsure: bool = False,
) -> None:
    """Back to pending with a later attempt time, or 'failed' when retry_at is None.

    unsure: the attempt may have reached Slack (its answer was lost), so the next attempt
    looks for it before sending again.
    """
    values: dict[str, Any] = {"lease_until": None, "last_error": error[:500]}
    if unsure:
        values["unsure_since"] = func.coalesce(Outbox.unsure_since, Outbox.claimed_at, _at(now))
    if retry_at is None:
        values["status"] = OutboxStatus.FAILED
    else:
        values.update(status=OutboxStatus.PENDING, next_attempt_at=retry_at)
    session.execute(
        update(Outbox)
        .where(col(Outbox.id) == row.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def due_ids(session: Session, now: datetime, limit: int = 200) -> list[int]:
    stmt = (
        select(Outbox.id)
        .where(
            or_(
                (col(Outbox.status) == OutboxStatus.PENDING) & (col(Outbox.next_attempt_at) <= now),
                (col(Outbox.status) == OutboxStatus.SENDING) & (col(Outbox.lease_until) < now),
            )
        )
        .order_by(col(Outbox.next_attempt_at))
        .limit(limit)
    )
    return [i for i in session.exec(stmt).all() if i is not None]


def purge_done(session: Session, before: datetime) -> int:
    """Sent rows older than `before` have done their job as claims; keep the table small."""
    result = session.execute(
        delete(Outbox)
        .where(col(Outbox.status) == OutboxStatus.DONE, col(Outbox.done_at) < before)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return affected(result)


def queue(
    session: Session,
    item: Item,
    *,
    key: str,
    kind: OutboxKind,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> list[int]:
    """Queue a message about an item in the item's workspace; [] when the key was queued before.
    One statement (`INSERT … ON CONFLICT (key) DO NOTHING RETURNING id`), no row object."""
    new_id = insert_values(
        session,
        Outbox,
        unique="key",
        key=key,
        kind=kind,
        slack_team_id=item.slack_team_id,
        payload=payload or {},
        item_id=item.id,
        next_attempt_at=now,
        created_at=now,
    )
    return [new_id] if new_id is not None else []


def failed(session: Session, limit: int = 5) -> tuple[int, list[Outbox]]:
    total = session.exec(
        select(func.count()).select_from(Outbox).where(col(Outbox.status) == OutboxStatus.FAILED)
    ).one()
    rows = session.exec(
        select(Outbox)
        .where(col(Outbox.status) == OutboxStatus.FAILED)
        .order_by(col(Outbox.id).desc())
        .limit(limit)
    ).all()
    return int(total), list(rows)


def retry_failed(engine: Engine, now: datetime) -> int:
    """After an admin fixed the cause (a channel id, an invite), try every given-up row again."""
    with Session(engine) as session:
        result = session.execute(
            update(Outbox)
            .where(col(Outbox.status) == OutboxStatus.FAILED)
            .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now, last_error="")
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return affected(result)


def summary(session: Session) -> dict[str, tuple[int, datetime | None]]:
    """Per status: how many rows, and the earliest next_attempt_at (for pending rows: since
    when the longest-waiting one has been due). One grouped query, for the metrics scrape."""
    rows = session.execute(
        select(col(Outbox.status), func.count(), func.min(col(Outbox.next_attempt_at))).group_by(
            col(Outbox.status)
        )
    ).all()
    found: dict[str, tuple[int, datetime | None]] = {}
    for status, count, earliest in rows:
        if earliest is not None and earliest.tzinfo is None:
            earliest = earliest.replace(tzinfo=UTC)  # SQLite may hand min() back untyped
        found[str(status)] = (int(count), earliest)
    return found
