"""The App Home tab: what needs the person now. Their own items, their teams' queue (overdue,
due soon, free to pick up, this week's top asks) and what they logged, each list a page at a time.

Budget: the fixed blocks, every list's heading, its rows and its one button stay under Slack's
100 blocks per view with every list at its largest page (HOME_BLOCK_BUDGET, checked by a unit
test); each row is one section far below 3000 characters, each button value a few dozen.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core import ids
from bot.core.items import is_open
from bot.core.text import inert
from bot.schedule.clock import format_duration
from bot.slack import copy
from bot.slack.views.blocks import HEADER_LIMIT, MAX_VIEW_BLOCKS, label, md, mention, pt
from storage.models import Item, ItemEvent
from storage.values import DigestMode, ItemStatus, NudgeMode


class HomeSection(StrEnum):
    """The lists on App Home; the key a "more" button's value starts with."""

    OWNED = "owned"
    OVERDUE = "overdue"
    DUE_SOON = "soon"
    UNOWNED = "free"
    TOP_ASKS = "asks"
    LOGGED = "logged"


# rows per page of each list
HOME_PAGE = {
    HomeSection.OWNED: 10,
    HomeSection.OVERDUE: 10,
    HomeSection.DUE_SOON: 10,
    HomeSection.UNOWNED: 10,
    HomeSection.TOP_ASKS: 5,
    HomeSection.LOGGED: 10,
}
SUMMARY_SHOWN = 120
TEAM_NAME_SHOWN = 80
# preferences: divider, heading, notice, digest, nudges, away, "I'm back", escalations line
PREFS_BLOCKS = 8
# header, intro, log button; per list: divider or not, heading, rows or one empty line, a button;
# the team queue's own heading and divider; the preferences
HOME_BLOCK_BUDGET = 3 + sum(3 + rows for rows in HOME_PAGE.values()) + 2 + PREFS_BLOCKS
assert HOME_BLOCK_BUDGET <= MAX_VIEW_BLOCKS


@dataclass(frozen=True)
class HomeList:
    """One page of one list: rows first..first+len(rows)-1 of `total`, and the buttons' values."""

    section: HomeSection
    title: str  # mrkdwn, from copy
    empty: str  # what an empty list says, from copy
    rows: Sequence[Item] = ()
    first: int = 1
    total: int = 0
    more: str | None = None  # the "more" button's value when rows follow
    back: str | None = None  # on a later page with nothing after it: back to the first page


@dataclass(frozen=True)
class HomePrefs:
    """The person's choices as App Home shows them; `away_until` only while they are away."""

    digest: str = DigestMode.NEEDED
    nudges: str = NudgeMode.EACH
    away_until: date | None = None
    notice: str | None = None  # what the last change said


@dataclass(frozen=True)
class HomeData:
    """What one person's Home tab shows. `queue` is empty for someone in no team."""

    owned: HomeList
    logged: HomeList
    queue: Sequence[HomeList] = ()
    team_names: Sequence[str] = ()  # the teams whose queue is shown
    item_teams: Mapping[str, str] = field(default_factory=dict)  # team key -> name
    links: Mapping[int, str] = field(default_factory=dict)
    latest: Mapping[int, ItemEvent] = field(default_factory=dict)  # item id -> latest change
    prefs: HomePrefs | None = None


def _due(item: Item, now: datetime) -> str:
    return copy.home_due(format_duration(item.due_at - now), now >= item.due_at)


def _status(item: Item) -> str:
    if item.status == ItemStatus.RESOLVED and item.outcome:
        return copy.home_resolved(label(copy.OUTCOME_LABELS, item.outcome))
    return label(copy.STATUS_LABELS, item.status)


def _owner(item: Item) -> str:
    return copy.home_owner(mention(item.owner_id)) if item.owner_id else copy.HOME_NO_OWNER


def item_line(
    item: Item,
    now: datetime,
    section: HomeSection,
    data: HomeData,
) -> str:
    """One row: the item's ref (a link to its card), summary, then what the list is about."""
    ref = ids.item_ref(item.id or 0)
    link = data.links.get(item.id or 0)
    parts = [f"{f'<{link}|{ref}>' if link else f'*{ref}*'} {inert(item.summary, SUMMARY_SHOWN)}"]
    if section is HomeSection.TOP_ASKS:
        parts += [f"*{copy.home_customers(item.customers)}*", _owner(item)]
    elif section is HomeSection.LOGGED:
        parts.append(_status(item))
        if is_open(item):
            parts.append(_owner(item))
        event = data.latest.get(item.id or 0)
        if event is not None:
            what = label(copy.HOME_EVENT_LABELS, event.kind, copy.HOME_EVENT_OTHER)
            parts.append(copy.home_latest(what, format_duration(now - event.created_at)))
    else:
        parts.append(_due(item, now))
        if section in (HomeSection.OVERDUE, HomeSection.DUE_SOON):
            parts.append(_owner(item))
    if section is not HomeSection.TOP_ASKS and item.customers > 1:
        parts.append(copy.home_customers(item.customers))
    if len(data.team_names) > 1 or section in (HomeSection.OWNED, HomeSection.LOGGED):
        name = data.item_teams.get(item.team_key, item.team_key)
        parts.append(inert(name, TEAM_NAME_SHOWN))
    return " · ".join(parts)


def _button(text: str, value: str) -> ActionsBlock:
    return ActionsBlock(
        elements=[ButtonElement(text=pt(text), action_id=ids.ACTION_HOME_MORE, value=value)]
    )


def list_blocks(page: HomeList, now: datetime, data: HomeData) -> list[Block]:
    """A list's heading, its rows (one section each) or its empty line, and its button."""
    rows = page.rows[: HOME_PAGE[page.section]]
    last = page.first + len(rows) - 1
    blocks: list[Block] = [
        SectionBlock(text=md(copy.home_heading(page.title, page.first, last, page.total)))
    ]
    for item in rows:
        blocks.append(SectionBlock(text=md(item_line(item, now, page.section, data))))
    if not page.rows:
        blocks.append(ContextBlock(elements=[md(page.empty)]))
    if page.more:
        blocks.append(_button(copy.HOME_MORE, page.more))
    elif page.back:
        blocks.append(_button(copy.HOME_BACK_TO_START, page.back))
    return blocks


def _choice(action_id: str, labels: Mapping[str, str], chosen: str) -> StaticSelectElement:
    options = [Option(value=str(value), text=pt(text)) for value, text in labels.items()]
    initial = next((o for o in options if o.value == chosen), options[0])
    return StaticSelectElement(action_id=action_id, options=options, initial_option=initial)


def prefs_blocks(prefs: HomePrefs) -> list[Block]:
    """The person's own choices: the digest, how nudges come, and away until a date."""
    blocks: list[Block] = [DividerBlock(), SectionBlock(text=md(copy.PREFS_HEADING))]
    if prefs.notice:
        blocks.append(ContextBlock(elements=[md(prefs.notice)]))
    blocks += [
        SectionBlock(
            block_id=ids.BLOCK_HOME_PREFS,
            text=md(copy.PREFS_DIGEST),
            accessory=_choice(ids.ACTION_HOME_DIGEST, copy.DIGEST_MODE_LABELS, prefs.digest),
        ),
        SectionBlock(
            text=md(copy.PREFS_NUDGES),
            accessory=_choice(ids.ACTION_HOME_NUDGES, copy.NUDGE_MODE_LABELS, prefs.nudges),
        ),
    ]
    away = prefs.away_until
    blocks.append(
        SectionBlock(
            text=md(copy.prefs_away_now(day_text(away)) if away else copy.PREFS_AWAY),
            accessory=DatePickerElement(
                action_id=ids.ACTION_HOME_AWAY,
                placeholder=pt(copy.PREFS_AWAY_PLACEHOLDER),
                initial_date=away.isoformat() if away else None,
            ),
        )
    )
    if away:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text=pt(copy.PREFS_BACK), action_id=ids.ACTION_HOME_BACK, value="back"
                    )
                ]
            )
        )
    blocks.append(ContextBlock(elements=[md(copy.PREFS_ESCALATIONS)]))
    return blocks


def day_text(day: date) -> str:
    """A date as people read it: "Thu 24 Dec 2026"."""
    return day.strftime("%a %d %b %Y")


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
    ]
    blocks += list_blocks(data.owned, now, data)
    blocks.append(DividerBlock())
    if data.queue:
        names = ", ".join(inert(name, TEAM_NAME_SHOWN) for name in data.team_names)
        blocks.append(SectionBlock(text=md(copy.home_teams(names))))
        for page in data.queue:
            blocks += list_blocks(page, now, data)
    else:
        blocks.append(ContextBlock(elements=[md(copy.HOME_NO_TEAMS)]))
    blocks.append(DividerBlock())
    blocks += list_blocks(data.logged, now, data)
    if data.prefs is not None:
        blocks += prefs_blocks(data.prefs)
    dicts = [b.to_dict() for b in blocks][:MAX_VIEW_BLOCKS]
    return View(type="home", blocks=dicts).to_dict()
