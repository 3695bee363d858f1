"""Around the listeners: handle a retried event once, and tell the agent kindly when the
database cannot be reached instead of answering a bare 500.

Malformed payloads never get here: bot/http_guard.py refuses them before Bolt reads them.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient

from bot.core import ids
from bot.services.frontline import Frontline, is_outage
from bot.slack import copy, views
from handlers.payload import team_id

log = logging.getLogger(__name__)

# The field of each form that carries the "not saved" message, so what was typed stays.
OUTAGE_FIELD = {
    ids.VIEW_CAPTURE: ids.BLOCK_SUMMARY,
    ids.VIEW_CUSTOMER_UPDATE: ids.BLOCK_NOTE,
    ids.VIEW_RESOLUTION: ids.BLOCK_NOTE,
    ids.VIEW_REASSIGN: ids.BLOCK_TEAM,
    ids.VIEW_SNOOZE: ids.BLOCK_SNOOZE_AT,
    ids.VIEW_CAPTURE_CUSTOMER: ids.BLOCK_CUSTOMER,
}


def _json(status: int, body: dict[str, Any]) -> BoltResponse:
    return BoltResponse(
        status=status, body=json.dumps(body), headers={"content-type": "application/json"}
    )


def register(app: App, fl: Frontline) -> None:
    @app.middleware
    def once_per_event(body: dict[str, Any], next: Callable[[], None]) -> BoltResponse | None:
        """Slack retries an event it thinks we missed; the first delivery already did the work."""
        if body.get("type") == "event_callback" and body.get("event_id"):
            try:
                first = fl.workspace.first_delivery(str(body["event_id"]), team_id(body))
            except Exception as error:
                if not is_outage(error):
                    raise
                log.warning("database unavailable; Slack will send the event again later")
                return BoltResponse(status=503, body="")
            if not first:
                log.info("event %s delivered again; already handled", body["event_id"])
                return BoltResponse(status=200, body="")
        next()
        return None

    @app.error
    def on_error(
        error: Exception,
        body: dict[str, Any],
        response: BoltResponse | None,
        client: WebClient,
        respond: Respond | None,
    ) -> BoltResponse | None:
        if not is_outage(error):
            log.exception("a Slack listener failed", exc_info=error)
            return None
        log.warning("database unavailable: %s", str(error).splitlines()[0][:200])
        answer = outage_answer(body)
        if response is not None and answer is not None:  # not acked yet: the ack says it
            return answer
        tell_outage(body, client, respond)
        return None


def tells_when_db_down(listener: Callable[..., None]) -> Callable[..., None]:
    """For listeners that ack first, then use the database: an outage after the ack is told to
    the person. (Bolt clears an ack made before a failure, and would answer Slack 404.)"""

    @functools.wraps(listener)  # Bolt reads the wrapped listener's arguments
    def run(**kwargs: Any) -> None:
        try:
            listener(**kwargs)
        except Exception as error:
            ack = kwargs.get("ack")
            if ack is None or ack.response is None or not is_outage(error):
                raise
            log.warning("database unavailable: %s", str(error).splitlines()[0][:200])
            tell_outage(kwargs.get("body") or {}, kwargs.get("client"), kwargs.get("respond"))

    return run


def outage_answer(body: dict[str, Any]) -> BoltResponse | None:
    """The ack that says "not saved" for a slash command or a form; None for other requests."""
    if body.get("command") is not None:
        return _json(200, views.ephemeral(copy.DATABASE_UNAVAILABLE))
    if body.get("type") == "view_submission":
        view = body.get("view") or {}
        field = OUTAGE_FIELD.get(view.get("callback_id", ""))
        if field:
            errors = {field: copy.DATABASE_UNAVAILABLE}
            return _json(200, {"response_action": "errors", "errors": errors})
        notice = views.notice_modal(copy.DATABASE_UNAVAILABLE_TITLE, copy.DATABASE_UNAVAILABLE)
        return _json(200, {"response_action": "update", "view": notice})
    return None


def tell_outage(body: dict[str, Any], client: WebClient | None, respond: Respond | None) -> None:
    """Already acked (a shortcut, a button): a notice modal, else a private reply."""
    try:
        shortcut = body.get("type") in ("message_action", "shortcut")
        if shortcut and client is not None and body.get("trigger_id"):
            notice = views.notice_modal(copy.DATABASE_UNAVAILABLE_TITLE, copy.DATABASE_UNAVAILABLE)
            client.views_open(trigger_id=body["trigger_id"], view=notice)
        elif respond is not None:
            respond(replace_original=False, **views.ephemeral(copy.DATABASE_UNAVAILABLE))
    except Exception as exc:
        log.warning("could not tell the user the database is unavailable: %s", exc)
