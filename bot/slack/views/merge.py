"""Views for one request with many customers: the merge form, the card's customers and quotes,
the thread note with its undo button, and the suggestions after a capture."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core import ids
from bot.core.text import inert
from bot.slack import copy
from bot.slack.views.blocks import SECTION_LIMIT, md, mention, pt, to_dicts, user_pt

__all__ = [
    "CARD_QUOTES",
    "MAX_OPTIONS",
    "Candidate",
    "Quote",
    "Suggestion",
    "customers_blocks",
    "merge_modal",
    "merge_note_blocks",
    "merged_context",
    "parse_suggestion_value",
    "suggestion_blocks",
    "suggestion_value",
]

MAX_OPTIONS = 100  # Slack's limit for a static_select
OPTION_TEXT_LIMIT = 75  # Slack's limit for an option's text
CARD_QUOTES = 3
QUOTE_LIMIT = 300


@dataclass(frozen=True)
class Quote:
    """One customer's words as the card shows them (raw text: escaped when rendered)."""

    customer: str
    quote: str
    agent_id: str


@dataclass(frozen=True)
class Candidate:
    """An open item the form offers as the merge target."""

    item_id: int
    summary: str
    customers: int


@dataclass(frozen=True)
class Suggestion:
    """A similar open item shown after a capture (raw summary: escaped when rendered)."""

    item_id: int
    summary: str
    customers: int
    link: str | None = None


def customers_blocks(customers: int, quotes: Sequence[Quote]) -> list[Block]:
    """The card's customer count and latest quotes, each inert and trimmed."""
    lines = [copy.card_customers(copy.customers_count(customers))]
    for q in quotes[:CARD_QUOTES]:
        quote = inert(" ".join(q.quote.split()), QUOTE_LIMIT)
        lines.append(copy.card_quote(quote, inert(q.customer, 80), mention(q.agent_id)))
    text = "\n".join(lines)
    return [SectionBlock(text=md(text[:SECTION_LIMIT]))]


def merged_context(target_id: int, link: str | None) -> str:
    return copy.card_merged_into(ids.item_ref(target_id), link)


def merge_modal(item_id: int, summary: str, candidates: Sequence[Candidate]) -> dict[str, Any]:
    """Pick the target from the team's open items (most customers first) or type its id."""
    ref = ids.item_ref(item_id)
    blocks: list[Block] = [
        SectionBlock(text=md(f"*{ref}* {inert(summary, 300)}")),
        ContextBlock(elements=[md(copy.MERGE_INTRO)]),
    ]
    options = [
        Option(
            value=ids.item_ref(c.item_id),
            text=user_pt(
                copy.merge_option(
                    ids.item_ref(c.item_id),
                    " ".join(c.summary.split()),
                    copy.customers_count(c.customers),
                ),
                OPTION_TEXT_LIMIT,
            ),
        )
        for c in candidates[:MAX_OPTIONS]
    ]
    if options:
        blocks.append(
            InputBlock(
                block_id=ids.BLOCK_MERGE_PICK,
                label=pt(copy.MERGE_PICK),
                optional=True,
                element=StaticSelectElement(
                    action_id="target",
                    placeholder=pt(copy.MERGE_PICK_PLACEHOLDER),
                    options=options,
                ),
            )
        )
    else:
        blocks.append(ContextBlock(elements=[md(copy.NO_MERGE_CANDIDATES)]))
    blocks.append(
        InputBlock(
            block_id=ids.BLOCK_MERGE_REF,
            label=pt(copy.MERGE_REF),
            optional=True,
            element=PlainTextInputElement(action_id="ref", max_length=20),
            hint=pt(copy.MERGE_REF_HINT, 150),
        )
    )
    return View(
        type="modal",
        callback_id=ids.MERGE_MODAL_CALLBACK,
        title=pt(copy.MERGE_TITLE, 24),
        submit=pt(copy.MERGE_SUBMIT, 24),
        close=pt(copy.CANCEL, 24),
        blocks=blocks,
        private_metadata=json.dumps({"item": item_id}),
    ).to_dict()


def merge_note_blocks(text_md: str, event_id: int, *, undone: bool) -> list[dict[str, Any]]:
    """The merge's line in the target card's thread: with its undo button while it stands."""
    if undone:
        return to_dicts([SectionBlock(text=md(copy.merge_note_undone(text_md)))])
    return to_dicts(
        [
            SectionBlock(text=md(text_md)),
            ActionsBlock(
                block_id=ids.BLOCK_MERGE_NOTE,
                elements=[
                    ButtonElement(
                        text=pt(copy.UNDO_BUTTON),
                        action_id=ids.ACTION_MERGE_UNDO,
                        value=str(event_id),
                    )
                ],
            ),
        ]
    )


def suggestion_value(source_id: int, target_id: int) -> str:
    return f"{ids.item_ref(source_id)}>{ids.item_ref(target_id)}"


def parse_suggestion_value(value: str) -> tuple[int | None, int | None]:
    source, _, target = value.partition(">")
    return ids.parse_item_ref(source), ids.parse_item_ref(target)


def suggestion_blocks(
    head_md: str, source_id: int, suggestions: Sequence[Suggestion]
) -> list[dict[str, Any]]:
    """The capture's reply, then up to 3 similar items, each with its merge button."""
    blocks: list[Block] = [SectionBlock(text=md(head_md))]
    if suggestions:
        blocks.append(ContextBlock(elements=[md(copy.SUGGESTIONS_INTRO)]))
    for s in suggestions[:3]:
        target = ids.item_ref(s.item_id)
        text = copy.suggestion(
            target, copy.customers_count(s.customers), inert(s.summary, 200), s.link
        )
        blocks.append(
            SectionBlock(
                block_id=f"{ids.BLOCK_MERGE_SUGGESTION}:{s.item_id}",
                text=md(text),
                accessory=ButtonElement(
                    text=pt(copy.suggestion_button(target)),
                    action_id=ids.ACTION_MERGE_SUGGESTED,
                    value=suggestion_value(source_id, s.item_id),
                ),
            )
        )
    return to_dicts(blocks)
