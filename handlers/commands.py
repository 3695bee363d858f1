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
from bot.services.preferences import looks_like_day
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
                form = fl.capture.blank_form(body.get("channel_id"))  # the channel's customer
                client.views_open(
                    trigger_id=body["trigger_id"], view=views.capture_modal(fl.config, form)
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
        # only these exact forms: anything else starting with "away" is feedback
        away = re.fullmatch(r"away\s+until\s+(\S+)", text, flags=re.IGNORECASE)
        if (away and looks_like_day(away.group(1))) or word in ("away off", "back"):
            until = away.group(1) if away else "off"
            ack(**views.ephemeral(fl.preferences.away_command(team_id(body), user_id(body), until)))
            return
        if word == "away":
            ack(**views.ephemeral(copy.AWAY_USAGE))
            return
        wanted = re.fullmatch(r"search(?:\s+(.*))?", text, flags=re.IGNORECASE | re.DOTALL)
        if wanted:  # the best matches across every team, for the caller only
            words = (wanted.group(1) or "").strip()
            if not words:
                ack(**views.ephemeral(copy.SEARCH_USAGE))
                return
            ack(**fl.search.reply(team_id(body), words))
            return
        if word == "export":  # a lead's CSV of the last 90 days, in their DM
            if not fl.exports.led_by(user_id(body)):
                ack(**views.ephemeral(copy.EXPORT_FOR_LEADS))
                return
            ack(**views.ephemeral(copy.EXPORT_ON_ITS_WAY))
            fl.after_ack(send_export, fl, body, respond)
            return
        result = fl.capture.capture_command(
            text,
            team_id=team_id(body),
            user_id=user_id(body),
            client_key=f"cmd:{body.get('trigger_id') or body.get('response_url')}",
            channel=body.get("channel_id"),
        )
        ack(**views.ephemeral(result.text))
        if result.captured is not None:
            fl.after_ack(tell_where_it_went, fl, result.captured, respond)


def tell_where_it_went(fl: Frontline, captured: Captured, respond: Respond) -> None:
    """Post the card, then tell the agent where it is (or, honestly, that it is pending)."""
    reply = fl.capture.tell_where_it_went(captured)  # with up to 3 similar items to merge into
    try:
        respond(replace_original=True, **reply)
    except Exception:
        log.warning("could not answer %s through response_url", captured.ref)


def send_export(fl: Frontline, body: dict[str, Any], respond: Respond) -> None:
    """Build the lead's CSV and send it to their DM; say so when it could not be built."""
    try:
        key = str(body.get("trigger_id") or body.get("response_url"))
        fl.exports.send_to_lead(team_id=team_id(body), user=user_id(body), request_key=key)
    except Exception:
        log.exception("could not build the export")
        try:
            respond(replace_original=True, **views.ephemeral(copy.EXPORT_NOT_BUILT))
        except Exception:
            log.warning("could not answer the export request through response_url")
