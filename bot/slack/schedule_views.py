"""Block Kit for what jobs post: nudges, escalations, digests, tips. Pure builders, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    Option,
    SectionBlock,
    StaticSelectElement,
)

from bot.core import ids
from bot.core.config import Team
from bot.core.text import inert
from bot.schedule.clock import format_duration
from bot.schedule.tip_library import Tip
from bot.slack import copy
from bot.slack.views import HEADER_LIMIT, day_text, md, mention, pt, to_dicts
from storage.models import Item

ITEMS_PER_NUDGE = 20  # 2 blocks an item + header/intro/overflow stays under Slack's 50


def nudge_item_text(item: Item, now: datetime) -> str:
    overdue = now >= item.due_at
    return copy.nudge_line(
        ids.item_ref(item.id or 0),
        inert(item.customer, 100),
        format_duration(now - item.informed_at),
        inert(item.summary, 200),
        format_duration(item.due_at - now),
        overdue,
    )


def snooze_options(ref: str) -> list[Option]:
    return [
        Option(value=f"{ref}|1h", text=pt(copy.SNOOZE_1H)),
        Option(value=f"{ref}|tomorrow", text=pt(copy.SNOOZE_TOMORROW)),
        Option(value=f"{ref}|pick", text=pt(copy.SNOOZE_PICK)),
    ]


def nudge_blocks(
    items: Sequence[Item],
    now: datetime,
    *,
    to_channel: bool,
    away: tuple[str, date | None] | None = None,
) -> list[dict[str, Any]]:
    """`away`: (owner, back on) when these come to the team's channel because the owner is away."""
    blocks: list[Block] = [HeaderBlock(text=pt(copy.NUDGE_HEADER, HEADER_LIMIT))]
    if away is not None:
        owner, back_on = away
        back = day_text(back_on) if back_on else "?"
        blocks.append(ContextBlock(elements=[md(copy.nudge_owner_away(mention(owner), back))]))
    elif to_channel:
        blocks.append(ContextBlock(elements=[md(copy.NUDGE_CHANNEL_INTRO)]))
    for item in items[:ITEMS_PER_NUDGE]:
        ref = ids.item_ref(item.id or 0)
        blocks.append(SectionBlock(text=md(nudge_item_text(item, now))))
        elements: list[Any] = [
            ButtonElement(
                text=pt(copy.NUDGE_UPDATE),
                action_id=ids.ACTION_CUSTOMER_UPDATED,
                value=ref,
                style="primary",
            ),
            StaticSelectElement(
                action_id=ids.ACTION_SNOOZE,
                placeholder=pt(copy.NUDGE_SNOOZE),
                options=snooze_options(ref),
            ),
        ]
        if item.card_permalink:
            elements.append(
                ButtonElement(
                    text=pt(copy.CARD_OPEN),
                    action_id=ids.ACTION_OPEN_CARD,
                    url=item.card_permalink,
                    value=ref,
                )
            )
        blocks.append(ActionsBlock(block_id=f"{ids.BLOCK_NUDGE_ITEM}:{item.id}", elements=elements))
    if len(items) > ITEMS_PER_NUDGE:
        more = copy.more_items if to_channel else copy.more_owned
        blocks.append(ContextBlock(elements=[md(more(len(items) - ITEMS_PER_NUDGE))]))
    return to_dicts(blocks)


def escalation_blocks(item: Item, team: Team, now: datetime) -> list[dict[str, Any]]:
    text = copy.escalation(
        ids.item_ref(item.id or 0),
        inert(team.name, 80),
        inert(item.customer, 100),
        format_duration(now - item.informed_at),
        mention(item.owner_id),
        inert(item.summary, 200),
        item.card_permalink,
    )
    return to_dicts([SectionBlock(text=md(text))])


def tip_blocks(tip: Tip) -> list[dict[str, Any]]:
    return to_dicts(
        [
            SectionBlock(text=md(copy.tip_text(inert(tip.title, 100), inert(tip.body, 1000)))),
            ContextBlock(elements=[md(f"{copy.TIP_HEADER} · {tip.theme.replace('_', ' ')}")]),
        ]
    )


@dataclass(frozen=True)
class TeamSummary:
    team: Team
    open: int
    overdue: int
    median_wait: str


@dataclass(frozen=True)
class Moved:
    item: Item
    what: str  # bot-built mrkdwn


def digest_blocks(
    due_today: Sequence[Item],
    moved: Sequence[Moved],
    teams: Sequence[TeamSummary],
    tip: Tip,
    now: datetime,
    *,
    show_due: bool,
) -> list[dict[str, Any]]:
    blocks: list[Block] = [HeaderBlock(text=pt(copy.DIGEST_HEADER, HEADER_LIMIT))]
    if show_due:
        blocks.append(SectionBlock(text=md(copy.DIGEST_DUE_TODAY)))
        for item in due_today[:15]:
            blocks.append(SectionBlock(text=md(nudge_item_text(item, now))))
        if len(due_today) > 15:
            blocks.append(ContextBlock(elements=[md(copy.more_due_today(len(due_today) - 15))]))
        if not due_today:
            blocks.append(ContextBlock(elements=[md(copy.DIGEST_NOTHING_DUE)]))
    if moved:
        blocks.append(SectionBlock(text=md(copy.DIGEST_MOVED)))
        lines = [
            copy.digest_moved(ids.item_ref(m.item.id or 0), inert(m.item.summary, 150), m.what)
            for m in moved[:15]
        ]
        blocks.append(SectionBlock(text=md("\n".join(lines))))
    if teams:
        lines = [
            copy.digest_team(inert(s.team.name, 80), s.open, s.overdue, s.median_wait)
            for s in teams
        ]
        blocks += [SectionBlock(text=md(copy.DIGEST_TEAM)), SectionBlock(text=md("\n".join(lines)))]
    tip_md = copy.tip_text(inert(tip.title, 100), inert(tip.body, 1000))
    blocks += [DividerBlock(), SectionBlock(text=md(f"*{copy.TIP_HEADER}:* {tip_md}"))]
    return to_dicts(blocks)
