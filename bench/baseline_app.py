"""The yardsticks for Frontline's capture path: the least a Bolt app can do with `/feedback`.

Run by bench/ack_latency.py (`--app bare|naive|floor|store`) in place of Frontline, on the same waitress
server settings (32 threads, loopback) and the same fake Slack, so one run compares like with like:

- bare:  acks with "Logged FB-<n>." and does nothing else (Bolt + waitress alone);
- naive: acks the same way, then posts the text once to a channel with chat.postMessage, after
         the ack (Bolt's usual lazy-free pattern: the listener returns, the post runs on Bolt's
         listener thread pool).
- floor: the least Frontline's promises need, with no framework of ours: the item and its
         queued card stored in one transaction before the ack (raw sqlite3 in WAL mode as
         Frontline sets it, or psycopg on PostgreSQL), then after the ack the card posted with chat.postMessage,
         marked sent in a second transaction, and the agent told where it went through the
         command's response_url. No routing, Block Kit, quotes, events or suggestions: what it
         costs is the floor under any version of Frontline's capture path.
- store: the floor's ack alone (store, ack, nothing after): what the request process would
         still spend with the card and the follow-up moved to another process.

Each ack carries a distinct FB-<n> so the bench's checks (every 200 names an item, none twice)
hold. Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT; argv[1] is the
kind; the floor app stores in its own tables (floor_item, floor_outbox) of the PostgreSQL that
$DATABASE_URL names, else of a SQLite file ($FLOOR_DB, a temp file by default). Stdlib +
slack-bolt + waitress (+ psycopg for the PostgreSQL floor) only: nothing of Frontline is imported.
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
from collections.abc import Iterator
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
    if kind in ("floor", "store"):
        floor(app, after_ack=kind == "floor")
        return app

    @app.command("/feedback")
    def feedback(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        with lock:
            ref = f"FB-{next(numbers)}"
        ack(response_type="ephemeral", text=f"Logged {ref}.")
        if kind == "naive":
            client.chat_postMessage(channel=CHANNEL, text=body.get("text") or "")

    return app


ITEM_DDL = (
    "CREATE TABLE IF NOT EXISTS floor_item (id {pk}, client_key TEXT UNIQUE, text TEXT,"
    " reporter TEXT, card_ts TEXT)"
)
OUTBOX_DDL = (
    "CREATE TABLE IF NOT EXISTS floor_outbox (id {pk}, key TEXT UNIQUE, channel TEXT, status TEXT)"
)
STORE_ITEM = (
    "INSERT INTO floor_item (client_key, text, reporter) VALUES ({p}, {p}, {p}) RETURNING id"
)
STORE_CARD = "INSERT INTO floor_outbox (key, channel, status) VALUES ({p}, {p}, 'pending')"
RECORD_CARD = "UPDATE floor_item SET card_ts = {p} WHERE id = {p}"
CARD_SENT = "UPDATE floor_outbox SET status = 'done' WHERE key = {p}"


def floor(app: App, *, after_ack: bool = True) -> None:
    """Store, ack, post the card, record it, reply: two commits.

    SQLite (the default, a temp file or $FLOOR_DB): one connection that a lock hands out, as
    Frontline's one-connection SQLite pool does (writers queue in the process, never in
    SQLite's busy handler, whose sleeps would only add tail latency). PostgreSQL (when
    $DATABASE_URL names one): a connection per thread, with psycopg as Frontline uses it.
    """
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgresql"):
        import psycopg  # only the PostgreSQL floor needs it

        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        local = threading.local()
        with psycopg.connect(dsn, autocommit=True) as setup:
            setup.execute(ITEM_DDL.format(pk="SERIAL PRIMARY KEY"))
            setup.execute(OUTBOX_DDL.format(pk="SERIAL PRIMARY KEY"))

        @contextlib.contextmanager
        def transaction() -> Iterator[Any]:
            if not hasattr(local, "conn"):
                local.conn = psycopg.connect(dsn)
            with local.conn.transaction():
                yield local.conn

        mark = "%s"
    else:
        path = os.environ.get("FLOOR_DB") or os.path.join(tempfile.mkdtemp(), "floor.db")
        conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(ITEM_DDL.format(pk="INTEGER PRIMARY KEY"))
        conn.execute(OUTBOX_DDL.format(pk="INTEGER PRIMARY KEY"))
        lock = threading.Lock()

        @contextlib.contextmanager
        def transaction() -> Iterator[Any]:
            with lock:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")

        mark = "?"

    @app.command("/feedback")
    def feedback(ack: Ack, body: dict[str, Any], client: WebClient, respond: Any) -> None:
        with transaction() as db:
            item_id = db.execute(
                STORE_ITEM.format(p=mark),
                (body.get("trigger_id"), body.get("text") or "", body.get("user_id")),
            ).fetchone()[0]
            db.execute(STORE_CARD.format(p=mark), (f"card:{item_id}", CHANNEL))
        ack(response_type="ephemeral", text=f"Logged FB-{item_id}.")
        if not after_ack:
            return
        posted = client.chat_postMessage(channel=CHANNEL, text=body.get("text") or "")
        with transaction() as db:
            db.execute(RECORD_CARD.format(p=mark), (posted["ts"], item_id))
            db.execute(CARD_SENT.format(p=mark), (f"card:{item_id}",))
        respond(response_type="ephemeral", text=f"FB-{item_id} is posted: {posted['ts']}")


def main() -> int:
    kind = sys.argv[1] if len(sys.argv) > 1 else "bare"
    if kind not in ("bare", "naive", "floor", "store"):
        print("baseline_app: kind is bare, naive, floor or store", file=sys.stderr)
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
