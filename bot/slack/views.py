"""Block Kit builders: domain data in, blocks out, no I/O. Shared by listeners and jobs.

Built with slack_sdk.models so most limits are checked; user text goes through bot.text first
(escaped for mrkdwn, truncated with an ellipsis), and messages are capped at 50 blocks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DateTimePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core import ids
from bot.core.config import FrontlineConfig, Team
from bot.core.items import is_open, is_resolved
from bot.core.text import escape, inert, plain
from bot.schedule.clock import format_duration
from bot.slack import copy
from storage.models import Item

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
HEADER_LIMIT = 150
CONTEXT_LIMIT = 2000

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


@dataclass(frozen=True)
class CardContext:
    """What a card shows besides the item: the team, where it moved, and the clock."""

    team: Team
    now: datetime
    moved_to: Team | None = None
    moved_link: str | None = None


LEGACY_SCORE = re.compile(r" \(score \d+\)")


def shown_reason(reason: str) -> str:
    """Items logged before reasons were plain words carry "(score 91)": agents see no scores."""
    return LEGACY_SCORE.sub("", reason)


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
    context = []
    if ctx.moved_to is not None:
        context.append(md(copy.card_moved(inert(ctx.moved_to.name, 80), ctx.moved_link)))
    elif is_open(item):
        context.append(md(waiting_line(item, ctx.now)))
    if item.routing_reason:
        context.append(md(inert(shown_reason(item.routing_reason), 500)))
    if item.source_permalink:
        context.append(md(copy.card_from_conversation(item.source_permalink)))
    if needs_full_text(item):
        context.append(md(copy.CARD_FULL_TEXT_IN_THREAD))
    blocks.append(ContextBlock(elements=context or [md(" ")]))
    if ctx.moved_to is not None:
        return to_dicts(blocks)
    if is_resolved(item):
        outcome = label(copy.OUTCOME_LABELS, item.outcome or "")
        text = copy.card_resolved(outcome, mention(item.owner_id))
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
    ]
    if item.owner_id:  # someone has it: the first button becomes a quieter "Take over"
        buttons[0] = ButtonElement(
            text=pt(copy.CARD_TAKE_OVER), action_id=ids.ACTION_TAKE, value=value
        )
    blocks.append(ActionsBlock(block_id=ids.BLOCK_CARD_ACTIONS, elements=buttons))
    return to_dicts(blocks)


CARD_CUSTOMER_LIMIT = 200
FORM_DETAILS_MAX = 3000  # Slack's limit for a text input


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
    for label, text in (
        (copy.FULL_TEXT_DETAILS, item.details),
        (copy.FULL_TEXT_CUSTOMER, item.customer),
    ):
        if text:
            blocks.append(SectionBlock(text=md(label)))
            blocks += [SectionBlock(text=md(piece)) for piece in chunks(text)]
    return to_dicts(blocks)


def full_text_fallback(item: Item) -> str:
    return copy.full_text_fallback(ids.item_ref(item.id or 0))


def card_text(item: Item) -> str:
    return inert(copy.card_fallback(ids.item_ref(item.id or 0), item.summary), 300)


def event_blocks(text_md: str) -> list[dict[str, Any]]:
    return to_dicts([SectionBlock(text=md(text_md))])


def text_blocks(text_md: str) -> list[dict[str, Any]]:
    """One section of bot-built mrkdwn (user parts already escaped by the caller)."""
    return to_dicts([SectionBlock(text=md(text_md))])


# --- modals ------------------------------------------------------------------------------------
def _options(labels: Mapping[Value, str]) -> list[Option]:
    return [Option(value=str(k), text=pt(v)) for k, v in labels.items()]


def team_options(teams: Sequence[Team]) -> list[Option]:
    return [Option(value=t.key, text=pt(f"{t.name} (#{t.key})")) for t in teams[:100]]


@dataclass(frozen=True)
class CaptureDraft:
    summary: str = ""
    details: str = ""
    source_channel: str | None = None
    source_ts: str | None = None
    long_message_id: int | None = None  # a message too long for the form, stored whole
    long_message_chars: int = 0


def capture_modal(config: FrontlineConfig, draft: CaptureDraft | None = None) -> dict[str, Any]:
    draft = draft or CaptureDraft()
    kinds = _options(copy.KIND_LABELS)
    urgencies = _options(copy.URGENCY_LABELS)
    summary = PlainTextInputElement(action_id="summary", max_length=300)
    if draft.summary:
        summary.initial_value = plain(draft.summary, 300)
    details = PlainTextInputElement(
        action_id="details", multiline=True, max_length=FORM_DETAILS_MAX
    )
    if draft.details:
        details.initial_value = plain(draft.details, FORM_DETAILS_MAX)
    blocks: list[Block] = [
        InputBlock(
            block_id=ids.BLOCK_SUMMARY,
            label=pt(copy.FIELD_SUMMARY),
            element=summary,
            hint=pt(copy.FIELD_SUMMARY_HINT, 150),
        ),
        InputBlock(
            block_id=ids.BLOCK_DETAILS,
            label=pt(copy.FIELD_DETAILS),
            element=details,
            optional=True,
            hint=pt(copy.FIELD_DETAILS_HINT, 150),
        ),
        InputBlock(
            block_id=ids.BLOCK_CUSTOMER,
            label=pt(copy.FIELD_CUSTOMER),
            element=PlainTextInputElement(action_id="customer", max_length=200),
            optional=True,
        ),
        InputBlock(
            block_id=ids.BLOCK_KIND,
            label=pt(copy.FIELD_KIND),
            element=StaticSelectElement(action_id="kind", options=kinds, initial_option=kinds[0]),
        ),
        InputBlock(
            block_id=ids.BLOCK_URGENCY,
            label=pt(copy.FIELD_URGENCY),
            element=RadioButtonsElement(
                action_id="urgency", options=urgencies, initial_option=urgencies[0]
            ),
        ),
        InputBlock(
            block_id=ids.BLOCK_TEAM,
            label=pt(copy.FIELD_TEAM),
            optional=True,
            element=StaticSelectElement(action_id="team", options=team_options(config.teams)),
            hint=pt(copy.FIELD_TEAM_HINT, 150),
        ),
    ]
    meta: dict[str, Any] = {}
    if draft.source_channel and draft.source_ts:
        meta = {"channel": draft.source_channel, "ts": draft.source_ts}
    if draft.long_message_id:
        meta["long_message"] = draft.long_message_id
        note = copy.whole_message_attached(draft.long_message_chars)
        blocks.insert(1, ContextBlock(elements=[md(note)]))
    view = View(
        type="modal",
        callback_id=ids.VIEW_CAPTURE,
        title=pt(copy.CAPTURE_MODAL_TITLE, 24),
        submit=pt(copy.CAPTURE_SUBMIT, 24),
        close=pt(copy.CANCEL, 24),
        blocks=blocks,
        private_metadata=json.dumps(meta),
    )
    return view.to_dict()


def notice_modal(title: str, text_md: str) -> dict[str, Any]:
    return View(
        type="modal",
        title=pt(title, 24),
        close=pt(copy.CLOSE, 24),
        blocks=[SectionBlock(text=md(text_md))],
    ).to_dict()


def _item_modal(
    callback_id: str, title: str, submit: str, item: Item, blocks: list[Block]
) -> dict[str, Any]:
    ref = ids.item_ref(item.id or 0)
    head = SectionBlock(text=md(f"*{ref}* {inert(item.summary, 300)}"))
    return View(
        type="modal",
        callback_id=callback_id,
        title=pt(title, 24),
        submit=pt(submit, 24),
        close=pt(copy.CANCEL, 24),
        blocks=[head, *blocks],
        private_metadata=json.dumps({"item": item.id}),
    ).to_dict()


def customer_update_modal(item: Item) -> dict[str, Any]:
    note = PlainTextInputElement(action_id="note", multiline=True, max_length=3000)
    return _item_modal(
        ids.VIEW_CUSTOMER_UPDATE,
        copy.UPDATE_TITLE,
        copy.UPDATE_SUBMIT,
        item,
        [
            InputBlock(
                block_id=ids.BLOCK_NOTE,
                label=pt(copy.UPDATE_NOTE),
                element=note,
                hint=pt(copy.UPDATE_NOTE_HINT, 150),
            ),
        ],
    )


def reassign_modal(item: Item, teams: Sequence[Team]) -> dict[str, Any]:
    others = [t for t in teams if t.key != item.team_key]
    if not others:
        return notice_modal(copy.REASSIGN_TITLE, copy.NO_OTHER_TEAM)
    note = PlainTextInputElement(action_id="note", multiline=True, max_length=1000)
    return _item_modal(
        ids.VIEW_REASSIGN,
        copy.REASSIGN_TITLE,
        copy.REASSIGN_SUBMIT,
        item,
        [
            InputBlock(
                block_id=ids.BLOCK_TEAM,
                label=pt(copy.REASSIGN_TEAM),
                element=StaticSelectElement(action_id="team", options=team_options(others)),
            ),
            InputBlock(
                block_id=ids.BLOCK_NOTE, label=pt(copy.REASSIGN_NOTE), element=note, optional=True
            ),
        ],
    )


def resolution_modal(item: Item) -> dict[str, Any]:
    outcomes = _options(copy.OUTCOME_LABELS)
    note = PlainTextInputElement(action_id="note", multiline=True, max_length=3000)
    return _item_modal(
        ids.VIEW_RESOLUTION,
        copy.RESOLVE_TITLE,
        copy.RESOLVE_SUBMIT,
        item,
        [
            InputBlock(
                block_id=ids.BLOCK_OUTCOME,
                label=pt(copy.RESOLVE_OUTCOME),
                element=RadioButtonsElement(action_id="outcome", options=outcomes),
            ),
            InputBlock(
                block_id=ids.BLOCK_NOTE,
                label=pt(copy.RESOLVE_NOTE),
                element=note,
                hint=pt(copy.RESOLVE_NOTE_HINT, 150),
            ),
        ],
    )


def snooze_modal(item: Item, initial: datetime) -> dict[str, Any]:
    picker = DateTimePickerElement(action_id="until", initial_date_time=int(initial.timestamp()))
    return _item_modal(
        ids.VIEW_SNOOZE,
        copy.SNOOZE_TITLE,
        copy.SNOOZE_SUBMIT,
        item,
        [
            InputBlock(block_id=ids.BLOCK_SNOOZE_AT, label=pt(copy.SNOOZE_FIELD), element=picker),
        ],
    )


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
