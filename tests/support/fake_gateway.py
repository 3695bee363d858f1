"""An in-memory `SlackGateway` for the fast unit tier: no HTTP, no threads.

It records every call, answers with data shaped like Slack's (ts, IM channels, permalinks,
message metadata), keeps what was posted so lookups find it, and fails on request:
`fail_next` for an error Slack answers with, `lose_next_answer` for a call that took effect in
Slack but whose answer never came back (a timeout: the caller must treat it as maybe sent).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.slack.gateway_protocol import MessagePage, Posted, SlackError

TEAM_ID = "T0ACME"
BOT_USER = "UFRONTLINE"


@dataclass
class GatewayCall:
    method: str  # the protocol method, e.g. "post_message"
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Failure:
    error: SlackError
    takes_effect: bool  # the call happens in Slack before the error is raised (a lost answer)


class FakeGateway:
    """`SlackGateway` in memory. `now` stamps message ts, as Slack's clock would."""

    def __init__(
        self,
        now: Callable[[], datetime],
        *,
        team_id: str = TEAM_ID,
        members: dict[str, list[str]] | None = None,
        users: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.now = now
        self.team_id = team_id
        self.members = dict(members or {})
        self.users = dict(users or {})
        self.calls: list[GatewayCall] = []
        self.posted: dict[str, list[dict[str, Any]]] = {}  # channel -> messages, oldest first
        self.uploads: list[dict[str, Any]] = []  # files shared: channel, filename, content, …
        self._failures: dict[str, list[_Failure]] = {}
        self._seq = itertools.count(1)

    # --- controlling it ---------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        error: str = "internal_error",
        *,
        status: int = 200,
        retry_after: float | None = None,
    ) -> None:
        """The next call to `method` is refused by Slack (nothing happens in Slack)."""
        failure = SlackError(
            error,
            status=status,
            retry_after=retry_after if status == 429 else None,
            maybe_sent=status >= 500,
            detail=f"The server responded with: {{'ok': False, 'error': '{error}'}}",
        )
        self._failures.setdefault(method, []).append(_Failure(failure, takes_effect=False))

    def lose_next_answer(self, method: str = "post_message") -> None:
        """The next call to `method` reaches Slack, but its answer is lost (a read timeout)."""
        failure = SlackError("TimeoutError", maybe_sent=True, detail="The read operation timed out")
        self._failures.setdefault(method, []).append(_Failure(failure, takes_effect=True))

    # --- reading what happened ----------------------------------------------------------------
    def calls_to(self, method: str) -> list[GatewayCall]:
        return [c for c in self.calls if c.method == method]

    def posts_with_key(self, key: str) -> list[dict[str, Any]]:
        """Messages in Slack whose metadata names this outbox key."""
        return [
            m
            for messages in self.posted.values()
            for m in messages
            if (m.get("metadata") or {}).get("event_payload", {}).get("key") == key
        ]

    # --- the protocol -------------------------------------------------------------------------
    def post_message(
        self,
        *,
        channel: str,
        text: str,
        blocks: Sequence[Any] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Posted:
        failure = self._call(
            "post_message",
            channel=channel,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
            metadata=metadata,
        )
        where = self._im(channel) if channel[:1] in ("U", "W") else channel
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER,
            "text": text,
            "ts": self._ts(),
        }
        if blocks is not None:
            message["blocks"] = list(blocks)
        if thread_ts:
            message["thread_ts"] = thread_ts
        if metadata:
            message["metadata"] = metadata
        self.posted.setdefault(where, []).append(message)
        self._raise_after(failure)
        return Posted(channel=where, ts=message["ts"])

    def update_message(
        self, *, channel: str, ts: str, text: str, blocks: Sequence[Any] | None = None
    ) -> None:
        failure = self._call("update_message", channel=channel, ts=ts, text=text, blocks=blocks)
        message = self._message(channel, ts)
        message["text"] = text
        if blocks is not None:
            message["blocks"] = list(blocks)
        self._raise_after(failure)

    def permalink(self, channel: str, ts: str) -> str:
        self._raise_after(self._call("permalink", channel=channel, ts=ts))
        return f"https://acme.slack.com/archives/{channel}/p{ts.replace('.', '')}"

    def channel_members(self, channel: str) -> list[str]:
        self._raise_after(self._call("channel_members", channel=channel))
        if channel not in self.members:
            raise SlackError("not_in_channel", status=200, maybe_sent=False)
        return list(self.members[channel])

    def open_dm(self, user: str) -> str:
        self._raise_after(self._call("open_dm", user=user))
        return self._im(user)

    def messages(
        self,
        channel: str,
        *,
        oldest: str,
        limit: int,
        cursor: str | None = None,
        thread_ts: str | None = None,
    ) -> MessagePage:
        failure = self._call(
            "messages",
            channel=channel,
            oldest=oldest,
            limit=limit,
            cursor=cursor,
            thread_ts=thread_ts,
        )
        self._raise_after(failure)
        if channel not in self.posted and channel[:1] != "D":
            raise SlackError("channel_not_found", status=200, maybe_sent=False)
        found = [m for m in self.posted.get(channel, []) if float(m["ts"]) > float(oldest)]
        if thread_ts:  # the thread, oldest first
            found = [m for m in found if thread_ts in (m["ts"], m.get("thread_ts"))]
        else:  # the channel's own messages, newest first
            found = [m for m in reversed(found) if m.get("thread_ts") in (None, m["ts"])]
        start = int(cursor or 0)
        page = found[start : start + limit]
        more = start + limit < len(found)
        return MessagePage(
            messages=[dict(m) for m in page], next_cursor=str(start + limit) if more else None
        )

    def seed(self, channel: str, text: str, *, user: str = "UCUST", **extra: Any) -> str:
        """A person's message in a channel (for reactions and mentions); returns its ts."""
        ts = self._ts()
        self.posted.setdefault(channel, []).append(
            {"type": "message", "user": user, "text": text, "ts": ts, **extra}
        )
        return ts

    def read_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        self._raise_after(self._call("read_message", channel=channel, ts=ts))
        if channel not in self.posted:
            raise SlackError("channel_not_found", status=200, maybe_sent=False)
        found = [m for m in self.posted[channel] if m["ts"] == ts]
        return dict(found[0]) if found else None

    def post_ephemeral(
        self,
        *,
        channel: str,
        user: str,
        text: str,
        blocks: Sequence[Any] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        failure = self._call(
            "post_ephemeral",
            channel=channel,
            user=user,
            text=text,
            blocks=blocks,
            thread_ts=thread_ts,
        )
        self._raise_after(failure)
        return self._ts()

    def user_info(self, user: str) -> dict[str, Any]:
        self._raise_after(self._call("user_info", user=user))
        if user not in self.users:
            raise SlackError("user_not_found", status=200, maybe_sent=False)
        return {"id": user, "team_id": self.team_id, **self.users[user]}

    def auth_test(self) -> dict[str, Any]:
        self._raise_after(self._call("auth_test"))
        return {
            "ok": True,
            "url": "https://acme.slack.com/",
            "team_id": self.team_id,
            "user_id": BOT_USER,
            "bot_id": "BFRONTLINE",
        }

    def upload_file(
        self,
        *,
        channel: str,
        filename: str,
        content: bytes,
        title: str,
        initial_comment: str | None,
    ) -> dict[str, Any]:
        failure = self._call(
            "upload_file",
            channel=channel,
            filename=filename,
            content=content,
            title=title,
            initial_comment=initial_comment,
        )
        file_id = f"F{next(self._seq):08d}"
        self.uploads.append(
            {
                "file_id": file_id,
                "channel": channel,
                "filename": filename,
                "content": content,
                "title": title,
                "initial_comment": initial_comment,
            }
        )
        self._raise_after(failure)
        return {
            "file_id": file_id,
            "channel": channel,
            "permalink": f"https://acme.slack.com/files/{BOT_USER}/{file_id}/{filename}",
        }

    # --- internals ----------------------------------------------------------------------------
    def _call(self, method: str, **args: Any) -> _Failure | None:
        """Record the call; a refusal is raised now, a lost answer after the call takes effect."""
        self.calls.append(GatewayCall(method, args))
        pending = self._failures.get(method)
        failure = pending.pop(0) if pending else None
        if failure is not None and not failure.takes_effect:
            raise failure.error
        return failure

    @staticmethod
    def _raise_after(failure: _Failure | None) -> None:
        if failure is not None:
            raise failure.error

    def _ts(self) -> str:
        return f"{self.now().timestamp():.0f}.{next(self._seq):06d}"

    @staticmethod
    def _im(user: str) -> str:
        return f"D{user[1:]}"

    def _message(self, channel: str, ts: str) -> dict[str, Any]:
        for message in self.posted.get(channel, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found", status=200, maybe_sent=False)
