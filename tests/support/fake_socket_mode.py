"""A fake of Slack's Socket Mode WebSocket endpoint on loopback.

The app's real SocketModeHandler connects to the URL that `apps.connections.open` returns (the
fake Web API hands out this server's ws:// URL), gets Slack's `hello`, and acks envelopes we
push, the way Slack pushes slash commands and interactivity in Socket Mode.
"""

from __future__ import annotations

import itertools
import json
import queue
import threading
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

_ids = itertools.count(1)


class FakeSocketMode:
    def __init__(self) -> None:
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._connections: queue.Queue[ServerConnection] = queue.Queue()
        self._acks: dict[str, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.connection: ServerConnection | None = None

    def start(self) -> FakeSocketMode:
        self._server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link/?ticket=test"

    def _handle(self, conn: ServerConnection) -> None:
        conn.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake"},
                    "connection_info": {"app_id": "A0FRONT"},
                }
            )
        )
        self._connections.put(conn)
        try:
            for raw in conn:
                message = json.loads(raw)
                envelope = message.get("envelope_id")
                with self._lock:
                    waiting = self._acks.get(envelope)
                if waiting is not None:
                    waiting.put(message)
        except ConnectionClosed:
            pass

    def wait_connected(self, timeout: float = 15.0) -> ServerConnection:
        if self.connection is None:
            self.connection = self._connections.get(timeout=timeout)
        return self.connection

    def push(self, kind: str, payload: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        """Send an envelope like Slack does and return the app's ack (its response payload)."""
        conn = self.wait_connected()
        envelope = f"env-{next(_ids)}"
        waiting: queue.Queue[dict[str, Any]] = queue.Queue()
        with self._lock:
            self._acks[envelope] = waiting
        conn.send(
            json.dumps(
                {
                    "envelope_id": envelope,
                    "type": kind,
                    "payload": payload,
                    "accepts_response_payload": kind != "events_api",
                    "retry_attempt": 0,
                    "retry_reason": "",
                }
            )
        )
        try:
            return waiting.get(timeout=timeout)
        finally:
            with self._lock:
                self._acks.pop(envelope, None)
