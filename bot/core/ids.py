"""Slack identifiers Frontline listens for. Cards stay clickable for years: never rename these.

docs/slack-contract.md documents each; tests check the manifest declares what the code listens for.
"""

from __future__ import annotations

import re

COMMAND = "/feedback"
SHORTCUT_FROM_MESSAGE = "feedback_from_message"

# modals (callback_id)
VIEW_CAPTURE = "feedback_capture"
VIEW_CUSTOMER_UPDATE = "feedback_customer_update"
VIEW_RESOLUTION = "feedback_resolution"
VIEW_REASSIGN = "feedback_reassign_to"
VIEW_SNOOZE = "feedback_snooze_until"

# buttons on the card (value = item id, e.g. "FB-42")
ACTION_TAKE = "feedback_take"
ACTION_CUSTOMER_UPDATED = "feedback_customer_updated"
ACTION_REASSIGN = "feedback_reassign"
ACTION_RESOLVE = "feedback_resolve"
# nudges and App Home
ACTION_SNOOZE = "feedback_snooze"
ACTION_OPEN_CARD = "feedback_open_card"
ACTION_HOME_LOG = "feedback_home_log"

CARD_ACTIONS = (ACTION_TAKE, ACTION_CUSTOMER_UPDATED, ACTION_REASSIGN, ACTION_RESOLVE)
ALL_ACTIONS = (*CARD_ACTIONS, ACTION_SNOOZE, ACTION_OPEN_CARD, ACTION_HOME_LOG)
ALL_VIEWS = (VIEW_CAPTURE, VIEW_CUSTOMER_UPDATE, VIEW_RESOLUTION, VIEW_REASSIGN, VIEW_SNOOZE)
EVENTS = ("app_home_opened",)

# block_ids
BLOCK_CARD_ACTIONS = "feedback_card_actions"
BLOCK_NUDGE_ITEM = "feedback_nudge_item"  # suffixed with ":<item id>"
BLOCK_HOME_ACTIONS = "feedback_home_actions"
BLOCK_SUMMARY = "fb_summary"
BLOCK_DETAILS = "fb_details"
BLOCK_CUSTOMER = "fb_customer"
BLOCK_KIND = "fb_kind"
BLOCK_URGENCY = "fb_urgency"
BLOCK_TEAM = "fb_team"
BLOCK_NOTE = "fb_note"
BLOCK_OUTCOME = "fb_outcome"
BLOCK_SNOOZE_AT = "fb_snooze_at"

ITEM_PREFIX = "FB-"
_REF = re.compile(r"^\s*(?:FB-?)?(\d{1,12})\s*$", re.IGNORECASE)


def item_ref(item_id: int) -> str:
    return f"{ITEM_PREFIX}{item_id}"


def parse_item_ref(value: str | None) -> int | None:
    """Button values and typed refs: "FB-42", "fb42" and "42" all mean item 42."""
    if not value:
        return None
    match = _REF.match(value)
    return int(match.group(1)) if match else None
