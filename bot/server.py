"""HTTP mode: Bolt's WSGI adapter behind waitress (a production WSGI server), plus /healthz."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from sqlalchemy.engine import Engine
from waitress.server import create_server

from bot.http_guard import GuardedSlackHandler
from bot.settings import DEFAULT_HTTP_THREADS
from storage.db import ping

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

StartResponse = Callable[..., Any]


def wsgi_app(
    bolt: App, engine: Engine
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    # Bolt keeps the secret to itself; the guard needs it to tell a bad body from a forged one.
    slack = GuardedSlackHandler(bolt, EVENTS_PATH, getattr(bolt, "_signing_secret", "") or "")

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            healthy = ping(engine)
            body = json.dumps({"status": "ok" if healthy else "database unavailable"}).encode()
            start_response(
                "200 OK" if healthy else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        if path == EVENTS_PATH:
            return slack(environ, start_response)
        body = b'{"error": "not found"}'
        start_response(
            "404 Not Found",
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return application


def make_server(
    bolt: App, engine: Engine, host: str, port: int, threads: int = DEFAULT_HTTP_THREADS
) -> Any:
    """A waitress server; call .run() to serve and .close() to stop."""
    return create_server(
        wsgi_app(bolt, engine),
        host=host,
        port=port,
        threads=threads,
        ident="frontline",
        clear_untrusted_proxy_headers=True,
    )
