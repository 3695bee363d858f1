"""The App Home tab: what is yours, what is free to pick up, what you logged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core import ids
from bot.core.items import is_open
from bot.core.text import inert
from bot.slack import copy
from bot.slack.views.blocks import HEADER_LIMIT, MAX_VIEW_BLOCKS, label, md, pt
from bot.slack.views.card import waiting_line
from storage.models import Item


# --- App Home ----------------------------------------------------------------------------------
def item_line(item: Item, now: datetime, link: str | None = None) -> str:
    ref = ids.item_ref(item.id or 0)
    head = f"<{link}|{ref}>" if link else f"*{ref}*"
    tail = waiting_line(item, now) if is_open(item) else label(copy.STATUS_LABELS, item.status)
    return f"{head} {inert(item.summary, 200)} · {tail}"


HOME_LIST = 30  # items per Home section: 3 sections stay well inside Slack's 100 blocks


@dataclass(frozen=True)
class HomeData:
    """What one person's Home tab shows; the *_total counts say how many exist beyond the lists."""

    owned: Sequence[Item]
    owned_total: int
    waiting: Sequence[Item]  # open, unowned items of the teams the person is in or leads
    waiting_total: int
    logged: Sequence[Item]
    team_names: dict[str, str]
    links: dict[int, str]


def _home_items(
    items: Sequence[Item], total: int, now: datetime, data: HomeData, *, with_team: bool = False
) -> list[Block]:
    blocks: list[Block] = []
    for item in items[:HOME_LIST]:
        line = item_line(item, now, data.links.get(item.id or 0))
        if with_team:
            line += f" · {inert(data.team_names.get(item.team_key, item.team_key), 80)}"
        blocks.append(SectionBlock(text=md(line)))
    shown = min(len(items), HOME_LIST)
    if total > shown:
        blocks.append(ContextBlock(elements=[md(copy.home_more(total - shown))]))
    return blocks


def home_view(data: HomeData, now: datetime) -> dict[str, Any]:
    blocks: list[Block] = [
        HeaderBlock(text=pt(copy.APP_NAME, HEADER_LIMIT)),
        SectionBlock(text=md(copy.HOME_INTRO)),
        ActionsBlock(
            block_id=ids.BLOCK_HOME_ACTIONS,
            elements=[
                ButtonElement(
                    text=pt(copy.HOME_LOG),
                    action_id=ids.ACTION_HOME_LOG,
                    value="log",
                    style="primary",
                ),
            ],
        ),
        DividerBlock(),
        SectionBlock(text=md(copy.HOME_OWNED)),
    ]
    blocks += _home_items(data.owned, data.owned_total, now, data)
    if not data.owned:
        blocks.append(ContextBlock(elements=[md(copy.HOME_NOTHING_OWNED)]))
    blocks += [DividerBlock(), SectionBlock(text=md(copy.HOME_WAITING))]
    blocks += _home_items(data.waiting, data.waiting_total, now, data, with_team=True)
    if not data.waiting:
        blocks.append(ContextBlock(elements=[md(copy.HOME_NOTHING_WAITING)]))
    blocks += [DividerBlock(), SectionBlock(text=md(copy.HOME_LOGGED))]
    blocks += _home_items(data.logged, len(data.logged), now, data)
    if not data.logged:
        blocks.append(ContextBlock(elements=[md(copy.HOME_NOTHING_LOGGED)]))
    dicts = [b.to_dict() for b in blocks][:MAX_VIEW_BLOCKS]
    return View(type="home", blocks=dicts).to_dict()
