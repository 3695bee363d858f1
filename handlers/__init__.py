"""Slack listeners, split by kind. Each reads the request, calls the domain, renders the answer."""

from __future__ import annotations

from slack_bolt import App

from bot.services.frontline import Frontline
from handlers import (
    actions,
    commands,
    events,
    guard,
    home,
    merge,
    reactions,
    shortcuts,
    submissions,
)


def register(app: App, frontline: Frontline) -> None:
    guard.register(app, frontline)  # first: its middleware sees every request
    commands.register(app, frontline)
    shortcuts.register(app, frontline)
    actions.register(app, frontline)
    submissions.register(app, frontline)
    events.register(app, frontline)
    merge.register(app, frontline)
    home.register(app, frontline)
    reactions.register(app, frontline)
