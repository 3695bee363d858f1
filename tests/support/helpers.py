"""Reading what the app did: the database and the fake Slack's calls."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, select

from storage.models import Item, ItemEvent, Outbox


def items(engine: Any) -> list[Item]:
    with Session(engine) as s:
        return list(s.exec(select(Item).order_by(Item.id)).all())


def events(engine: Any, item_id: int) -> list[ItemEvent]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(ItemEvent).where(ItemEvent.item_id == item_id).order_by(ItemEvent.id)
            ).all()
        )


def outbox_rows(engine: Any) -> list[Outbox]:
    with Session(engine) as s:
        return list(s.exec(select(Outbox).order_by(Outbox.id)).all())


def eventually(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Work after ack() runs on a listener thread: poll until it is visible."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except AssertionError:
            pass
        time.sleep(0.02)
    result = check()
    assert result, f"condition not met within {timeout}s (last: {last!r})"
    return result


def block_text(blocks: list[dict[str, Any]]) -> str:
    """All visible text of a message, to assert on what a person would read."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and "text" in node:
                out.append(node["text"])
            for key, value in node.items():
                if key != "text" or not isinstance(value, str):
                    walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(blocks)
    return "\n".join(out)


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> str:
    """Only the mrkdwn parts: where Slack would parse <!channel>, <@U…> and links."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(blocks)
    return "\n".join(out)


def posts_to(fake: Any, channel: str) -> list[Any]:
    """Top-level posts Slack took in one channel or DM (thread replies and failures left out)."""
    return [
        c
        for c in fake.calls_to("chat.postMessage")
        if c.args["channel"] == channel and not c.args.get("thread_ts") and not c.failed
    ]
