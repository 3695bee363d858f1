"""Reading Slack payloads: state values of modals, ids, metadata."""

from __future__ import annotations

import json
from typing import Any


def state_value(view: dict[str, Any], block_id: str, action_id: str) -> str:
    """Text inputs give `value`; selects and radios give `selected_option.value`; empty is ""."""
    element = (view.get("state", {}).get("values", {}).get(block_id) or {}).get(action_id) or {}
    if element.get("selected_option"):
        return str(element["selected_option"].get("value") or "")
    if element.get("selected_date_time"):
        return str(element["selected_date_time"])
    return str(element.get("value") or "")


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def team_id(body: dict[str, Any]) -> str:
    """Slash commands carry team_id; interactive payloads carry team.id (or the view's team)."""
    if body.get("team_id"):
        return str(body["team_id"])
    team = body.get("team") or {}
    if team.get("id"):
        return str(team["id"])
    return str(
        (body.get("view") or {}).get("team_id") or (body.get("user") or {}).get("team_id") or ""
    )


def user_id(body: dict[str, Any]) -> str:
    if body.get("user_id"):
        return str(body["user_id"])
    return str((body.get("user") or {}).get("id") or "")


def action_value(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    action = actions[0]
    if action.get("selected_option"):
        return str(action["selected_option"].get("value") or "")
    if action.get("selected_date"):  # a datepicker
        return str(action["selected_date"])
    return str(action.get("value") or "")
