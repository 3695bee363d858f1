"""The one place that reads the wall clock.

Everything else is handed a `Now` (a function returning aware UTC) by the composition root,
so tests, `--at` and replays move time for the whole app at once. A ruff rule (TID251) bans
`datetime.now`, `utcnow`, `date.today` and `time.time` everywhere but here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Now = Callable[[], datetime]


def system_now() -> datetime:
    """Aware UTC from the operating system: the production clock."""
    return datetime.now(UTC)  # noqa: TID251 - the single sanctioned wall-clock read


def fixed(at: datetime) -> Now:
    """A clock that always says `at` (the CLI's `--at`)."""
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    return lambda: moment
