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

EVENTS = ("app_home_opened", "reaction_added", "app_mention")

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


# --- merge (insights: one request, many customers) ----------------------------------------------
ACTION_MERGE = "feedback_merge"  # on the card; value = item id, e.g. "FB-42"
MERGE_MODAL_CALLBACK = "feedback_merge_into"
ACTION_MERGE_UNDO = "feedback_merge_undo"  # on the thread note; value = the merge's event id
ACTION_MERGE_SUGGESTED = "feedback_merge_suggested"  # value = "FB-43>FB-12" (source>target)
BLOCK_MERGE_PICK = "fb_merge_pick"
BLOCK_MERGE_REF = "fb_merge_ref"
BLOCK_MERGE_NOTE = "feedback_merge_note"
BLOCK_MERGE_SUGGESTION = "feedback_merge_suggestion"  # suffixed with ":<item id>"
BLOCK_RULE_OUTCOME = "fb_rule_outcome"
BLOCK_RULE_REASON = "fb_rule_reason"
MERGE_ACTIONS = (ACTION_MERGE, ACTION_MERGE_UNDO, ACTION_MERGE_SUGGESTED)

# --- home (App Home: "what needs me?") -----------------------------------------------------------
# The button under a long App Home list; value = "<list>|<rows before>|<cursor>", e.g.
# "overdue|10|2026-11-24T15:00:00+00:00|42" (next page) or "overdue|0|" (back to the first page).
ACTION_HOME_MORE = "feedback_home_more"

# --- preferences (App Home: digest, nudges, away until a date) --------------------------------
ACTION_HOME_DIGEST = "feedback_pref_digest"  # static_select; value = "on" | "needed" | "off"
ACTION_HOME_NUDGES = "feedback_pref_nudges"  # static_select; value = "each" | "batched"
ACTION_HOME_AWAY = "feedback_pref_away"  # datepicker; selected_date = the day they are back
ACTION_HOME_BACK = "feedback_pref_back"  # button "I'm back"; value = "back"
BLOCK_HOME_PREFS = "feedback_home_prefs"
PREF_ACTIONS = (ACTION_HOME_DIGEST, ACTION_HOME_NUDGES, ACTION_HOME_AWAY, ACTION_HOME_BACK)

# --- reactions and mentions (capture where the conversation is) ----------------------------------
# On the private note after a reaction capture; value = item id, e.g. "FB-42". "Change team"
# reuses ACTION_REASSIGN.
ACTION_CAPTURE_URGENT = "feedback_capture_urgent"  # button "Mark urgent"
ACTION_CAPTURE_CUSTOMER = "feedback_capture_customer"  # button "Add customer": opens a modal
ACTION_CAPTURE_UNDO = "feedback_capture_undo"  # button "Undo": the item is withdrawn
# On the answer to @Frontline in a thread; value = "<channel>|<parent ts>".
ACTION_LOG_THREAD = "feedback_log_thread"
VIEW_CAPTURE_CUSTOMER = "feedback_capture_customer_set"  # private_metadata = {"item": id}
BLOCK_CAPTURE_ACTIONS = "feedback_capture_actions"
BLOCK_LOG_THREAD = "feedback_log_thread_offer"
REACTION_ACTIONS = (
    ACTION_CAPTURE_URGENT,
    ACTION_CAPTURE_CUSTOMER,
    ACTION_CAPTURE_UNDO,
    ACTION_LOG_THREAD,
)

# everything the app registers (tests check the listeners and the contract document each)
ALL_ACTIONS = (
    *CARD_ACTIONS,
    ACTION_SNOOZE,
    ACTION_OPEN_CARD,
    ACTION_HOME_LOG,
    *MERGE_ACTIONS,
    ACTION_HOME_MORE,
    *PREF_ACTIONS,
    *REACTION_ACTIONS,
)
ALL_VIEWS = (
    VIEW_CAPTURE,
    VIEW_CUSTOMER_UPDATE,
    VIEW_RESOLUTION,
    VIEW_REASSIGN,
    VIEW_SNOOZE,
    MERGE_MODAL_CALLBACK,
    VIEW_CAPTURE_CUSTOMER,
)
