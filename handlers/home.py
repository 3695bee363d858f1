"""App Home's own controls: a long list's "more" (and "back to the start"), and the person's
preferences (digest, nudges, away until a date)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.core import ids
from bot.services.frontline import Frontline
from handlers.guard import tells_when_db_down
from handlers.payload import action_value, team_id, user_id

Republish = Callable[[str, str, str], dict[str, Any]]


def republish(body: dict[str, Any], client: WebClient, choose: Republish) -> None:
    """Apply the clicked choice (team id, user, the action's value) and publish Home again."""
    user = user_id(body)
    client.views_publish(user_id=user, view=choose(team_id(body), user, action_value(body)))


def register(app: App, fl: Frontline) -> None:
    @app.action(ids.ACTION_HOME_MORE)
    @tells_when_db_down
    def home_more(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        republish(body, client, lambda team, user, more: fl.home.home(team, user, more=more))

    @app.action(ids.ACTION_HOME_DIGEST)
    @tells_when_db_down
    def pref_digest(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        republish(body, client, fl.preferences.choose_digest)

    @app.action(ids.ACTION_HOME_NUDGES)
    @tells_when_db_down
    def pref_nudges(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        republish(body, client, fl.preferences.choose_nudges)

    @app.action(ids.ACTION_HOME_AWAY)
    @tells_when_db_down
    def pref_away(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        republish(body, client, fl.preferences.choose_away)

    @app.action(ids.ACTION_HOME_BACK)
    @tells_when_db_down
    def pref_back(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        republish(body, client, lambda team, user, _: fl.preferences.choose_away(team, user, None))
