"""The app factory: settings and config in, a wired Bolt app and domain out. No module globals."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from sqlalchemy.engine import Engine

import handlers
from bot.core.config import FrontlineConfig
from bot.core.wallclock import Now, system_now
from bot.logs import SIGNATURE_LOGGER, log_request, not_signature_body
from bot.services.frontline import Frontline
from bot.settings import Settings
from bot.slack.gateway import WebGateway
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
    """

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        status = 500
        try:
            resp = super().dispatch(req)
            status = resp.status
            return resp
        finally:
            log_request(req.body or {}, status, time.perf_counter() - started)


@dataclass
class FrontlineApp:
    bolt: App
    frontline: Frontline
    engine: Engine
    client: WebClient


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
    client = make_client(token, settings.api_url)
    engine = engine or make_engine(settings.database_url)
    send_client = make_send_client(token, settings.api_url, timeout=send_timeout)
    frontline = Frontline(
        config, engine, WebGateway(client), now=now, send_slack=WebGateway(send_client)
    )
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
    for register in listeners if listeners is not None else default_listeners():
        register(bolt, frontline)
    return FrontlineApp(bolt=bolt, frontline=frontline, engine=engine, client=client)
