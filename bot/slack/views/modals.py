"""The modals: logging feedback, and the card's customer update, reassign, resolve and snooze."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DateTimePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.core import ids
from bot.core.config import FrontlineConfig, Team
from bot.core.text import inert, plain
from bot.slack import copy
from bot.slack.views.blocks import Value, md, pt
from storage.models import Item
from storage.values import ItemKind

FORM_DETAILS_MAX = 3000  # Slack's limit for a text input


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
    customer: str = ""  # the channel's customer (`channels:`), for the agent to keep or change
    team_key: str | None = None  # the channel's team, preselected


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
    customer = PlainTextInputElement(action_id="customer", max_length=200)
    if draft.customer:
        customer.initial_value = plain(draft.customer, 200)
    teams = team_options(config.teams)
    team_select = StaticSelectElement(action_id="team", options=teams)
    team_select.initial_option = next((o for o in teams if o.value == draft.team_key), None)
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
            element=customer,
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
            element=team_select,
            hint=pt(copy.FIELD_TEAM_HINT, 150),
        ),
    ]
    meta: dict[str, Any] = {}
    if draft.source_channel:  # where the form was opened: its `channels:` entry applies
        meta["channel"] = draft.source_channel
    if draft.source_channel and draft.source_ts:
        meta["ts"] = draft.source_ts
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
            *rule_blocks(item),
        ],
    )


def rule_blocks(item: Item) -> list[Block]:
    """A rule that blocks customers: what became of it, and why when it is kept."""
    if item.kind != ItemKind.RIGID_RULE:
        return []
    outcomes = _options(copy.RULE_OUTCOME_LABELS)
    reason = PlainTextInputElement(action_id="rule_reason", multiline=True, max_length=1500)
    return [
        InputBlock(
            block_id=ids.BLOCK_RULE_OUTCOME,
            label=pt(copy.RESOLVE_RULE_OUTCOME),
            element=RadioButtonsElement(action_id="rule_outcome", options=outcomes),
        ),
        InputBlock(
            block_id=ids.BLOCK_RULE_REASON,
            label=pt(copy.RESOLVE_RULE_REASON),
            element=reason,
            optional=True,
            hint=pt(copy.RESOLVE_RULE_REASON_HINT, 150),
        ),
    ]


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
