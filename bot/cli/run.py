"""`frontline run`: check everything an admin must fix, then serve Slack (Socket Mode or HTTP)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
from typing import TYPE_CHECKING, Any

from bot import preflight
from bot.cli.errors import CliError, bot_token, check, first_line
from bot.core.config import FrontlineConfig
from bot.settings import Settings
from bot.slack import copy

if TYPE_CHECKING:
    from bot.app import FrontlineApp

log = logging.getLogger("frontline")


def _port(settings: Settings, args: argparse.Namespace) -> int:
    return args.port or settings.port


def cmd_run(settings: Settings, config: FrontlineConfig, args: argparse.Namespace) -> int:
    port = _port(settings, args)
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
    check(
        [
            preflight.database(settings.database_url),
            preflight.slack_bot_token(bot_token(settings), settings.api_url),
            preflight.slack_app_token(app_token, settings.api_url)
            if settings.socket_mode
            else None,
            None if settings.socket_mode else preflight.can_listen(settings.host, port),
            preflight.can_listen(settings.host, settings.metrics_port)
            if settings.metrics_port
            else None,
        ]
    )
    if settings.socket_mode:
        log.info(copy.SOCKET_MODE_CHOSEN)
    else:
        log.info(copy.http_mode_chosen(settings.host, port))
    from slack_bolt.error import BoltError

    from bot.app import create_app
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    try:
        app = create_app(settings, config)
    except BoltError as exc:
        raise CliError(copy.slack_refused_bot_token(first_line(exc))) from None
    server = None
    if not settings.socket_mode:
        from bot.server import make_server

        try:
            server = make_server(
                app.bolt, app.engine, settings.host, port, settings.http_threads, app.metrics
            )
        except OSError as exc:
            raise CliError(preflight.bind_problem(exc, settings.host, port).line) from None
    probes = _probe_server(settings, app)
    scheduler = None
    if not args.no_scheduler:
        from bot.scheduler import start_scheduler

        scheduler = start_scheduler(app.frontline, app.metrics)
    try:
        if server is None:
            from slack_bolt.adapter.socket_mode import SocketModeHandler
            from slack_sdk.errors import SlackApiError, SlackClientError

            try:
                SocketModeHandler(app.bolt, app_token).start()  # type: ignore[no-untyped-call]
            except SlackApiError as exc:
                raise CliError(copy.slack_refused_app_token(preflight.slack_refusal(exc))) from None
            except (OSError, SlackClientError) as exc:
                line = copy.slack_unreachable(settings.api_url, preflight.reason(exc))
                raise CliError(line) from None
        else:
            signal.signal(signal.SIGTERM, lambda *_: server.close())
            log.info("Frontline listening on http://%s:%s/slack/events", settings.host, port)
            with contextlib.suppress(KeyboardInterrupt, OSError):
                server.run()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        if probes is not None:
            probes.close()
    return 0


def _probe_server(settings: Settings, app: FrontlineApp) -> Any:
    """/metrics, /healthz and /readyz on METRICS_PORT, served by a thread of their own."""
    if not settings.metrics_port:
        return None
    import threading

    from bot.server import make_probe_server

    port = settings.metrics_port
    try:
        probes = make_probe_server(app.engine, app.metrics, settings.host, port)
    except OSError as exc:
        raise CliError(preflight.bind_problem(exc, settings.host, port).line) from None

    def serve() -> None:
        with contextlib.suppress(OSError):  # closing the socket ends the loop
            probes.run()

    threading.Thread(target=serve, name="metrics", daemon=True).start()
    log.info("metrics on http://%s:%s/metrics", settings.host, port)
    return probes
