"""HTTP mode: Bolt's WSGI adapter behind waitress (a production WSGI server), plus the probes
an operator's tools ask: /healthz (the database answers), /readyz (and its schema is at this
code's newest migration) and /metrics (Prometheus). In Socket Mode the probes alone are served
on METRICS_PORT (`make_probe_server`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import make_wsgi_app
from slack_bolt import App
from sqlalchemy.engine import Engine
from waitress.server import create_server

from bot.http_guard import GuardedSlackHandler
from bot.metrics import Metrics
from bot.settings import DEFAULT_HTTP_THREADS
from storage.db import ping
from storage.migrate import head_revision, revision_of

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
PROBE_THREADS = 2

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _json(start_response: StartResponse, status: str, payload: dict[str, str]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


class Probes:
    """/healthz, /readyz and /metrics; `answer` returns None for any other request."""

    def __init__(self, engine: Engine, metrics: Metrics | None = None) -> None:
        self.engine = engine
        self.head = head_revision()  # the code's newest migration: read once, at start
        self.metrics = make_wsgi_app(metrics.registry) if metrics is not None else None

    def readiness(self) -> str | None:
        """None when ready, else why not (short, for the 503's JSON)."""
        try:
            current = revision_of(self.engine)
        except Exception:
            return "database unavailable"
        if current != self.head:
            return f"database schema at {current or 'no migration'}, this code needs {self.head}"
        return None

    def answer(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes] | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH:
            healthy = ping(self.engine)
            if healthy:
                return _json(start_response, "200 OK", {"status": "ok"})
            return _json(
                start_response, "503 Service Unavailable", {"status": "database unavailable"}
            )
        if path == READY_PATH:
            why = self.readiness()
            if why is None:
                return _json(start_response, "200 OK", {"status": "ready"})
            return _json(
                start_response, "503 Service Unavailable", {"status": "not ready", "reason": why}
            )
        if path == METRICS_PATH and self.metrics is not None:
            return self.metrics(environ, start_response)  # type: ignore[no-any-return]
        return None


def _not_found(start_response: StartResponse) -> list[bytes]:
    return _json(start_response, "404 Not Found", {"error": "not found"})


def wsgi_app(bolt: App, engine: Engine, metrics: Metrics | None = None) -> WsgiApp:
    # Bolt keeps the secret to itself; the guard needs it to tell a bad body from a forged one.
    slack = GuardedSlackHandler(
        bolt,
        EVENTS_PATH,
        getattr(bolt, "_signing_secret", "") or "",
        observe=metrics.request if metrics is not None else None,
    )
    probes = Probes(engine, metrics)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "") == EVENTS_PATH:
            return slack(environ, start_response)
        answer = probes.answer(environ, start_response)
        return answer if answer is not None else _not_found(start_response)

    return application


def probe_app(engine: Engine, metrics: Metrics | None) -> WsgiApp:
    """The probes alone (Socket Mode's METRICS_PORT)."""
    probes = Probes(engine, metrics)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        answer = probes.answer(environ, start_response)
        return answer if answer is not None else _not_found(start_response)

    return application


def make_server(
    bolt: App,
    engine: Engine,
    host: str,
    port: int,
    threads: int = DEFAULT_HTTP_THREADS,
    metrics: Metrics | None = None,
) -> Any:
    """A waitress server; call .run() to serve and .close() to stop."""
    return create_server(
        wsgi_app(bolt, engine, metrics),
        host=host,
        port=port,
        threads=threads,
        ident="frontline",
        clear_untrusted_proxy_headers=True,
    )


def make_probe_server(engine: Engine, metrics: Metrics | None, host: str, port: int) -> Any:
    """/metrics, /healthz and /readyz on their own port; .run() serves, .close() stops."""
    return create_server(
        probe_app(engine, metrics),
        host=host,
        port=port,
        threads=PROBE_THREADS,
        ident="frontline",
        clear_untrusted_proxy_headers=True,
    )
