"""The Slack gateway: the few Web API calls the domain makes, behind one protocol.

The domain depends on `SlackGateway` (plain data in and out, `SlackError` on failure) and never
on slack_sdk; `WebGateway` is the real one, on slack_sdk's WebClient. Unit tests use a fake
(tests/support/fake_gateway.py). Views (views.open, views.publish) are not here: the listeners
call them with Bolt's client, inside the request that carries the trigger.

The protocol, its data and SlackError live in bot/slack/gateway_protocol.py (which the domain
imports); the Web API clients it wraps are built in bot/slack/web_clients.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack.gateway_protocol import MessagePage, Posted, SlackError

MEMBERS_PAGE_SIZE = 1000


# --- the real gateway, on slack_sdk ------------------------------------------------------------
def _with_ts(messages: Sequence[Any], ts: str) -> dict[str, Any] | None:
    """The message whose ts is `ts` (replies also list the thread's parent first)."""
    return next((dict(m) for m in messages if isinstance(m, dict) and m.get("ts") == ts), None)


def _retry_after(exc: SlackApiError) -> float | None:
    """Slack's Retry-After on a 429, in seconds (at least 1; 60 when unreadable)."""
    if getattr(exc.response, "status_code", 0) != 429:
        return None
    headers = getattr(exc.response, "headers", None) or {}
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "1")
    if isinstance(value, list):
        value = value[0] if value else "1"
    try:
        return float(max(1, int(str(value))))
    except ValueError:
        return 60.0


def _slack_error(exc: Exception) -> SlackError:
    """The domain's view of a slack_sdk failure (or of the socket under it)."""
    if isinstance(exc, SlackApiError):
        resp = exc.response
        status = getattr(resp, "status_code", 200)
        error = resp.get("error") if hasattr(resp, "get") else None
        return SlackError(
            str(error or ""),
            status=status if isinstance(status, int) else 200,
            retry_after=_retry_after(exc),
            maybe_sent=isinstance(status, int) and status >= 500,
            detail=str(exc),
        )
    return SlackError(type(exc).__name__, maybe_sent=True, detail=str(exc))


@contextmanager
def _as_slack_errors() -> Iterator[None]:
    try:
        yield
    except (SlackApiError, SlackClientError, OSError) as exc:
        raise _slack_error(exc) from exc


class WebGateway:
    """`SlackGateway` on a WebClient (`make_client` or, for the outbox, `make_send_client`)."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post_message(
        self,
        *,
        channel: str,
        text: str,
        blocks: Sequence[Any] | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> Posted:
        extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
        with _as_slack_errors():
            resp = self.client.chat_postMessage(
                unfurl_links=False,
                unfurl_media=False,
                metadata=metadata,
                channel=channel,
                text=text,
                blocks=blocks,
                **extra,
            )
        return Posted(channel=resp.get("channel") or channel, ts=resp["ts"])

    def update_message(
        self, *, channel: str, ts: str, text: str, blocks: Sequence[Any] | None = None
    ) -> None:
        with _as_slack_errors():
            self.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)

    def permalink(self, channel: str, ts: str) -> str:
        with _as_slack_errors():
            return str(self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])

    def channel_members(self, channel: str) -> list[str]:
        members: list[str] = []
        cursor = None
        with _as_slack_errors():
            while True:
                resp = self.client.conversations_members(
                    channel=channel, limit=MEMBERS_PAGE_SIZE, cursor=cursor
                )
                members.extend(resp.get("members", []))
                cursor = (resp.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    return members

    def open_dm(self, user: str) -> str:
        with _as_slack_errors():
            return str(self.client.conversations_open(users=user)["channel"]["id"])

    def messages(
        self,
        channel: str,
        *,
        oldest: str,
        limit: int,
        cursor: str | None = None,
        thread_ts: str | None = None,
    ) -> MessagePage:
        args: dict[str, Any] = {
            "channel": channel,
            "oldest": oldest,
            "include_all_metadata": True,
            "limit": limit,
        }
        if cursor:
            args["cursor"] = cursor
        with _as_slack_errors():
            if thread_ts:
                page = self.client.conversations_replies(ts=thread_ts, **args)
            else:
                page = self.client.conversations_history(**args)
        return MessagePage(
            messages=list(page.get("messages") or []),
            next_cursor=(page.get("response_metadata") or {}).get("next_cursor") or None,
        )

    def read_message(self, channel: str, ts: str) -> dict[str, Any] | None:
        window: dict[str, Any] = {"latest": ts, "inclusive": True, "limit": 1}
        with _as_slack_errors():
            page = self.client.conversations_history(channel=channel, **window)
            found = _with_ts(page.get("messages") or [], ts)
            if found is None:  # not a top-level message: a reply in a thread, or gone
                page = self.client.conversations_replies(
                    channel=channel, ts=ts, oldest=ts, **window
                )
                found = _with_ts(page.get("messages") or [], ts)
        return found

    def post_ephemeral(
        self,
        *,
        channel: str,
        user: str,
        text: str,
        blocks: Sequence[Any] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        with _as_slack_errors():
            extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
            resp = self.client.chat_postEphemeral(
                channel=channel, user=user, text=text, blocks=blocks, **extra
            )
        return str(resp.get("message_ts") or "")

    def user_info(self, user: str) -> dict[str, Any]:
        with _as_slack_errors():
            found = self.client.users_info(user=user).get("user") or {}
        return dict(found)

    def auth_test(self) -> dict[str, Any]:
        with _as_slack_errors():
            data = self.client.auth_test().data
        return dict(data) if isinstance(data, dict) else {}

    def upload_file(
        self,
        *,
        channel: str,
        filename: str,
        content: bytes,
        title: str,
        initial_comment: str | None,
    ) -> dict[str, Any]:
        # The three steps of WebClient.files_upload_v2, one by one, so that a failure before
        # the completion is told apart (nothing was shared) from one during it (maybe shared).
        try:
            with _as_slack_errors():
                issued = self.client.files_getUploadURLExternal(
                    filename=filename, length=len(content)
                )
                file_id, url = str(issued["file_id"]), str(issued["upload_url"])
                # slack_sdk's own step 2 of files_upload_v2 (a plain POST of the bytes).
                sent = self.client._upload_file(
                    url=url,
                    data=content,
                    logger=self.client._logger,
                    timeout=self.client.timeout,
                    proxy=self.client.proxy,
                    ssl=self.client.ssl,
                )
            if sent.status != 200:
                raise SlackError(
                    "upload_failed", status=sent.status, maybe_sent=False, detail=str(sent.body)
                )
        except SlackError as exc:
            exc.maybe_sent = False
            raise
        extra: dict[str, Any] = {"initial_comment": initial_comment} if initial_comment else {}
        with _as_slack_errors():
            done = self.client.files_completeUploadExternal(
                files=[{"id": file_id, "title": title}], channel_id=channel, **extra
            )
        shared = (done.get("files") or [{}])[0]
        return {
            "file_id": str(shared.get("id") or file_id),
            "channel": channel,
            "permalink": str(shared.get("permalink") or ""),
        }


# --- counting failures (the metrics) -----------------------------------------------------------
SlackErrorHook = Callable[[str, str], None]


def report_errors(client: WebClient, on_error: SlackErrorHook) -> WebClient:
    """Hand every failed Web API call of `client` to on_error(method, error), then fail as before.

    error: Slack's code ("channel_not_found"), "http_<status>" when Slack answered without one,
    or the failure's name ("TimeoutError"). Every Web API method of a WebClient goes through
    its api_call, so this wraps that one method of this one client.
    """
    call = client.api_call

    def api_call(api_method: str, **kwargs: Any) -> Any:
        try:
            return call(api_method, **kwargs)
        except (SlackApiError, SlackClientError, OSError) as exc:
            failure = _slack_error(exc)
            on_error(api_method, failure.error or f"http_{failure.status}")
            raise

    client.api_call = api_call  # type: ignore[method-assign]
    return client
