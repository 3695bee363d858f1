"""The yardsticks for Frontline's capture path: the least a Bolt app can do with `/feedback`.

Run by bench/ack_latency.py (`--app bare|naive`) in place of Frontline, on the same waitress
server settings (32 threads, loopback) and the same fake Slack, so one run compares like with like:

- bare:  acks with "Logged FB-<n>." and does nothing else (Bolt + waitress alone);
- naive: acks the same way, then posts the text once to a channel with chat.postMessage, after
         the ack (Bolt's usual lazy-free pattern: the listener returns, the post runs on Bolt's
         listener thread pool).
- floor: the least Frontline's promises need, with no framework of ours: the item and its
         queued card stored in one SQLite transaction before the ack (raw sqlite3, WAL, as
         durable as Frontline's), then after the ack the card posted with chat.postMessage,
         marked sent in a second transaction, and the agent told where it went through the
         command's response_url. No routing, Block Kit, quotes, events or suggestions: what it
         costs is the floor under any version of Frontline's capture path.

Each ack carries a distinct FB-<n> so the bench's checks (every 200 names an item, none twice)
hold. Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT; argv[1] is the
kind; the floor app stores in a SQLite file of its own under $FLOOR_DB (a temp file by default).
Stdlib + slack-bolt + waitress only: nothing of Frontline is imported.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sqlite3
import sys
import tempfile
import threading
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress.server import create_server

CHANNEL = "C0BILLING"
THREADS = 32  # bot/settings.py DEFAULT_HTTP_THREADS


def build(kind: str) -> App:
    client = WebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"].rstrip("/") + "/"
    )
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
        process_before_response=False,
    )
    numbers = itertools.count(1)
    lock = threading.Lock()
    if kind == "floor":
        floor(app)
        return app

    @app.command("/feedback")
    def feedback(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        with lock:
            ref = f"FB-{next(numbers)}"
        ack(response_type="ephemeral", text=f"Logged {ref}.")
        if kind == "naive":
            client.chat_postMessage(channel=CHANNEL, text=body.get("text") or "")

    return app


def floor(app: App) -> None:
    """Store, ack, post the card, record it, reply: one connection per thread, two commits."""
    path = os.environ.get("FLOOR_DB") or os.path.join(tempfile.mkdtemp(), "floor.db")
    local = threading.local()

    def db() -> sqlite3.Connection:
        if not hasattr(local, "conn"):
            conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            local.conn = conn
        return local.conn  # type: ignore[no-any-return]

    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, client_key TEXT UNIQUE,"
            " text TEXT, reporter TEXT, card_ts TEXT)"
        )
        conn.execute(
            "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, key TEXT UNIQUE,"
            " channel TEXT, status TEXT)"
        )

    @app.command("/feedback")
    def feedback(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        conn = db()
        conn.execute("BEGIN IMMEDIATE")
        item_id = conn.execute(
            "INSERT INTO item (client_key, text, reporter) VALUES (?, ?, ?) RETURNING id",
            (body.get("trigger_id"), body.get("text") or "", body.get("user_id")),
        ).fetchone()[0]
        conn.execute(
            "INSERT INTO outbox (key, channel, status) VALUES (?, ?, 'pending')",
            (f"card:{item_id}", CHANNEL),
        )
        conn.execute("COMMIT")
        ack(response_type="ephemeral", text=f"Logged FB-{item_id}.")
        posted = client.chat_postMessage(channel=CHANNEL, text=body.get("text") or "")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE item SET card_ts = ? WHERE id = ?", (posted["ts"], item_id))
        conn.execute("UPDATE outbox SET status = 'done' WHERE key = ?", (f"card:{item_id}",))
        conn.execute("COMMIT")
        respond(response_type="ephemeral", text=f"FB-{item_id} is posted: {posted['ts']}")


def main() -> int:
    kind = sys.argv[1] if len(sys.argv) > 1 else "bare"
    if kind not in ("bare", "naive", "floor"):
        print("baseline_app: kind is bare, naive or floor", file=sys.stderr)
        return 2
    handler = SlackRequestHandler(build(kind))

    def application(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b'{"status": "ok"}']
        return handler(environ, start_response)

    server = create_server(
        application, host="127.0.0.1", port=int(os.environ["PORT"]), threads=THREADS
    )
    signal.signal(signal.SIGTERM, lambda *_: server.close())
    with contextlib.suppress(OSError, ValueError):  # closed by SIGTERM
        server.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
