"""Message and slash-command reply bodies: one section of text, the `/feedback teams` pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, SectionBlock

from bot.slack import copy
from bot.slack.views.blocks import SECTION_LIMIT, md, to_dicts


def text_blocks(text_md: str) -> list[dict[str, Any]]:
    """One section of bot-built mrkdwn (user parts already escaped by the caller)."""
    return to_dicts([SectionBlock(text=md(text_md))])


def teams_reply(lines: Sequence[str], page: int, pages: int) -> dict[str, Any]:
    """One page of `/feedback teams`: lines packed whole into sections of at most 3000 chars."""
    blocks: list[Block] = [SectionBlock(text=md(copy.TEAMS_HEADER))]
    chunk = ""
    for line in lines:
        if chunk and len(chunk) + 1 + len(line) > SECTION_LIMIT:
            blocks.append(SectionBlock(text=md(chunk)))
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        blocks.append(SectionBlock(text=md(chunk)))
    text = copy.TEAMS_HEADER
    if pages > 1:
        page_line = copy.teams_page(page, pages)
        blocks.append(ContextBlock(elements=[md(page_line)]))
        text = f"{text} · {page_line}"
    return {"response_type": "ephemeral", "text": text, "blocks": to_dicts(blocks)}


def ephemeral(text_md: str) -> dict[str, Any]:
    """An ack body for slash commands: visible to the caller only."""
    return {
        "response_type": "ephemeral",
        "text": text_md[:SECTION_LIMIT],
        "blocks": text_blocks(text_md),
    }
