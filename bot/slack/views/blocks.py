"""Block Kit primitives every builder shares: Slack's limits, text objects, labels, mentions.

Built with slack_sdk.models so most limits are checked; user text goes through bot.core.text
first (escaped for mrkdwn, truncated with an ellipsis), and messages are capped at 50 blocks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, TypeVar

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, PlainTextObject

from bot.core.text import plain
from bot.slack import copy

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_LIMIT = 3000
HEADER_LIMIT = 150

Value = TypeVar("Value", bound=StrEnum)


def md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text[:SECTION_LIMIT], verbatim=True)


def pt(text: str, limit: int = 75) -> PlainTextObject:
    return PlainTextObject(text=plain(text, limit), emoji=True)


def user_pt(text: str, limit: int) -> PlainTextObject:
    """User text in plain_text: emoji off so ':smile:' stays as typed."""
    return PlainTextObject(text=plain(text, limit), emoji=False)


def label(labels: Mapping[Value, str], stored: str, unknown: str | None = None) -> str:
    """The label copy gives a stored value (a plain string, equal to its enum member); a value
    without a label shows as stored, or as `unknown` when given."""
    found = next((text for value, text in labels.items() if value == stored), None)
    if found is not None:
        return found
    return stored if unknown is None else unknown


def mention(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id else copy.NOBODY


def to_dicts(blocks: Sequence[Block], limit: int = MAX_MESSAGE_BLOCKS) -> list[dict[str, Any]]:
    """Slack refuses more than 50 blocks in a message; keep the head and say what was cut."""
    out = [b.to_dict() for b in blocks]
    if len(out) > limit:
        out = [*out[: limit - 1], ContextBlock(elements=[md("…")]).to_dict()]
    return out
