"""A team's card for one item, the thread reply with its full text, and its history lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    SectionBlock,
)

from bot.core import ids
from bot.core.config import Team
from bot.core.items import is_open, is_resolved
from bot.core.text import escape, inert
from bot.schedule.clock import format_duration
from bot.slack import copy
from bot.slack.views.blocks import (
    HEADER_LIMIT,
    SECTION_LIMIT,
    label,
    md,
    mention,
    pt,
    to_dicts,
    user_pt,
)
from bot.slack.views.merge import Quote, customers_blocks, merged_context
from storage.models import Item
from storage.values import ItemStatus


@dataclass(frozen=True)
class CardContext:
    """What a card shows besides the item: the team, where it moved, and the clock."""

    team: Team
    now: datetime
    moved_to: Team | None = None
    moved_link: str | None = None
    # several customers: the latest quotes, newest first; merged: the target's card link
    quotes: tuple[Quote, ...] = ()
    merged_link: str | None = None


LEGACY_SCORE = re.compile(r" \(score \d+\)")


def shown_reason(reason: str) -> str:
    """Items logged before reasons were plain words carry "(score 91)": agents see no scores."""
    return LEGACY_SCORE.sub("", reason)


CHANNEL_REF = re.compile(r"&lt;#([CG][A-Z0-9]+)&gt;")


def reason_md(reason: str, limit: int) -> str:
    """The routing reason as mrkdwn: escaped, except a channel it names ("Logged in <#C…>"),
    which Slack shows as the channel's name."""
    return CHANNEL_REF.sub(r"<#\1>", inert(shown_reason(reason), limit))


def waiting_line(item: Item, now: datetime) -> str:
    waited = format_duration(now - item.informed_at)
    overdue = now >= item.due_at
    due = format_duration(item.due_at - now)
    return copy.card_waiting(waited, due, overdue)


def card_blocks(item: Item, ctx: CardContext) -> list[dict[str, Any]]:
    ref = ids.item_ref(item.id or 0)
    blocks: list[Block] = [
        HeaderBlock(text=user_pt(copy.card_title(ref, item.summary), HEADER_LIMIT))
    ]
    if item.details:
        blocks.append(SectionBlock(text=md(inert(item.details, SECTION_LIMIT))))
    status = label(copy.STATUS_LABELS, item.status)
    fields = [
        md(f"*{copy.CARD_FIELDS['customer']}*\n{inert(item.customer, 200) or '—'}"),
        md(f"*{copy.CARD_FIELDS['kind']}*\n{label(copy.KIND_LABELS, item.kind)}"),
        md(f"*{copy.CARD_FIELDS['urgency']}*\n{label(copy.URGENCY_LABELS, item.urgency)}"),
        md(f"*{copy.CARD_FIELDS['status']}*\n{status}"),
        md(f"*{copy.CARD_FIELDS['reporter']}*\n{mention(item.reporter_id)}"),
        md(f"*{copy.CARD_FIELDS['owner']}*\n{mention(item.owner_id)}"),
        md(f"*{copy.CARD_FIELDS['age']}*\n{format_duration(ctx.now - item.created_at)}"),
        md(f"*{copy.CARD_FIELDS['team']}*\n{inert(ctx.team.name, 80)}"),
    ]
    blocks.append(SectionBlock(fields=fields))
    if len(ctx.quotes) > 1:
        blocks += customers_blocks(item.customers, ctx.quotes)
    context = []
    if ctx.moved_to is not None:
        context.append(md(copy.card_moved(inert(ctx.moved_to.name, 80), ctx.moved_link)))
    elif item.status == ItemStatus.MERGED:
        context.append(md(merged_context(item.merged_into_id or 0, ctx.merged_link)))
    elif is_open(item):
        context.append(md(waiting_line(item, ctx.now)))
    if item.routing_reason:
        context.append(md(reason_md(item.routing_reason, 500)))
    if item.source_permalink:
        context.append(md(copy.card_from_conversation(item.source_permalink)))
    if needs_full_text(item):
        context.append(md(copy.CARD_FULL_TEXT_IN_THREAD))
    blocks.append(ContextBlock(elements=context or [md(" ")]))
    if ctx.moved_to is not None or item.status in (ItemStatus.MERGED, ItemStatus.WITHDRAWN):
        return to_dicts(blocks)
    if is_resolved(item):
        outcome = label(copy.OUTCOME_LABELS, item.outcome or "")
        text = copy.card_resolved(outcome, mention(item.owner_id))
        if item.rule_outcome:
            rule = label(copy.RULE_OUTCOME_LABELS, item.rule_outcome)
            text += "\n" + copy.rule_outcome_line(rule, "")
        if item.resolution_note:
            text += "\n>" + inert(item.resolution_note, SECTION_LIMIT - 200).replace("\n", "\n>")
        blocks.append(SectionBlock(text=md(text)))
        return to_dicts(blocks)
    value = ref
    buttons = [
        ButtonElement(
            text=pt(copy.CARD_TAKE), action_id=ids.ACTION_TAKE, value=value, style="primary"
        ),
        ButtonElement(
            text=pt(copy.CARD_CUSTOMER_UPDATED), action_id=ids.ACTION_CUSTOMER_UPDATED, value=value
        ),
        ButtonElement(text=pt(copy.CARD_REASSIGN), action_id=ids.ACTION_REASSIGN, value=value),
        ButtonElement(text=pt(copy.CARD_RESOLVE), action_id=ids.ACTION_RESOLVE, value=value),
        ButtonElement(text=pt(copy.CARD_MERGE), action_id=ids.ACTION_MERGE, value=value),
    ]
    if item.owner_id:  # someone has it: the first button becomes a quieter "Take over"
        buttons[0] = ButtonElement(
            text=pt(copy.CARD_TAKE_OVER), action_id=ids.ACTION_TAKE, value=value
        )
    blocks.append(ActionsBlock(block_id=ids.BLOCK_CARD_ACTIONS, elements=buttons))
    return to_dicts(blocks)


CARD_CUSTOMER_LIMIT = 200


def needs_full_text(item: Item) -> bool:
    """The card shows details and customer trimmed to Block Kit's limits; past them, the whole
    text goes to the card's thread."""
    return len(escape(item.details)) > SECTION_LIMIT or len(escape(item.customer)) > (
        CARD_CUSTOMER_LIMIT
    )


def chunks(text: str, size: int = SECTION_LIMIT) -> list[str]:
    """Escaped text in pieces of at most `size`, cut at a line break or space where one is near,
    never inside an entity like &amp;. Joined, the pieces are the whole escaped text."""
    rest, out = escape(text), []
    while len(rest) > size:
        cut = max(rest.rfind("\n", size // 2, size), rest.rfind(" ", size // 2, size))
        if cut <= 0:
            cut = size
        amp = rest.rfind("&", cut - 5, cut)
        if amp != -1 and ";" not in rest[amp:cut]:
            cut = amp
        out.append(rest[:cut])
        rest = rest[cut:]
    if rest:
        out.append(rest)
    return out


def full_text_blocks(item: Item) -> list[dict[str, Any]]:
    """A thread reply with everything the card had to trim, word for word."""
    blocks: list[Block] = [SectionBlock(text=md(copy.full_text_intro(ids.item_ref(item.id or 0))))]
    for heading, text in (
        (copy.FULL_TEXT_DETAILS, item.details),
        (copy.FULL_TEXT_CUSTOMER, item.customer),
    ):
        if text:
            blocks.append(SectionBlock(text=md(heading)))
            blocks += [SectionBlock(text=md(piece)) for piece in chunks(text)]
    return to_dicts(blocks)


def full_text_fallback(item: Item) -> str:
    return copy.full_text_fallback(ids.item_ref(item.id or 0))


def card_text(item: Item) -> str:
    return inert(copy.card_fallback(ids.item_ref(item.id or 0), item.summary), 300)
