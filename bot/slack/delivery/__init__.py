"""Sending what the outbox holds. Rows are stored with the change that caused them, then sent.

Cards are rendered when sent, not when queued, so a retried card shows the latest state.

Exactly once, even when Slack's answer is lost: every post carries message metadata naming its
outbox key. When an attempt's outcome is unknown (a timeout, a dropped connection, a sender
killed mid-post, a database that failed after Slack took the post), the next attempt first
looks for that key in the conversation's recent history and adopts the message it finds
instead of posting a second copy.

Modules: `sender` (Delivery: claim a row, dispatch it by kind, record success or failure),
`policy` (retry and wait schedule), `lookup` (the post that is never repeated, and the
metadata lookup behind it), `cards` and `messages` (one sender per `OutboxKind`).
"""

from bot.slack.delivery.lookup import (
    LOOKUP_MARGIN,
    LOOKUP_PAGE_SIZE,
    LOOKUP_PAGES,
    METADATA_EVENT,
    UNREADABLE,
    find_posted,
    post_once,
)
from bot.slack.delivery.messages import event_text
from bot.slack.delivery.policy import (
    BACKOFF_BASE,
    BACKOFF_MAX,
    DEFER_BASE,
    DEFER_MAX,
    FINISHED,
    LINK_WAIT_ATTEMPTS,
    MAX_ATTEMPTS,
    Defer,
    SendReport,
    backoff,
)
from bot.slack.delivery.sender import Delivery

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_MAX",
    "DEFER_BASE",
    "DEFER_MAX",
    "FINISHED",
    "LINK_WAIT_ATTEMPTS",
    "LOOKUP_MARGIN",
    "LOOKUP_PAGES",
    "LOOKUP_PAGE_SIZE",
    "MAX_ATTEMPTS",
    "METADATA_EVENT",
    "UNREADABLE",
    "Defer",
    "Delivery",
    "SendReport",
    "backoff",
    "event_text",
    "find_posted",
    "post_once",
]
