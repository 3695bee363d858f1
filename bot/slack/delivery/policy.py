"""When a row is tried again: the retry and wait schedule, and how a failure is told apart.

A row that waits for something else (its card) raises `Defer`; a Slack or network failure backs
off (longer each attempt, at least as long as Slack's Retry-After) and, unless Slack answered
that it did not take the post, marks the row unsure so the next attempt looks before posting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.slack.gateway_protocol import SlackError

MAX_ATTEMPTS = 20
FINISHED = "_finished"  # a sender that already marked its row sent says so in its result
LINK_WAIT_ATTEMPTS = 4  # a DM waits this many tries for the card's link, then goes without
DEFER_BASE = timedelta(seconds=20)  # a row waiting for its card: 20 s, 40 s, … up to 5 min
DEFER_MAX = timedelta(minutes=5)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


class Defer(Exception):
    """Not an error: the row waits for something else (a card to exist) and is tried again soon."""


@dataclass(frozen=True)
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    # what each row sent here recorded (a card: its channel, ts and permalink), by row id
    results: dict[int, dict[str, Any]] = field(default_factory=dict)


def backoff(attempts: int) -> timedelta:
    factor: int = 2 ** max(0, attempts - 1)
    return min(BACKOFF_BASE * factor, BACKOFF_MAX)


def defer_wait(attempts: int) -> timedelta:
    return min(DEFER_BASE * attempts, DEFER_MAX)


def maybe_sent(exc: Exception) -> bool:
    """False only when Slack answered that it did not take the request."""
    if isinstance(exc, SlackError):
        return exc.maybe_sent
    return True  # a timeout or a dropped connection: the post may be in Slack


def retry_after(exc: Exception) -> timedelta:
    """Slack's Retry-After on a 429, so the next attempt waits as long as Slack asked."""
    if not isinstance(exc, SlackError) or exc.retry_after is None:
        return timedelta(0)
    return timedelta(seconds=exc.retry_after)


def describe(exc: Exception) -> str:
    if isinstance(exc, SlackError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"[:300]
