"""The yardsticks for Frontline's capture path: the least a Bolt app can do with `/feedback`.

Run by bench/ack_latency.py (`--app bare|naive`) in place of Frontline, on the same waitress
server settings (32 threads, loopback) and the same fake Slack, so one run compares like with like:

- bare:  acks with "Logged FB-<n>." and does nothing else (Bolt + waitress alone);
- naive: acks the same way, then posts the text once to a channel with chat.postMessage, after
         the ack (Bolt's usual lazy-free pattern: the listener returns, the post runs on Bolt's
         listener thread pool).

Each ack carries a distinct FB-<n> so the bench's checks (every 200 names an item, none twice)
hold. Environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, PORT; argv[1] is the
kind. Stdlib + slack-bolt + waitress only: nothing of Frontline is imported.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sys
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

    @app.command("/feedback")
    def feedback(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        with lock:
            ref = f"FB-{next(numbers)}"
        ack(response_type="ephemeral", text=f"Logged {ref}.")
        if kind == "naive":
            client.chat_postMessage(channel=CHANNEL, text=body.get("text") or "")

    return app


def main() -> int:
    kind = sys.argv[1] if len(sys.argv) > 1 else "bare"
    if kind not in ("bare", "naive"):
        print("baseline_app: kind is bare or naive", file=sys.stderr)
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
