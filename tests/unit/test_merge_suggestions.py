"""Suggestions after a capture: up to 3 similar open items of the team, each with a merge
button; nothing when nothing is close."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from bot.core.config import parse_config
from bot.insights.similar import SimilarFinder
from bot.services.capture import CaptureService
from bot.slack.delivery import Delivery
from tests.support.fake_gateway import TEAM_ID, FakeGateway
from tests.support.helpers import block_text
from tests.support.world import CONFIG, Clock

CFG = parse_config(CONFIG, "test.yml")


@pytest.fixture
def capture(engine: Engine, slack: FakeGateway, clock: Clock) -> CaptureService:
    service = CaptureService(CFG, engine, slack, clock.now, Delivery(engine, slack, CFG, clock.now))
    service.suggest_from(SimilarFinder(engine))
    return service


def command(capture: CaptureService, text: str, key: str):
    result = capture.capture_command(text, team_id=TEAM_ID, user_id="UAGENT", client_key=key)
    assert result.captured is not None
    return result.captured


def buttons(reply):
    return [b["accessory"] for b in reply["blocks"] if b.get("accessory")]


def test_the_reply_suggests_a_similar_open_item(capture) -> None:
    first = command(capture, "Refund took three weeks for Acme #billing", "cmd:1")
    capture.tell_where_it_went(first)
    second = command(capture, "Refund took three weeks for Globex #billing", "cmd:2")

    reply = capture.tell_where_it_went(second)

    assert reply["response_type"] == "ephemeral"
    assert [(b["action_id"], b["value"]) for b in buttons(reply)] == [
        ("feedback_merge_suggested", f"{second.ref}>{first.ref}")
    ]
    text = block_text(reply["blocks"])
    assert "Same request as *<https://" in text and "(1 customer)?" in text
    assert second.ref in text  # the usual answer comes first


def test_nothing_is_suggested_when_nothing_is_close(capture) -> None:
    first = command(capture, "Refund took three weeks #billing", "cmd:1")
    capture.tell_where_it_went(first)
    other = command(capture, "Invoice PDF shows the wrong address #billing", "cmd:2")

    reply = capture.tell_where_it_went(other)

    assert buttons(reply) == [] and "Same request" not in block_text(reply["blocks"])


def test_a_broken_finder_costs_only_the_suggestions(capture, engine) -> None:
    class Broken(SimilarFinder):
        def similar_to(self, item, limit=3):
            raise RuntimeError("index missing")

    capture.suggest_from(Broken(engine))
    captured = command(capture, "Refund took three weeks #billing", "cmd:1")

    reply = capture.tell_where_it_went(captured)

    assert captured.ref in reply["text"] and buttons(reply) == []
