"""A fake Slack Web API served over real HTTP on loopback.

Why a real server instead of mocking ``WebClient``: the app's own ``slack_sdk``
client then exercises its real request encoding (JSON vs form vs GET), retry
handlers, and error handling, so tests catch wiring bugs that mocks would hide.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import email.parser
import email.policy
import json
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Call", "FakeSlack", "Upload", "wall_clock"]


def wall_clock() -> datetime:
    """Slack's own clock, for tests whose bot runs on the system clock (a subprocess)."""
    return datetime.now(UTC)


# Form/query values under these keys are JSON-encoded by slack_sdk; decode them so
# tests can assert on structures instead of strings.
_JSON_ARG_KEYS = frozenset({"blocks", "attachments", "view", "metadata", "user_auth_blocks"})

_AUTH_TEST = {
    "ok": True,
    "url": "https://acme.slack.com/",
    "team": "Acme",
    "user": "frontline",
    "team_id": "T0ACME",
    "user_id": "UBOT",
    "bot_id": "BBOT",
}


@dataclass
class Call:
    """One request the fake received; tests assert on these instead of on mocks."""

    method: str  # e.g. "chat.postMessage"; "response_url" for posts to a response URL
    args: dict[str, Any]  # query + form + JSON body merged; JSON-ish form values decoded
    token: str | None  # Bearer token (or `token` arg); for response_url, the URL's token
    at: float  # time.time() when received
    failed: bool = False  # True when an injected failure answered this call


@dataclass
class Upload:
    """One file of Slack's external upload flow, as far as it got.

    files.getUploadURLExternal reserves it (filename, length), the POST to its upload_url gives
    the bytes, files.completeUploadExternal shares it (title, channel, initial_comment).
    """

    file_id: str
    filename: str
    length: int
    content: bytes | None = None  # None until the bytes were POSTed to the upload URL
    title: str | None = None
    channel: str | None = None  # set once completed (shared in this conversation)
    initial_comment: str | None = None

    @property
    def completed(self) -> bool:
        return self.channel is not None

    @property
    def text(self) -> str:
        """The uploaded bytes as UTF-8 (a CSV, say)."""
        return (self.content or b"").decode("utf-8")


@dataclass
class _Failure:
    """A pending injected failure, consumed by the next call to its method."""

    status: int
    error: str | None
    retry_after: int | None


@dataclass
class _Reply:
    """What the handler writes back: status, headers and an already-encoded body."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering
    delay: float = 0.0  # wait this long before answering (the client may have given up)


@dataclass
class _LostAnswer:
    """The next call succeeds in Slack, but its answer never reaches the client in time."""

    how: str  # "drop": the connection closes; "hang": the answer comes after `seconds`
    seconds: float
    before_reply: Callable[[], None] | None


def _json_reply(payload: dict[str, Any], status: int = 200) -> _Reply:
    return _Reply(status=status, body=json.dumps(payload).encode())


def _decode_json_values(values: dict[str, Any]) -> dict[str, Any]:
    """Turn JSON-encoded form values (blocks, view, ...) back into objects."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in _JSON_ARG_KEYS and isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[key] = value
    return out


def _parse_multipart(content_type: str, raw: bytes) -> dict[str, Any]:
    """Parse multipart/form-data (files.upload*): text fields as str, files as bytes."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    out: dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is None:
            out[str(name)] = payload.decode("utf-8", "replace")
        else:
            out[str(name)] = payload
    return out


class FakeSlack:
    """In-process Slack Web API double that records calls and can inject failures."""

    _TS_BASE = 1_760_000_000_000_100  # microseconds; first ts is "1760000000.000100"

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict] = {}
        self.channel_members: dict[str, list[str]] = {}
        # where apps.connections.open sends Socket Mode clients (a FakeSocketMode url)
        self.socket_mode_url: str | None = None
        # channel -> error: posts there keep failing (a deleted channel, a bot not invited)
        self.broken_channels: dict[str, str] = {}
        self.messages: dict[tuple[str, str], dict] = {}
        # channel -> error for conversations.history/replies (e.g. missing_scope)
        self.unreadable_history: dict[str, str] = {}
        # When set, message ts follow this clock (as Slack's own clock would), else a counter.
        self.clock: Callable[[], datetime] | None = None
        self._lost: dict[str, deque[_LostAnswer]] = {}
        self._last_micros = 0
        self._lock = threading.Lock()
        self._failures: dict[str, deque[_Failure]] = {}
        self._ts_counter = 0
        self._view_counter = 0
        self._uploads: dict[str, Upload] = {}  # file_id -> the upload (files.*UploadExternal)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base = ""
        self.url = ""

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> FakeSlack:
        """Bind 127.0.0.1 on a free port and serve from a daemon thread."""
        if self._server is not None:
            return self
        fake = self

        class Handler(_Handler):
            owner = fake

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        port = server.server_address[1]
        self._server = server
        self.base = f"http://127.0.0.1:{port}"
        self.url = f"{self.base}/api/"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-slack-{port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down and release the port; safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test-facing helpers -----------------------------------------------------

    def response_url(self, token: str = "") -> str:
        """A URL on this server usable as a slash command's / action's response_url."""
        return f"{self.base}/response/{token}"

    def calls_to(self, method: str) -> list[Call]:
        """Snapshot of calls to one method, in arrival order (failed ones included)."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Poll until `count` calls to `method` arrived; listeners often run async."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                break
            time.sleep(0.01)
        with self._lock:
            seen = Counter(c.method for c in self.calls)
        received = ", ".join(f"{m} x{n}" for m, n in seen.items()) or "nothing"
        raise AssertionError(
            f"expected >= {count} call(s) to {method} within {timeout}s, "
            f"got {len(found)}; received: {received}"
        )

    def reset(self) -> None:
        """Forget calls, messages and pending failures; keep users and members."""
        with self._lock:
            self.calls.clear()
            self.messages.clear()
            self._last_micros = 0
            self._failures.clear()
            self.broken_channels.clear()
            self.unreadable_history.clear()
            self._lost.clear()
            self.clock = None
            self._uploads.clear()

    def uploads(self, *, completed: bool = True) -> list[Upload]:
        """Files uploaded with the external flow, oldest first; only shared ones by default."""
        with self._lock:
            found = list(self._uploads.values())
        return [u for u in found if u.completed or not completed]

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls to `method` fail, to test retries and error paths."""
        if status == 200 and not error:
            raise ValueError("fail_next with status=200 needs an error code, e.g. 'not_in_channel'")
        if times < 1:
            raise ValueError("times must be >= 1")
        failure = _Failure(status=status, error=error, retry_after=retry_after)
        with self._lock:
            self._failures.setdefault(method, deque()).extend([failure] * times)

    def lose_next_answer(
        self,
        method: str,
        *,
        how: str = "drop",
        seconds: float = 0.0,
        before_reply: Callable[[], None] | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls to `method` take effect, but the client never hears back.

        how="drop" closes the connection; how="hang" answers only after `seconds` (longer than
        the client's timeout). `before_reply` runs after the call took effect and before the
        (lost) answer, e.g. to take the app's database down at that very moment.
        """
        if how not in ("drop", "hang"):
            raise ValueError("how is 'drop' or 'hang'")
        with self._lock:
            self._lost.setdefault(method, deque()).extend(
                [_LostAnswer(how, seconds, before_reply)] * times
            )

    def posts_with_key(self, key: str) -> list[tuple[str, str]]:
        """(channel, ts) of every stored message whose metadata names this outbox key."""
        with self._lock:
            return [
                where
                for where, m in self.messages.items()
                if ((m.get("metadata") or {}).get("event_payload") or {}).get("key") == key
            ]

    # -- request handling (called from server threads) --------------------------

    def _handle(self, method: str, args: dict[str, Any], token: str | None) -> _Reply:
        """Record the call, then answer with an injected failure or a realistic reply."""
        with self._lock:
            pending = self._failures.get(method)
            failure = pending.popleft() if pending else None
            if pending is not None and not pending:
                del self._failures[method]
            broken = self.broken_channels.get(str(args.get("channel", "")))
            if failure is None and broken and method in ("chat.postMessage", "chat.update"):
                failure = _Failure(200, broken, None)
            self.calls.append(Call(method, args, token, time.time(), failed=failure is not None))
        if failure is not None:
            return self._failure_reply(failure)
        if method == "response_url":
            return _json_reply({"ok": True})
        if method == "apps.connections.open":
            if not self.socket_mode_url:
                return _json_reply({"ok": False, "error": "invalid_auth"})
            return _json_reply({"ok": True, "url": self.socket_mode_url})
        handler = _METHODS.get(method)
        reply = handler(self, args) if handler else _json_reply({"ok": True})
        with self._lock:
            lost_queue = self._lost.get(method)
            lost = lost_queue.popleft() if lost_queue else None
        if lost is not None:
            if lost.before_reply is not None:
                lost.before_reply()
            reply.drop = lost.how == "drop"
            reply.delay = lost.seconds
        return reply

    @staticmethod
    def _failure_reply(failure: _Failure) -> _Reply:
        if failure.status == 429:
            retry_after = 1 if failure.retry_after is None else failure.retry_after
            reply = _json_reply({"ok": False, "error": "ratelimited"}, status=429)
            reply.headers["Retry-After"] = str(retry_after)
            return reply
        if failure.status != 200:
            text = f"fake_slack: injected HTTP {failure.status}\n".encode()
            return _Reply(failure.status, text, content_type="text/plain; charset=utf-8")
        return _json_reply({"ok": False, "error": failure.error})

    def _next_ts(self) -> str:
        clock = self.clock
        with self._lock:
            self._ts_counter += 1
            if clock is not None:
                micros = max(int(clock().timestamp() * 1_000_000), self._last_micros + 100)
                self._last_micros = micros
            else:
                micros = self._TS_BASE + (self._ts_counter - 1) * 100
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_view_id(self) -> str:
        with self._lock:
            self._view_counter += 1
            return f"V{self._view_counter:010d}"

    @staticmethod
    def _resolve_channel(channel: str) -> str:
        """Posting to a user id lands in the bot's DM with them, as on real Slack."""
        if channel[:1] in ("U", "W"):
            return "D" + channel
        return channel

    # -- method implementations -------------------------------------------------

    def _auth_test(self, args: dict[str, Any]) -> _Reply:
        return _json_reply(dict(_AUTH_TEST))

    def _chat_post_message(self, args: dict[str, Any]) -> _Reply:
        channel = self._resolve_channel(str(args.get("channel", "")))
        if not channel:
            return _json_reply({"ok": False, "error": "channel_not_found"})
        ts = self._next_ts()
        stored = {k: v for k, v in args.items() if k != "token"}
        with self._lock:
            self.messages[(channel, ts)] = stored
        message = {"type": "message", "user": "UBOT", "bot_id": "BBOT", **stored, "ts": ts}
        return _json_reply({"ok": True, "channel": channel, "ts": ts, "message": message})

    def _chat_update(self, args: dict[str, Any]) -> _Reply:
        channel = self._resolve_channel(str(args.get("channel", "")))
        ts = str(args.get("ts", ""))
        stored = {k: v for k, v in args.items() if k != "token"}
        with self._lock:
            if (channel, ts) not in self.messages:
                return _json_reply({"ok": False, "error": "message_not_found"})
            self.messages[(channel, ts)] = stored
        message = {"type": "message", "user": "UBOT", "bot_id": "BBOT", **stored, "ts": ts}
        text = args.get("text", "")
        return _json_reply(
            {"ok": True, "channel": channel, "ts": ts, "text": text, "message": message}
        )

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> _Reply:
        return _json_reply({"ok": True, "message_ts": self._next_ts()})

    def _chat_get_permalink(self, args: dict[str, Any]) -> _Reply:
        channel = str(args.get("channel", ""))
        ts = str(args.get("message_ts", "")).replace(".", "")
        permalink = f"https://acme.slack.com/archives/{channel}/p{ts}"
        return _json_reply({"ok": True, "channel": channel, "permalink": permalink})

    def _conversations_open(self, args: dict[str, Any]) -> _Reply:
        users = [u.strip() for u in str(args.get("users", "")).split(",") if u.strip()]
        if users:
            return _json_reply({"ok": True, "channel": {"id": "D" + users[0]}})
        if args.get("channel"):
            return _json_reply({"ok": True, "channel": {"id": str(args["channel"])}})
        return _json_reply({"ok": False, "error": "users_list_not_supplied"})

    def _conversations_members(self, args: dict[str, Any]) -> _Reply:
        channel = str(args.get("channel", ""))
        with self._lock:
            members = self.channel_members.get(channel)
            members = list(members) if members is not None else None
        if members is None:
            return _json_reply({"ok": False, "error": "channel_not_found"})
        try:
            limit = int(args.get("limit") or 100)
        except ValueError:
            return _json_reply({"ok": False, "error": "invalid_limit"})
        limit = max(1, min(limit, 1000))
        offset = 0
        cursor = str(args.get("cursor") or "")
        if cursor:
            try:
                prefix, _, num = base64.b64decode(cursor, validate=True).decode().partition(":")
                offset = int(num)
                if prefix != "offset" or offset < 0:
                    raise ValueError(cursor)
            except (ValueError, binascii.Error, UnicodeDecodeError):
                return _json_reply({"ok": False, "error": "invalid_cursor"})
        page = members[offset : offset + limit]
        end = offset + len(page)
        next_cursor = (
            base64.b64encode(f"offset:{end}".encode()).decode() if end < len(members) else ""
        )
        return _json_reply(
            {"ok": True, "members": page, "response_metadata": {"next_cursor": next_cursor}}
        )

    def _history_page(self, args: dict[str, Any], found: list[dict]) -> _Reply:
        """One page of messages, newest first for history, oldest first for replies."""
        try:
            limit = max(1, min(int(args.get("limit") or 100), 1000))
            offset = int(base64.b64decode(str(args.get("cursor") or "")).decode() or 0)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return _json_reply({"ok": False, "error": "invalid_cursor"})
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or 0) or float("inf")
        found = [m for m in found if oldest <= float(m["ts"]) <= latest]
        with_meta = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        page = [
            m if with_meta else {k: v for k, v in m.items() if k != "metadata"}
            for m in found[offset : offset + limit]
        ]
        end = offset + len(page)
        more = end < len(found)
        cursor = base64.b64encode(str(end).encode()).decode() if more else ""
        return _json_reply(
            {
                "ok": True,
                "messages": page,
                "has_more": more,
                "response_metadata": {"next_cursor": cursor},
            }
        )

    def _stored(self, channel: str) -> list[dict]:
        with self._lock:  # a seeded person's message says bot_id None: the key is left out
            found = [
                {"type": "message", "user": "UBOT", "bot_id": "BBOT", **m, "ts": ts}
                for (ch, ts), m in self.messages.items()
                if ch == channel
            ]
        return [{k: v for k, v in m.items() if v is not None} for m in found]

    def seed_message(
        self, channel: str, text: str, *, user: str = "UCUST", thread_ts: str | None = None
    ) -> str:
        """A person's message (not the bot's) in a channel or thread; returns its ts."""
        ts = self._next_ts()
        message = {"user": user, "bot_id": None, "text": text, "thread_ts": thread_ts}
        with self._lock:
            self.messages[(channel, ts)] = message
        return ts

    def _conversations_history(self, args: dict[str, Any]) -> _Reply:
        channel = self._resolve_channel(str(args.get("channel", "")))
        error = self.unreadable_history.get(channel)
        if error:
            return _json_reply({"ok": False, "error": error})
        top = [m for m in self._stored(channel) if not m.get("thread_ts")]
        top.sort(key=lambda m: float(m["ts"]), reverse=True)
        return self._history_page(args, top)

    def _conversations_replies(self, args: dict[str, Any]) -> _Reply:
        channel = self._resolve_channel(str(args.get("channel", "")))
        error = self.unreadable_history.get(channel)
        if error:
            return _json_reply({"ok": False, "error": error})
        parent = str(args.get("ts", ""))
        with self._lock:  # Slack: ts may name the parent or any message in the thread
            named = self.messages.get((channel, parent)) or {}
        parent = str(named.get("thread_ts") or parent)
        thread = [
            m for m in self._stored(channel) if m["ts"] == parent or m.get("thread_ts") == parent
        ]
        if not any(m["ts"] == parent for m in thread):
            return _json_reply({"ok": False, "error": "thread_not_found"})
        thread.sort(key=lambda m: float(m["ts"]))
        return self._history_page(args, thread)

    def _users_info(self, args: dict[str, Any]) -> _Reply:
        uid = str(args.get("user", ""))
        if not uid:
            return _json_reply({"ok": False, "error": "user_not_found"})
        with self._lock:
            user = self.users.get(uid)
        if user is None:
            user = {
                "id": uid,
                "name": uid.lower(),
                "tz": "America/New_York",
                "tz_offset": -18000,
                "is_bot": False,
            }
        return _json_reply({"ok": True, "user": dict(user)})

    def _files_get_upload_url_external(self, args: dict[str, Any]) -> _Reply:
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except ValueError:
            return _json_reply({"ok": False, "error": "invalid_arguments"})
        if not filename or length <= 0:
            return _json_reply({"ok": False, "error": "invalid_arguments"})
        with self._lock:
            file_id = f"F{len(self._uploads) + 1:010d}"
            self._uploads[file_id] = Upload(file_id=file_id, filename=filename, length=length)
        url = f"{self.base}/upload/v1/{file_id}"
        return _json_reply({"ok": True, "upload_url": url, "file_id": file_id})

    def _upload_bytes(self, file_id: str, content: bytes) -> _Reply:
        """The POST to an upload_url (not a Web API method: a plain-text "OK - <length>")."""
        with self._lock:
            upload = self._uploads.get(file_id)
            self.calls.append(
                Call("upload_url", {"file_id": file_id, "length": len(content)}, None, time.time())
            )
            pending = self._failures.get("upload_url")
            failure = pending.popleft() if pending else None
            if failure is None and upload is not None:
                upload.content = content
        if failure is not None:
            self.calls[-1].failed = True
            return self._failure_reply(failure)
        if upload is None:
            return _Reply(404, b"Not Found", content_type="text/plain; charset=utf-8")
        return _Reply(200, f"OK - {len(content)}".encode(), content_type="text/plain")

    def _files_complete_upload_external(self, args: dict[str, Any]) -> _Reply:
        try:
            files = json.loads(str(args.get("files") or "[]"))
        except ValueError:
            return _json_reply({"ok": False, "error": "invalid_arguments"})
        if not isinstance(files, list) or not files:
            return _json_reply({"ok": False, "error": "invalid_arguments"})
        channel = str(args.get("channel_id") or args.get("channels") or "") or None
        shared = []
        with self._lock:
            for entry in files:
                upload = self._uploads.get(str(entry.get("id") or ""))
                if upload is None or upload.content is None:
                    return _json_reply({"ok": False, "error": "file_not_found"})
                if channel and channel[:1] in ("U", "W"):  # as Slack: a user id is not a channel
                    return _json_reply({"ok": False, "error": "invalid_channel"})
                upload.title = str(entry.get("title") or upload.filename)
                upload.channel = channel or ""
                upload.initial_comment = args.get("initial_comment") or None
                shared.append(
                    {
                        "id": upload.file_id,
                        "name": upload.filename,
                        "title": upload.title,
                        "size": len(upload.content),
                        "permalink": f"https://acme.slack.com/files/UBOT/{upload.file_id}/"
                        f"{upload.filename}",
                    }
                )
        return _json_reply({"ok": True, "files": shared})

    def _views(self, args: dict[str, Any]) -> _Reply:
        view = args.get("view")
        if not isinstance(view, dict):
            return _json_reply({"ok": False, "error": "invalid_arguments"})
        view_id = str(args.get("view_id") or "") or self._next_view_id()
        return _json_reply({"ok": True, "view": {**view, "id": view_id}})


_METHODS = {
    "auth.test": FakeSlack._auth_test,
    "chat.postMessage": FakeSlack._chat_post_message,
    "chat.update": FakeSlack._chat_update,
    "chat.postEphemeral": FakeSlack._chat_post_ephemeral,
    "chat.getPermalink": FakeSlack._chat_get_permalink,
    "conversations.open": FakeSlack._conversations_open,
    "conversations.members": FakeSlack._conversations_members,
    "conversations.history": FakeSlack._conversations_history,
    "conversations.replies": FakeSlack._conversations_replies,
    "users.info": FakeSlack._users_info,
    "files.getUploadURLExternal": FakeSlack._files_get_upload_url_external,
    "files.completeUploadExternal": FakeSlack._files_complete_upload_external,
    "views.open": FakeSlack._views,
    "views.push": FakeSlack._views,
    "views.update": FakeSlack._views,
    "views.publish": FakeSlack._views,
}


class _Handler(BaseHTTPRequestHandler):
    """Parses the three encodings slack_sdk uses and delegates to the owning FakeSlack."""

    owner: FakeSlack
    server_version = "FakeSlack/1.0"

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: test output should not be flooded with access logs."""

    def _dispatch(self) -> None:
        try:
            reply = self._route()
        except Exception:
            reply = _Reply(
                500,
                ("fake_slack internal error:\n" + traceback.format_exc()).encode(),
                content_type="text/plain; charset=utf-8",
            )
        if reply.delay:
            time.sleep(reply.delay)
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(2)  # socket.SHUT_RDWR: the answer is lost
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def _route(self) -> _Reply:
        parts = urlsplit(self.path)
        if parts.path.startswith("/api/"):
            method = parts.path[len("/api/") :].strip("/")
            args = self._read_args(parts.query)
            token = self._bearer_token() or (str(args["token"]) if args.get("token") else None)
            return self.owner._handle(method, args, token)
        if parts.path.startswith("/upload/v1/"):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            return self.owner._upload_bytes(parts.path[len("/upload/v1/") :].strip("/"), raw)
        if parts.path.startswith("/response"):
            url_token = parts.path[len("/response") :].strip("/")
            args = self._read_args(parts.query)
            return self.owner._handle("response_url", args, url_token or None)
        return _json_reply({"ok": False, "error": "unknown_path"}, status=404)

    def _bearer_token(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return value.strip() or None

    def _read_args(self, query: str) -> dict[str, Any]:
        """Merge query string, then form body, then JSON body (later wins)."""
        args: dict[str, Any] = _decode_json_values(dict(parse_qsl(query, keep_blank_values=True)))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        if not raw:
            return args
        content_type = self.headers.get("Content-Type", "")
        kind = content_type.split(";", 1)[0].strip().lower()
        if kind == "application/json":
            body = json.loads(raw.decode("utf-8"))
            if isinstance(body, dict):
                args.update(body)
            else:
                args["_json"] = body
        elif kind == "multipart/form-data":
            args.update(_decode_json_values(_parse_multipart(content_type, raw)))
        else:
            form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
            args.update(_decode_json_values(form))
        return args
