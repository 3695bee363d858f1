"""The sender of private notes in a channel: chat.postEphemeral, a DM when Slack refuses it.

Slack refuses an ephemeral post when the person cannot see it there (not in the channel, the
bot not in it, an archived channel): the note then goes to the person's DM with the app. An
ephemeral message has no history to look in, so a post whose answer was lost is sent again: a
second copy seen by one person beats a silent capture. The outbox key keeps retried events from
sending it twice.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session

from bot.slack.delivery.lookup import post_once
from bot.slack.gateway_protocol import SlackError, SlackGateway
from storage.models import Outbox

log = logging.getLogger("bot.slack.delivery")

RETRY_LATER = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable"})


class EphemeralSenders:
    def __init__(self, slack: SlackGateway) -> None:
        self.slack = slack

    def ephemeral(self, session: Session, row: Outbox) -> dict[str, Any]:
        p = row.payload
        session.commit()  # no transaction waits on Slack
        text, blocks = p["text"], p.get("blocks")
        if p.get("channel"):
            try:
                ts = self.slack.post_ephemeral(
                    channel=p["channel"],
                    user=p["user"],
                    text=text,
                    blocks=blocks,
                    thread_ts=p.get("thread_ts"),
                )
                return {"channel": p["channel"], "ephemeral_ts": ts}
            except SlackError as exc:
                if not exc.answered or exc.status != 200 or exc.error in RETRY_LATER:
                    raise
                log.info("no private note in %s (%s): sent as a DM", p["channel"], exc.error)
        resp = post_once(self.slack, row, channel=p["user"], text=text, blocks=blocks)
        return {"channel": resp.get("channel"), "ts": resp["ts"], "dm": True}
