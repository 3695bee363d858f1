"""What the domain sees of Slack's Web API: the `SlackGateway` protocol, its data and `SlackError`.

Split out of bot/slack/gateway.py so the domain (and the fake in tests/support/fake_gateway.py)
depends on plain data and a protocol, never on the module that imports slack_sdk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol


class SlackError(Exception):
    """A Web API call failed.

    error: Slack's error code ("channel_not_found"), or, when Slack did not answer, the name of
    the failure ("TimeoutError", "URLError"). status: the HTTP status of Slack's answer, None
    when there was none. retry_after: the seconds Slack asked us to wait (a 429), else None.
    maybe_sent: the request may have taken effect (no answer, or a 5xx); False only when Slack
    answered that it did not take it. detail: the failure as the client worded it.
    str(): one short line for logs and the outbox ("slack 404: channel_not_found").
    """

    def __init__(
        self,
        error: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        maybe_sent: bool,
        detail: str = "",
    ) -> None:
        self.error = error
        self.status = status
        self.retry_after = retry_after
        self.maybe_sent = maybe_sent
        self.detail = detail or error
        if status is None:
            summary = f"{error}: {detail}"[:300]
        else:
            summary = f"slack {status}: {error or 'error'}"
        super().__init__(summary)

    @property
    def answered(self) -> bool:
        """Slack answered (with an error); False for a timeout or a dropped connection."""
        return self.status is not None


@dataclass(frozen=True)
class Posted:
    """Where a posted message landed (a DM to a user id lands in the IM's channel)."""

    channel: str
    ts: str


@dataclass(frozen=True)
class MessagePage:
    """One page of a conversation's messages (with their metadata), and the next page's cursor."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str | None = None


class SlackGateway(Protocol):
    """The Web API operations the domain uses. Every failure is a `SlackError`."""

    def post_message(
        self,
        *,
        channel: str,
        text: str,
        blocks: Sequence[Any] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Posted:
        """chat.postMessage, never unfurled. channel may be a user id (the app's DM)."""
        ...

    def update_message(
        self, *, channel: str, ts: str, text: str, blocks: Sequence[Any] | None = None
    ) -> None:
        """chat.update"""
        ...

    def permalink(self, channel: str, ts: str) -> str:
        """chat.getPermalink"""
        ...

    def channel_members(self, channel: str) -> list[str]:
        """conversations.members, every page."""
        ...

    def open_dm(self, user: str) -> str:
        """conversations.open: the id of the app's IM with a user."""
        ...

    def messages(
        self,
        channel: str,
        *,
        oldest: str,
        limit: int,
        cursor: str | None = None,
        thread_ts: str | None = None,
    ) -> MessagePage:
        """conversations.history, or conversations.replies for a thread, metadata included."""
        ...

    def user_info(self, user: str) -> dict[str, Any]:
        """users.info: the user object ({} when Slack sends none)."""
        ...

    def read_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """One message by its ts: conversations.history (latest=ts, inclusive, limit=1); a
        reply in a thread is not in the history, so then conversations.replies (ts=the reply,
        oldest=latest=ts, inclusive). None when neither has it (deleted)."""
        ...

    def post_ephemeral(
        self,
        *,
        channel: str,
        user: str,
        text: str,
        blocks: Sequence[Any] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        """chat.postEphemeral: only `user` sees it, in `channel` (in a thread when thread_ts);
        returns its message_ts."""
        ...

    def auth_test(self) -> dict[str, Any]:
        """auth.test: who this token is (team_id, user_id, …)."""
        ...

    def upload_file(
        self,
        *,
        channel: str,
        filename: str,
        content: bytes,
        title: str,
        initial_comment: str | None,
    ) -> dict[str, Any]:
        """Slack's external upload: files.getUploadURLExternal, the bytes POSTed to the URL it
        gives, then files.completeUploadExternal shares the file in `channel` (a conversation id:
        a DM's comes from `open_dm`). Returns {"file_id", "channel", "permalink"}.

        A failure before the completion raises a SlackError with maybe_sent False: an upload
        that was never completed is shared nowhere, so trying again cannot double it.
        """
        ...
