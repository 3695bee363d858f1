"""Logging: plain text or one JSON object per line, quiet libraries, one line per Slack request.

The request line carries ids only (what was asked, which item, the outcome, how long): never
what the agent typed, never a token. Bodies of requests refused for a bad signature are not
logged either (Bolt would log them at INFO).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from bot.core import ids

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REQUEST_LOGGER = "frontline.requests"
# Bolt's RequestVerification logs a refused request's whole body (the agent's text) at INFO
SIGNATURE_LOGGER = "slack_bolt.RequestVerification"
_SAFE_ID = re.compile(r"[^A-Za-z0-9_./:#-]")
_ITEM_REF = re.compile(r"\b" + re.escape(ids.ITEM_PREFIX) + r"\d{1,12}\b")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, plus the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            data.update({k: v for k, v in fields.items() if k not in data})
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


def not_signature_body(record: logging.LogRecord) -> bool:
    """Drop Bolt's 'Invalid request signature detected (… body: …)': the body is customer text.

    The request line (outcome=refused status=401) still records that it happened.
    """
    return not str(record.msg).startswith("Invalid request signature")


def _not_migration_chatter(record: logging.LogRecord) -> bool:
    """Alembic says which dialect it uses on every command; keep only real migrations."""
    return not str(record.msg).startswith(("Context impl", "Will assume"))


def configure(log_format: str) -> None:
    """Called once by the CLI. Under a test runner its handlers stay in charge of the root."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()  # stderr
        handler.setFormatter(
            JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
        )
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.migration").addFilter(_not_migration_chatter)
    # "Adding job tentatively", "Running job …", "Job … executed successfully": every minute;
    # the jobs log their own summaries, and APScheduler's warnings still come through.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger(SIGNATURE_LOGGER).addFilter(not_signature_body)


def _safe(value: Any) -> str:
    return _SAFE_ID.sub("", str(value or ""))[:64]


def _item(*candidates: Any) -> str:
    for value in candidates:
        found = _ITEM_REF.search(str(value or ""))
        if found:
            return found.group(0)
    return ""


def _view_item(view: dict[str, Any]) -> str:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return ""
    item = meta.get("item") if isinstance(meta, dict) else None
    return ids.item_ref(item) if isinstance(item, int) else ""


def request_fields(body: dict[str, Any]) -> dict[str, str]:
    """What a Slack request asked for, as ids: kind, action and item (FB-n) when there is one."""
    if body.get("command"):
        return {"kind": "command", "action": _safe(body["command"]), "item": ""}
    kind = str(body.get("type") or "")
    if kind == "block_actions":
        action = (body.get("actions") or [{}])[0] or {}
        option = action.get("selected_option") or {}
        item = _item(action.get("value"), option.get("value"), action.get("block_id"))
        return {"kind": "action", "action": _safe(action.get("action_id")), "item": item}
    if kind in ("view_submission", "view_closed"):
        view = body.get("view") or {}
        return {"kind": "view", "action": _safe(view.get("callback_id")), "item": _view_item(view)}
    if kind in ("shortcut", "message_action"):
        return {"kind": "shortcut", "action": _safe(body.get("callback_id")), "item": ""}
    if kind == "event_callback":
        event = body.get("event") or {}
        return {"kind": "event", "action": _safe(event.get("type")), "item": ""}
    return {"kind": _safe(kind) or "unknown", "action": "", "item": ""}


def outcome(status: int) -> str:
    if status < 300:
        return "ok"
    if status in (401, 403):
        return "refused"
    if status >= 500:
        return "error"
    return str(status)


def log_request(body: dict[str, Any], status: int, seconds: float) -> None:
    fields: dict[str, Any] = {
        **request_fields(body),
        "outcome": outcome(status),
        "status": status,
        "ms": round(seconds * 1000, 1),
    }
    item = f" {fields['item']}" if fields["item"] else ""
    logging.getLogger(REQUEST_LOGGER).info(
        "slack %s %s%s: %s (%s) in %.1f ms",
        fields["kind"],
        fields["action"] or "-",
        item,
        fields["outcome"],
        status,
        fields["ms"],
        extra={"fields": fields},
    )
