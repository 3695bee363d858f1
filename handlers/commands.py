"""The /feedback slash command."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.capture.intake import Captured
from bot.core import ids
from bot.core.text import is_blank
from bot.services.frontline import Frontline
from bot.slack import copy, views
from handlers.payload import team_id, user_id

log = logging.getLogger(__name__)


def register(app: App, fl: Frontline) -> None:
    @app.command(ids.COMMAND)
    def feedback(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = (body.get("text") or "").strip()
        word = text.lower()
        if is_blank(text):  # nothing visible (spaces, zero-width characters): the form opens
            try:
                client.views_open(
                    trigger_id=body["trigger_id"], view=views.capture_modal(fl.config)
                )
                ack()
            except Exception:
                log.exception("could not open the capture modal")
                ack(**views.ephemeral(copy.SOMETHING_WENT_WRONG))
            return
        if word in ("help", "?"):
            ack(**views.ephemeral(fl.home.help_text()))
            return
        page = re.fullmatch(r"teams(?:\s+(\d{1,3}))?", word)  # "teams 2": the second page
        if page:
            ack(**fl.home.teams_reply(int(page.group(1) or 1)))
            return
        if word == "tip":
            ack(**views.ephemeral(fl.home.tip_today_text()))
            return
        if word in ("digest on", "digest off"):
            on = word == "digest on"
            ack(**views.ephemeral(fl.home.set_digest(team_id(body), user_id(body), on)))
            return
        if word == "digest":  # anything longer is feedback ("digest emails fail for Acme")
            ack(**views.ephemeral(copy.DIGEST_USAGE))
            return
        result = fl.capture.capture_command(
            text,
            team_id=team_id(body),
            user_id=user_id(body),
            client_key=f"cmd:{body.get('trigger_id') or body.get('response_url')}",
        )
        ack(**views.ephemeral(result.text))
        if result.captured is not None:
            fl.after_ack(tell_where_it_went, fl, result.captured, respond)


def tell_where_it_went(fl: Frontline, captured: Captured, respond: Respond) -> None:
    """Post the card, then tell the agent where it is (or, honestly, that it is pending)."""
    text = fl.capture.tell_where_it_went(captured)
    try:
        respond(replace_original=True, **views.ephemeral(text))
    except Exception:
        log.warning("could not answer %s through response_url", captured.ref)
