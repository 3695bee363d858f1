"""Events API listeners."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.services.frontline import Frontline
from handlers.payload import team_id


def register(app: App, fl: Frontline) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user = event["user"]
        client.views_publish(user_id=user, view=fl.home.home(body.get("team_id", ""), user))

    @app.event("reaction_added")
    def reaction_added(event: dict[str, Any], body: dict[str, Any]) -> None:
        # acked at once; reading the message and logging it happen after (Slack waits 3 s)
        fl.after_ack(fl.reactions.reaction_added, team_id(body), event)

    @app.event("app_mention")
    def app_mention(event: dict[str, Any], body: dict[str, Any]) -> None:
        fl.after_ack(fl.reactions.mentioned, team_id(body), event)
