"""The use-case services on in-memory SQLite and the fake gateway: milliseconds, no HTTP.

Each service is built from its collaborators by hand, as bot/services/frontline.py does: what
they need is what they are given.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.cards.membership import Membership
from bot.core.config import parse_config
from bot.schedule.people import People
from bot.services.capture import CaptureService
from bot.services.card_actions import CardActions
from bot.slack.delivery import Delivery
from storage.models import Item, ItemEvent
from storage.values import OutboxKind, OutboxStatus
from tests.support.fake_gateway import TEAM_ID, FakeGateway
from tests.support.helpers import outbox_rows
from tests.support.world import CONFIG, Clock

CFG = parse_config(CONFIG, "test.yml")


@pytest.fixture
def capture(engine: Engine, slack: FakeGateway, clock: Clock) -> CaptureService:
    return CaptureService(CFG, engine, slack, clock.now, Delivery(engine, slack, CFG, clock.now))


@pytest.fixture
def cards(engine: Engine, slack: FakeGateway, clock: Clock) -> CardActions:
    return CardActions(CFG, engine, clock.now, Membership(slack), People(engine, slack, clock.now))


def events_of(engine: Engine) -> list[tuple[int | None, str]]:
    with Session(engine) as session:
        return [(e.id, e.kind) for e in session.exec(select(ItemEvent)).all()]


def stored(engine: Engine, item_id: int | None) -> Item:
    with Session(engine) as session:
        item = session.get(Item, item_id)
        assert item is not None
        return item


def capture_one(capture: CaptureService, key: str = "cmd:1") -> Item:
    result = capture.capture_command(
        "Refund charged twice for Acme", team_id=TEAM_ID, user_id="UAGENT", client_key=key
    )
    assert result.captured is not None
    return result.captured.item


def test_a_capture_stores_the_item_and_queues_its_card(capture, engine, slack) -> None:
    result = capture.capture_command(
        "Refund charged twice for Acme", team_id=TEAM_ID, user_id="UAGENT", client_key="cmd:1"
    )

    assert result.captured is not None
    item = stored(engine, result.captured.item.id)
    assert (item.team_key, item.reporter_id, item.owner_id) == ("billing", "UAGENT", None)
    assert result.captured.ref in result.text and "Billing" in result.text
    rows = outbox_rows(engine)
    assert [(r.kind, r.item_id, r.status) for r in rows] == [
        (OutboxKind.CARD, item.id, OutboxStatus.PENDING)
    ]
    assert [r.id for r in rows] == list(result.captured.outbox_ids)
    assert slack.calls == []  # queued, not sent: the listener acks first


def test_a_refused_command_stores_nothing(capture, engine) -> None:
    result = capture.capture_command(
        "<#C0BILLING>", team_id=TEAM_ID, user_id="UAGENT", client_key="cmd:empty"
    )  # only the team's channel: nothing left to log

    assert result.captured is None and result.text
    with Session(engine) as session:
        assert session.exec(select(Item)).all() == []
    assert outbox_rows(engine) == []


def test_the_capture_form_reports_errors_and_stores_nothing(capture, engine) -> None:
    result = capture.capture_form(
        {"summary": ""}, team_key=None, team_id=TEAM_ID, user_id="UAGENT", client_key="view:1"
    )

    assert result.captured is None and "summary" in result.errors
    assert outbox_rows(engine) == []


def test_an_outsider_is_refused_and_nothing_changes(capture, cards, engine) -> None:
    item = capture_one(capture)
    before = [(r.id, r.status) for r in outbox_rows(engine)]
    events = events_of(engine)

    change = cards.take(TEAM_ID, "UPROD1", item.id)  # in Product, not in Billing

    assert not change.changed and not change.outbox_ids
    assert change.message and "Billing" in change.message
    assert stored(engine, item.id).owner_id is None
    assert [(r.id, r.status) for r in outbox_rows(engine)] == before
    assert events_of(engine) == events


def test_take_sets_the_owner_and_queues_a_thread_note(capture, cards, engine) -> None:
    item = capture_one(capture)

    change = cards.take(TEAM_ID, "UBILL1", item.id)

    assert change.changed and change.message is None
    assert stored(engine, item.id).owner_id == "UBILL1"
    queued = {r.id: r.kind for r in outbox_rows(engine)}
    assert OutboxKind.THREAD in [queued[i] for i in change.outbox_ids]


def test_another_workspace_cannot_find_the_item(capture, cards, engine) -> None:
    item = capture_one(capture)

    change = cards.take("T0OTHER", "UBILL1", item.id)

    assert change.item is None and change.message
    assert stored(engine, item.id).owner_id is None
    assert cards.opening("T0OTHER", "UBILL1", f"FB-{item.id}").item is None
