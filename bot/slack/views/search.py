"""`/feedback search` answer: one section per match, within Slack's message limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, SectionBlock

from bot.core.text import inert
from bot.slack import copy
from bot.slack.views.blocks import MAX_MESSAGE_BLOCKS, md, to_dicts

SEARCH_SUMMARY_LIMIT = 200
SEARCH_QUERY_LIMIT = 100
SEARCH_TEAM_LIMIT = 80


@dataclass(frozen=True)
class SearchLine:
    """One match, as the answer shows it (raw user text: the view makes it inert)."""

    ref: str
    summary: str
    team_name: str
    status_label: str
    customers: int
    age_days: int
    card_permalink: str | None


def _line(match: SearchLine) -> str:
    ref = f"*<{match.card_permalink}|{match.ref}>*" if match.card_permalink else f"*{match.ref}*"
    facts = [
        inert(match.team_name, SEARCH_TEAM_LIMIT),
        match.status_label,
        copy.search_customers(match.customers),
        copy.search_age(match.age_days),
    ]
    if not match.card_permalink:
        facts.append(copy.SEARCH_NO_CARD)
    return f"{ref} · {inert(match.summary, SEARCH_SUMMARY_LIMIT)}\n" + " · ".join(facts)


def _not_feedback() -> ContextBlock:
    return ContextBlock(elements=[md(copy.SEARCH_NOT_FEEDBACK)])


def search_reply(query: str, matches: Sequence[SearchLine]) -> dict[str, Any]:
    """The ephemeral answer: the best matches first, or a friendly word when there is none."""
    query_md = inert(" ".join(query.split()), SEARCH_QUERY_LIMIT)
    if not matches:
        text = copy.search_nothing(query_md)
        return {
            "response_type": "ephemeral",
            "text": text,
            "blocks": to_dicts([SectionBlock(text=md(text)), _not_feedback()]),
        }
    header = copy.search_header(query_md, len(matches))
    blocks: list[Block] = [SectionBlock(text=md(header)), DividerBlock()]
    shown = matches[: MAX_MESSAGE_BLOCKS - 3]
    blocks += [SectionBlock(text=md(_line(match))) for match in shown]
    blocks.append(_not_feedback())
    return {"response_type": "ephemeral", "text": header, "blocks": to_dicts(blocks)}
