"""What the domain needs of the database engine without importing SQLAlchemy itself: the
`Engine` type its services are given, and telling a database outage from other failures."""

from __future__ import annotations

from sqlalchemy import exc as db_errors
from sqlalchemy.engine import Engine as Engine  # re-exported: the services' type for it


def is_outage(error: BaseException) -> bool:
    """The database cannot be reached (down, restarting, out of connections, locked)."""
    return isinstance(
        error,
        (
            db_errors.OperationalError,
            db_errors.InterfaceError,
            db_errors.TimeoutError,
            db_errors.DisconnectionError,
        ),
    )
