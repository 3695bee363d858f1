"""Checks before start: can we reach the database and Slack, and listen on the port?

Each check answers with one line the admin can act on (from bot/slack/copy/), or None. The CLI runs
them all and reports every problem at once, so one run shows everything to fix.
"""

from __future__ import annotations

import errno
import logging
import socket
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack import copy
from storage.db import connection_problem

SLACK_TIMEOUT_SECONDS = 10
# What Slack answers when the token itself is wrong: the admin must fix it, retrying won't help.
TOKEN_REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "missing_scope",
        "not_allowed_token_type",
        "invalid_token_type",
        "no_permission",
    }
)


@dataclass(frozen=True)
class Problem:
    """One line to print; `lasting` problems need the admin (exit 2), others pass (exit 1)."""

    line: str
    lasting: bool = True
    detail: str = ""


def database(url: str) -> Problem | None:
    found = connection_problem(url)
    if found is None:
        return None
    if found.kind == "sqlite_dir_missing":
        line = copy.database_dir_missing(found.where, found.detail)
    elif found.kind == "sqlite_cannot_open":
        line = copy.database_cannot_open(found.where, found.detail)
    elif found.kind == "unreachable":
        line = copy.database_unreachable(found.where, found.detail)
    elif found.kind == "login":
        line = copy.database_login_refused(found.where, found.detail)
    elif found.kind == "no_database":
        line = copy.database_missing(found.where, found.name)
    else:
        line = copy.database_other(found.where, found.detail)
    return Problem(line)


def reason(exc: BaseException) -> str:
    """'Connection refused', 'Name or service not known', 'timed out': short, no traceback."""
    cause = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    text = str(cause).strip().splitlines()
    return text[0][:200] if text else type(cause).__name__


def _quiet_logger() -> logging.Logger:
    """slack_sdk logs a failed call at ERROR; here the one line the admin reads says it all."""
    quiet = logging.getLogger("frontline.preflight.slack")
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
    return quiet


def _client(token: str, api_url: str) -> WebClient:
    client = WebClient(
        token=token, base_url=api_url, timeout=SLACK_TIMEOUT_SECONDS, logger=_quiet_logger()
    )
    client.retry_handlers = []  # one quick answer; the admin reruns after fixing
    return client


def _ask(call: str, token: str, api_url: str) -> tuple[str, str] | None:
    """None when Slack said ok; else (refused, code), (busy, why), (not_slack, status) or
    (unreachable, why)."""
    try:
        _client(token, api_url).api_call(call)
    except SlackApiError as exc:
        status = exc.response.status_code
        data = exc.response.data
        code = str(data.get("error") or "") if isinstance(data, dict) else ""
        if status == 429 or status >= 500:
            return "busy", code or f"HTTP {status}"
        if status != 200:
            return "not_slack", str(status)
        if code in TOKEN_REFUSED:
            return "refused", code
        return "busy", code or "no answer"
    except (OSError, SlackClientError, ValueError) as exc:
        return "unreachable", reason(exc)
    return None


def _slack(call: str, token: str, api_url: str, refused: Callable[[str], str]) -> Problem | None:
    answer = _ask(call, token, api_url)
    if answer is None:
        return None
    kind, detail = answer
    if kind == "refused":
        return Problem(refused(detail))
    if kind == "busy":
        return Problem(copy.slack_busy_at_start(detail), lasting=False, detail=detail)
    if kind == "not_slack":
        return Problem(copy.slack_not_slack(api_url, int(detail)))
    return Problem(copy.slack_unreachable(api_url, detail))


def slack_bot_token(token: str, api_url: str) -> Problem | None:
    """auth.test with the bot token: Slack is reachable and accepts the token."""
    return _slack("auth.test", token, api_url, copy.slack_refused_bot_token)


def slack_app_token(app_token: str, api_url: str) -> Problem | None:
    """apps.connections.open with the app-level token, as Socket Mode will call it."""
    return _slack("apps.connections.open", app_token, api_url, copy.slack_refused_app_token)


def can_listen(host: str, port: int) -> Problem | None:
    """Can this process listen on HOST:PORT? Binds a socket like waitress will, then lets go."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        return bind_problem(exc, host, port)
    return None


def bind_problem(exc: OSError, host: str, port: int) -> Problem:
    """Why binding HOST:PORT failed, for the admin."""
    if exc.errno == errno.EADDRINUSE:
        return Problem(copy.port_in_use(host, port))
    if exc.errno == errno.EACCES:
        return Problem(copy.port_not_permitted(host, port))
    return Problem(copy.host_unusable(host, reason(exc)))


def slack_refusal(exc: SlackApiError) -> str:
    """The error code of a Slack refusal seen later (Socket Mode connecting)."""
    return str(exc.response.get("error") or f"HTTP {exc.response.status_code}")
