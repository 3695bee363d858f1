"""Posting exactly once: every post carries its outbox key in message metadata, and an attempt
whose outcome was unknown first looks for that key in the conversation's recent history.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.slack.gateway_protocol import SlackError, SlackGateway
from storage.models import Outbox

log = logging.getLogger("bot.slack.delivery")

METADATA_EVENT = "frontline_outbox"  # the message metadata event type that tags our posts
LOOKUP_MARGIN = timedelta(minutes=5)  # our clock and Slack's may differ a little
LOOKUP_PAGES = 3
LOOKUP_PAGE_SIZE = 200
# Slack errors that mean "this history cannot be read" (no scope, not a member, gone): the post
# is then sent again without the check, and the log says why.
UNREADABLE = frozenset(
    {
        "missing_scope",
        "not_in_channel",
        "channel_not_found",
        "thread_not_found",
        "not_allowed_token_type",
        "method_not_supported_for_channel_type",
    }
)


def post_once(
    slack: SlackGateway,
    row: Outbox,
    *,
    channel: str,
    text: str,
    blocks: Any = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """Post once: an earlier attempt whose answer was lost is looked up, not repeated."""
    if row.unsure_since is not None:
        found = find_posted(slack, row, channel, thread_ts)
        if found is not None:
            log.info("outbox %s (%s) was already in Slack: adopted it", row.key, row.kind)
            return found
    posted = slack.post_message(
        channel=channel,
        text=text,
        blocks=blocks,
        thread_ts=thread_ts,
        metadata={"event_type": METADATA_EVENT, "event_payload": {"key": row.key}},
    )
    return {"ts": posted.ts, "channel": posted.channel}


def find_posted(
    slack: SlackGateway, row: Outbox, channel: str, thread_ts: str | None
) -> dict[str, Any] | None:
    """The message an earlier attempt of this row posted, found by its metadata, or None."""
    assert row.unsure_since is not None
    oldest = f"{(row.unsure_since - LOOKUP_MARGIN).timestamp():.6f}"
    try:
        where = channel
        if channel[:1] in ("U", "W"):  # a DM sent to a user id: read the IM itself
            where = slack.open_dm(channel)
        cursor = None
        for _ in range(LOOKUP_PAGES):
            page = slack.messages(
                where, oldest=oldest, limit=LOOKUP_PAGE_SIZE, cursor=cursor, thread_ts=thread_ts
            )
            for message in page.messages:
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == METADATA_EVENT and payload.get("key") == row.key:
                    return {"ts": message["ts"], "channel": where, "adopted": True}
            cursor = page.next_cursor
            if not cursor:
                break
    except SlackError as exc:
        if not exc.answered or exc.error not in UNREADABLE:
            raise
        log.warning(
            "outbox %s (%s): cannot read %s to check for an earlier copy (%s); sending again",
            row.key,
            row.kind,
            channel,
            exc.error,
        )
    return None
