"""The sender of files (OutboxKind.FILE): Slack's external upload, into a channel or a DM.

Payload (what anyone enqueueing a FILE row writes):
    {"channel": "C…" or "D…" (or absent), "user": "U…" (or absent: then "channel" is needed),
     "filename": str, "title": str, "text": str (the initial comment, mrkdwn; may be ""),
     "content_b64": str (base64 of the file's bytes)}
With "user" and no "channel", the file goes to the app's DM with that person: files.
completeUploadExternal needs a conversation id, which conversations.open gives (im:write).

Nothing doubled: a FILE row that is done is never sent again (the outbox claims it first). An
upload is shared only by its last step (files.completeUploadExternal); a failure before that
shares nothing and is simply tried again. When the completion's answer was lost (a timeout, a
dropped connection), Slack may or may not have shared the file, and, unlike a message, a file
carries no metadata to look it up by: the next attempt uploads it again and logs a warning, so
the person gets the file, possibly twice, never zero times (as the outbox does when a
conversation's history cannot be read).
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from sqlmodel import Session

from bot.slack.gateway_protocol import SlackGateway
from storage.models import Outbox

log = logging.getLogger("bot.slack.delivery")


class FileSenders:
    def __init__(self, slack: SlackGateway) -> None:
        self.slack = slack

    def file(self, session: Session, row: Outbox) -> dict[str, Any]:
        p = row.payload
        session.commit()  # hold no transaction while talking to Slack
        try:
            content = base64.b64decode(p["content_b64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"outbox {row.key}: content_b64 is not base64") from exc
        channel = p.get("channel") or ""
        if not channel:
            channel = self.slack.open_dm(p["user"])
        if row.unsure_since is not None:
            log.warning(
                "outbox %s (file): an earlier upload's answer was lost; uploading again "
                "(the file may appear twice in %s)",
                row.key,
                channel,
            )
        shared = self.slack.upload_file(
            channel=channel,
            filename=p["filename"],
            content=content,
            title=p.get("title") or p["filename"],
            initial_comment=p.get("text") or None,
        )
        return {
            "channel": channel,
            "file_id": shared.get("file_id"),
            "permalink": shared.get("permalink", ""),
            "bytes": len(content),
        }
