"""HTTP mode: a body Bolt cannot read gets a 4xx and one log line, never a 500 and a traceback.

Bolt parses the body before it checks the signature and raises on a `payload` that is not JSON
or a JSON body that is not an object. It also reads any form body containing the word
"payload" as an interactive payload, so `/feedback the payload failed` came out empty and the
agent's item was lost. Here the body is read once, the signature checked, and Bolt gets the
body as Slack meant it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.context import BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context
from slack_bolt.response import BoltResponse

from bot.core.wallclock import system_now
from bot.slack.shapes import problem

log = logging.getLogger(__name__)

# (the request's body as read, or {} when unreadable; the answer's HTTP status; seconds taken)
Observe = Callable[[dict[str, Any], int, float], None]
MAX_BODY = 2 * 1024 * 1024  # Slack's largest payloads (a full modal state) are far smaller


class Malformed(ValueError):
    """The body is not what Slack sends; the message names the shape, never the content."""


def read_body(raw: str, content_type: str) -> dict[str, Any]:
    """A Slack request body as Slack means it: JSON (events), a form with a JSON `payload`
    (interactivity), or a plain form (slash commands)."""
    if not raw:
        raise Malformed("empty body")
    if content_type.startswith("application/json") or raw.startswith("{"):
        try:
            body = json.loads(raw)
        except ValueError:
            raise Malformed("JSON body that does not parse") from None
        if not isinstance(body, dict):
            raise Malformed("JSON body that is not an object")
        return body
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    if "payload" not in fields:
        return fields
    try:
        payload = json.loads(fields["payload"])
    except ValueError:
        raise Malformed("`payload` field that is not JSON") from None
    if not isinstance(payload, dict):
        raise Malformed("`payload` field that is not a JSON object")
    return payload


class GuardedSlackHandler(SlackRequestHandler):
    """Bolt's WSGI handler, reading the body itself before Bolt does."""

    def __init__(
        self, app: App, path: str, signing_secret: str, observe: Observe | None = None
    ) -> None:
        super().__init__(app, path=path)
        self.secret = signing_secret.encode()
        self.observe = observe

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        """Every request, refused or not, is reported to `observe` (metrics) with its answer's
        status and how long the answer took."""
        if self.observe is None:
            return self._answer(request, {})
        started = time.perf_counter()
        seen: dict[str, Any] = {}  # what the body says it is, once read (the metrics' surface)
        status = 500
        try:
            response = self._answer(request, seen)
            status = response.status
            return response
        finally:
            self.observe(seen, status, time.perf_counter() - started)

    def _answer(self, request: WsgiHttpRequest, seen: dict[str, Any]) -> BoltResponse:
        headers = request.get_headers()
        try:
            length = int(request.environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            return self.refuse("a missing or too large Content-Length", b"", headers)
        data = request.environ["wsgi.input"].read(length) if length else b""
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            return self.refuse("a body that is not UTF-8", data, headers)
        content_type = str(headers.get("content-type") or "").split(";")[0].strip().lower()
        try:
            body = read_body(raw, content_type)
        except Malformed as bad:
            return self.refuse(str(bad), data, headers)
        seen.update(command=body.get("command"), type=body.get("type"))
        why = problem(body)
        if why:
            return self.refuse(why, data, headers)
        bolt_request = BoltRequest(body="", query=request.query_string, headers=headers)
        bolt_request.raw_body = raw  # the signature is checked over exactly these bytes
        bolt_request.body = body
        try:  # Bolt reads ids from the body here and assumes Slack's shapes
            bolt_request.context = build_context(BoltContext({}), body)
        except (AttributeError, KeyError, TypeError, IndexError):
            return self.refuse("a payload whose ids are not where Slack puts them", data, headers)
        return self.app.dispatch(bolt_request)

    def refuse(self, why: str, data: bytes, headers: dict[str, Any]) -> BoltResponse:
        """401 when the signature is wrong (as Bolt answers), else 400 and one line."""
        if not self.signed(data, headers):
            return BoltResponse(status=401, body={"error": "invalid request"})
        log.warning("refused a signed Slack request with %s (%d bytes)", why, len(data))
        return BoltResponse(status=400, body="")

    def signed(self, data: bytes, headers: dict[str, Any]) -> bool:
        """Slack's v0 signature over the raw bytes, fresh within five minutes."""
        if not self.secret:
            return False
        timestamp = str(headers.get("x-slack-request-timestamp") or "")
        signature = str(headers.get("x-slack-signature") or "")
        try:
            # Slack signs with real time, and Bolt checks it against real time: so do we
            if abs(system_now().timestamp() - int(timestamp)) > 60 * 5:
                return False
        except ValueError:
            return False
        base = b"v0:" + timestamp.encode() + b":" + data
        expected = "v0=" + hmac.new(self.secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, signature)
