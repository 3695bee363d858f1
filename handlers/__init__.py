"""Slack listeners, split by kind. Each reads the request, calls the domain, renders the answer."""

from __future__ import annotations

from slack_bolt import App

from bot.frontline import Frontline
from handlers import actions, commands, events, shortcuts, submissions


def register(app: App, frontline: Frontline) -> None:
    commands.register(app, frontline)
    shortcuts.register(app, frontline)
    actions.register(app, frontline)
    submissions.register(app, frontline)
    events.register(app, frontline)
