"""Logging a Slack message someone reacted to (or a thread's first message, from a mention).

Pure rules: which reactions count, which messages can be logged, and the draft a message
becomes. Reading Slack and storing are the service's (bot/services/reactions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.capture.intake import SUMMARY_MAX, Draft
from bot.core.config import FrontlineConfig
from bot.core.text import is_blank, readable, truncate, visible_or_empty
from bot.slack import copy

# Slack errors that mean the bot cannot read the message: it is not in the channel, the
# channel is gone or private to it, or the message was deleted.
UNREADABLE = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "thread_not_found",
        "message_not_found",
        "missing_scope",
        "not_allowed_token_type",
        "method_not_supported_for_channel_type",
    }
)
DETAILS_MAX = 40_000  # Slack's own message limit: the whole text fits


@dataclass(frozen=True)
class Target:
    """The message a reaction (or a mention's button) points at."""

    team_id: str
    channel: str
    ts: str
    user: str  # who reacted or clicked: the reporter

    @property
    def client_key(self) -> str:
        """Once per message, whoever asks and however often."""
        return f"reaction:{self.channel}:{self.ts}"


def counts(reaction: str, config: FrontlineConfig) -> bool:
    """Is this one of `capture.reactions`? Skin tones ("memo::skin-tone-2") count as the emoji."""
    name = reaction.split("::", 1)[0].strip(":").lower()
    return name in config.capture.reactions


def target_of(event: dict[str, Any], team_id: str) -> Target | None:
    """A reaction_added event's message, or None when the reaction is on a file or the like."""
    item = event.get("item") or {}
    if item.get("type") != "message" or not item.get("channel") or not item.get("ts"):
        return None
    return Target(team_id, str(item["channel"]), str(item["ts"]), str(event.get("user") or ""))


def is_dm(channel: str) -> bool:
    """Direct messages have ids starting with D (group DMs are G… and read like channels)."""
    return channel.startswith("D")


def refusal(message: dict[str, Any]) -> str | None:
    """Why this message cannot be logged (told to the reactor), or None when it can."""
    if message.get("bot_id") or message.get("subtype") == "bot_message":
        return copy.REACTION_BOT_MESSAGE
    if is_blank(visible_or_empty(readable(str(message.get("text") or "")))):
        return copy.REACTION_NO_TEXT
    return None


def draft_of(message: dict[str, Any], channel: str, ts: str, permalink: str | None) -> Draft:
    """The message's first line as the summary, all of it as details (when longer)."""
    text = visible_or_empty(readable(str(message.get("text") or ""))).strip()
    first = next((line.strip() for line in text.splitlines() if not is_blank(line)), "")
    summary = truncate(first, SUMMARY_MAX)
    details = truncate(text, DETAILS_MAX) if text != summary else ""
    return Draft(
        summary=summary,
        details=details,
        source_channel=channel,
        source_ts=ts,
        source_permalink=permalink,
        capture_channel=channel,
    )
