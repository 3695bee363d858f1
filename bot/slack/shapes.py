"""What every listener may take for granted about a Slack payload, checked before Bolt reads it.

Bolt and the listeners index into payloads as Slack shapes them (view.id, actions[0], the
item in private_metadata); a signed request of another shape is refused with the reason, which
names fields, never what anyone typed.
"""

from __future__ import annotations

import json
from typing import Any, TypeGuard

from bot.core import ids

MAX_ID = 150  # trigger ids, view ids, event ids: Slack's are far shorter (keys hold 200)
MAX_SLACK_ID = 32  # user and team ids (U0123ABCD, T0123ABCD), as the tables store them
# their value names the item (or, for the merge buttons, the merge)
VALUE_ACTIONS = (*ids.CARD_ACTIONS, ids.ACTION_SNOOZE, *ids.MERGE_ACTIONS)
ITEM_VIEWS = (
    ids.VIEW_CUSTOMER_UPDATE,
    ids.VIEW_RESOLUTION,
    ids.VIEW_REASSIGN,
    ids.VIEW_SNOOZE,
    ids.MERGE_MODAL_CALLBACK,
)


def _short_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID


def _slack_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_SLACK_ID


def _dict(value: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(value, dict)


def _team_problem(body: dict[str, Any]) -> str | None:
    """Where a team id is given, it must be one; a missing one is Bolt's to judge."""
    team = body.get("team")
    found = [body.get("team_id"), team.get("id") if _dict(team) else team]
    if any(t is not None and not _slack_id(t) for t in found):
        return "a team id that is not a Slack id"
    return None


def problem(body: dict[str, Any]) -> str | None:
    """Why a signed request is not shaped as Slack sends it, or None. Names fields, never text."""
    team_problem = _team_problem(body)
    if team_problem:
        return team_problem
    if body.get("command") is not None:
        if not _short_id(body.get("trigger_id")) or not _slack_id(body.get("user_id")):
            return "a slash command without trigger_id or user_id"
        return None
    kind = body.get("type")
    if kind == "event_callback":
        event = body.get("event")
        if not _dict(event) or not isinstance(event.get("type"), str):
            return "an event_callback without an event object"
        if not _short_id(body.get("event_id")):
            return "an event_callback without an event_id"
        return None
    if kind not in ("block_actions", "view_submission", "message_action", "shortcut"):
        return None
    if not _dict(body.get("user")) or not _slack_id(body["user"].get("id")):
        return f"a {kind} payload without a user"
    if kind == "block_actions":
        return _actions_problem(body)
    if kind == "view_submission":
        return _view_problem(body.get("view"))
    if not _short_id(body.get("trigger_id")):
        return f"a {kind} payload without a trigger_id"
    if kind == "message_action" and not (
        _dict(body.get("message")) and isinstance(body["message"].get("text", ""), str)
    ):
        return "a message_action payload without a message"
    return None


def _actions_problem(body: dict[str, Any]) -> str | None:
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not all(_dict(a) for a in actions):
        return "a block_actions payload without actions"
    action = actions[0]
    if not isinstance(action.get("action_id"), str):
        return "a block_actions payload without an action_id"
    selected = action.get("selected_option")
    if selected is not None and not _dict(selected):
        return "a block_actions payload with a malformed selected_option"
    if action["action_id"] in VALUE_ACTIONS and not _short_id(_action_value(action)):
        return f"a {action['action_id']} click without a value"
    if not _short_id(body.get("trigger_id")):
        return "a block_actions payload without a trigger_id"
    return None


def _view_problem(view: Any) -> str | None:
    if not _dict(view) or not _short_id(view.get("id")):
        return "a view_submission without a view id"
    state = view.get("state")
    values = state.get("values") if _dict(state) else None
    if not _dict(values) or not all(
        _dict(block) and all(_dict(element) for element in block.values())
        for block in values.values()
    ):
        return "a view_submission with malformed state values"
    raw = view.get("private_metadata") or "{}"
    if not isinstance(raw, str):
        return "a view_submission with non-text private_metadata"
    try:
        meta = json.loads(raw)
    except ValueError:
        return "a view_submission with private_metadata that is not JSON"
    if not _dict(meta):
        return "a view_submission with private_metadata that is not an object"
    if view.get("callback_id") in ITEM_VIEWS and type(meta.get("item")) is not int:
        return "a view_submission whose private_metadata names no item"
    if view.get("callback_id") == ids.VIEW_CAPTURE:
        long_message = meta.get("long_message")
        if long_message is not None and type(long_message) is not int:
            return "a view_submission with a malformed long_message id"
        if not all(isinstance(meta.get(k, ""), str) for k in ("channel", "ts")):
            return "a view_submission with a malformed source message"
    return None


def _action_value(action: dict[str, Any]) -> Any:
    selected = action.get("selected_option")
    return selected.get("value") if selected else action.get("value")
