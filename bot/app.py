"""The app factory: settings and config in, a wired Bolt app and domain out. No module globals."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

import handlers
from bot.core.config import FrontlineConfig
from bot.core.wallclock import Now, system_now
from bot.logs import SIGNATURE_LOGGER, log_request, not_signature_body
from bot.metrics import Metrics
from bot.services.frontline import Frontline
from bot.settings import Settings
from bot.slack.gateway import SlackErrorHook, WebGateway, report_errors
from bot.slack.web_clients import SEND_TIMEOUT_SECONDS, make_client, make_send_client
from storage.db import make_engine

log = logging.getLogger(__name__)

Register = Callable[[App, Frontline], None]


def _not_token_warning(record: logging.LogRecord) -> bool:
    return "will be unused" not in record.getMessage()


class LoggedApp(App):
    """Bolt's App, plus one log line per request (ids, outcome, latency; never the text).

    This wraps dispatch rather than adding a middleware because Bolt answers requests with a
    bad signature before any middleware of ours runs, and those must be counted too.

    observe (the metrics, in Socket Mode: in HTTP mode the WSGI guard reports every request)
    gets each request's body, status and seconds; slack_errors gets each failed Web API call
    of the client Bolt builds per request for the listeners (views.open, views.publish).
    """

    observe: Callable[[dict[str, Any], int, float], None] | None = None
    slack_errors: SlackErrorHook | None = None

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        status = 500
        try:
            resp = super().dispatch(req)
            status = resp.status
            return resp
        finally:
            seconds = time.perf_counter() - started
            log_request(req.body or {}, status, seconds)
            if self.observe is not None:
                self.observe(req.body or {}, status, seconds)

    def _init_context(self, req: BoltRequest) -> None:
        super()._init_context(req)
        client = req.context.client
        if self.slack_errors is not None and client is not None:
            report_errors(client, self.slack_errors)


@dataclass
class FrontlineApp:
    bolt: App
    frontline: Frontline
    engine: Engine
    client: WebClient
    metrics: Metrics


def default_listeners() -> list[Register]:
    """The Slack listeners: the composition root wires them to the domain."""
    return [handlers.register]


def create_app(
    settings: Settings,
    config: FrontlineConfig,
    *,
    listeners: Sequence[Register] | None = None,
    engine: Engine | None = None,
    now: Now = system_now,
    verify_token: bool = True,
    workers: int = 32,
    send_timeout: float = SEND_TIMEOUT_SECONDS,
) -> FrontlineApp:
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    engine = engine or make_engine(settings.database_url)
    metrics = Metrics(engine, now)  # this app's own registry
    metrics.watch_database(engine)
    client = report_errors(make_client(token, settings.api_url), metrics.slack_error)
    send_client = report_errors(
        make_send_client(token, settings.api_url, timeout=send_timeout), metrics.slack_error
    )
    frontline = Frontline(
        config, engine, WebGateway(client), now=now, send_slack=WebGateway(send_client)
    )
    frontline.capture.count_captures(metrics.captured)
    bolt_log = logging.getLogger("frontline.bolt")
    # Bolt also reads SLACK_BOT_TOKEN from the environment and warns that our client's token
    # wins; that is intended here, so the warning would only confuse an admin reading logs.
    bolt_log.addFilter(_not_token_warning)
    bolt_log.addFilter(not_signature_body)
    logging.getLogger(SIGNATURE_LOGGER).addFilter(not_signature_body)
    bolt = LoggedApp(
        client=client,
        signing_secret=secret,
        token_verification_enabled=verify_token,
        # Work after ack() runs here: size it so slow Slack calls never starve new requests.
        listener_executor=ThreadPoolExecutor(max_workers=workers, thread_name_prefix="listener"),
        request_verification_enabled=True,
        process_before_response=False,
        logger=bolt_log,
    )
    bolt.slack_errors = metrics.slack_error
    if settings.socket_mode:  # in HTTP mode the WSGI guard counts every request
        bolt.observe = metrics.request
    for register in listeners if listeners is not None else default_listeners():
        register(bolt, frontline)
    return FrontlineApp(
        bolt=bolt, frontline=frontline, engine=engine, client=client, metrics=metrics
    )
