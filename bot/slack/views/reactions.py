"""The private note after a reaction capture, the offer under @Frontline in a thread, and the
"Add customer" modal."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core import ids
from bot.core.text import inert
from bot.slack import copy
from bot.slack.views.blocks import SECTION_LIMIT, md, pt, to_dicts
from storage.models import Item
from storage.values import Urgency

CUSTOMER_MAX = 200


def capture_note_blocks(text_md: str, item: Item) -> list[dict[str, Any]]:
    """What the reactor reads: where it went and why, with buttons to fix it or take it back."""
    ref = ids.item_ref(item.id or 0)
    buttons = [
        ButtonElement(text=pt(copy.CAPTURE_BUTTON_TEAM), action_id=ids.ACTION_REASSIGN, value=ref)
    ]
    if item.urgency != Urgency.HIGH:
        buttons.append(
            ButtonElement(
                text=pt(copy.CAPTURE_BUTTON_URGENT), action_id=ids.ACTION_CAPTURE_URGENT, value=ref
            )
        )
    if not item.customer:
        buttons.append(
            ButtonElement(
                text=pt(copy.CAPTURE_BUTTON_CUSTOMER),
                action_id=ids.ACTION_CAPTURE_CUSTOMER,
                value=ref,
            )
        )
    buttons.append(
        ButtonElement(
            text=pt(copy.CAPTURE_BUTTON_UNDO),
            action_id=ids.ACTION_CAPTURE_UNDO,
            value=ref,
            style="danger",
        )
    )
    blocks: list[Block] = [
        SectionBlock(text=md(text_md[:SECTION_LIMIT])),
        ActionsBlock(block_id=ids.BLOCK_CAPTURE_ACTIONS, elements=buttons),
    ]
    return to_dicts(blocks)


def thread_offer_blocks(text_md: str, channel: str, parent_ts: str) -> list[dict[str, Any]]:
    """The answer to @Frontline in a thread: one button, so nothing is logged by accident."""
    button = ButtonElement(
        text=pt(copy.MENTION_LOG_BUTTON),
        action_id=ids.ACTION_LOG_THREAD,
        value=f"{channel}|{parent_ts}",
        style="primary",
    )
    blocks: list[Block] = [
        SectionBlock(text=md(text_md[:SECTION_LIMIT])),
        ActionsBlock(block_id=ids.BLOCK_LOG_THREAD, elements=[button]),
    ]
    return to_dicts(blocks)


def capture_customer_modal(item: Item) -> dict[str, Any]:
    ref = ids.item_ref(item.id or 0)
    field = PlainTextInputElement(action_id="customer", max_length=CUSTOMER_MAX)
    return View(
        type="modal",
        callback_id=ids.VIEW_CAPTURE_CUSTOMER,
        title=pt(copy.CAPTURE_CUSTOMER_TITLE, 24),
        submit=pt(copy.CAPTURE_CUSTOMER_SAVE, 24),
        close=pt(copy.CANCEL, 24),
        blocks=[
            SectionBlock(text=md(f"*{ref}* {inert(item.summary, 300)}")),
            InputBlock(
                block_id=ids.BLOCK_CUSTOMER, label=pt(copy.CAPTURE_CUSTOMER_LABEL), element=field
            ),
        ],
        private_metadata=json.dumps({"item": item.id}),
    ).to_dict()
