"""The scheduled jobs as use-case services on in-memory SQLite and the fake gateway.

Each job is built from its collaborators by hand, as bot/services/frontline.py does, and run
with `run(dry_run)`: the report's lines and summary are what `frontline jobs run` prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cards.membership import Membership
from bot.cli import JOBS
from bot.core.config import parse_config
from bot.schedule.deliveries import Deliveries
from bot.schedule.digest import DigestService
from bot.schedule.nudges import NudgeService
from bot.schedule.people import People
from bot.schedule.tips import TipBook, TipService
from bot.services.capture import CaptureService
from bot.services.card_actions import CardActions
from bot.services.frontline import Frontline
from bot.services.workspace import Workspace
from bot.slack.delivery import Delivery
from storage.models import Item
from tests.support.fake_gateway import TEAM_ID, FakeGateway
from tests.support.world import CONFIG, Clock, ny

CFG = parse_config(CONFIG, "test.yml")
TIP_CHANNELS = ["C0TIPS", "C0FLOOR"]


@pytest.fixture
def people(engine: Engine, slack: FakeGateway, clock: Clock) -> People:
    return People(engine, slack, clock.now)


@pytest.fixture
def workspace(engine: Engine, slack: FakeGateway, clock: Clock) -> Iterator[Workspace]:
    workspace = Workspace(engine, slack, clock.now, after_ack_workers=1)
    yield workspace
    workspace.close()


@pytest.fixture
def nudges(engine: Engine, clock: Clock, people: People, delivery: Delivery) -> NudgeService:
    return NudgeService(CFG, engine, clock.now, people, delivery)


@pytest.fixture
def tip_posts(engine: Engine, clock: Clock, workspace: Workspace, delivery: Delivery) -> TipService:
    return TipService(CFG, engine, clock.now, workspace, TipBook(CFG), delivery)


@pytest.fixture
def digest(
    engine: Engine, clock: Clock, people: People, workspace: Workspace, delivery: Delivery
) -> DigestService:
    return DigestService(CFG, engine, clock.now, people, workspace, TipBook(CFG), delivery)


def logged_and_taken(
    engine: Engine, slack: FakeGateway, clock: Clock, delivery: Delivery, people: People
) -> Item:
    """One billing item logged by UAGENT and taken by UBILL1; its card and notes already sent."""
    capture = CaptureService(CFG, engine, slack, clock.now, delivery)
    result = capture.capture_command(
        "Refund charged twice for Acme", team_id=TEAM_ID, user_id="UAGENT", client_key="cmd:1"
    )
    assert result.captured is not None
    item_id = result.captured.item.id
    cards = CardActions(CFG, engine, clock.now, Membership(slack), people)
    assert cards.take(TEAM_ID, "UBILL1", item_id).changed
    delivery.drain()
    slack.calls.clear()
    with Session(engine) as session:
        item = session.get(Item, item_id)
        assert item is not None and item.owner_id == "UBILL1"
        return item


def posts_to(slack: FakeGateway, channel: str) -> list[str]:
    return [c.args["text"] for c in slack.calls_to("post_message") if c.args["channel"] == channel]


# --- nudges -------------------------------------------------------------------------------------


def test_a_due_item_gets_one_nudge_dm_once(nudges, engine, slack, clock, delivery, people) -> None:
    item = logged_and_taken(engine, slack, clock, delivery, people)
    ref = f"FB-{item.id}"
    clock.set(item.due_at - timedelta(minutes=30))  # inside the 60-minute warning margin

    planned = nudges.run(dry_run=True)
    assert planned.lines == [f"nudge DM UBILL1: {ref}"]
    assert planned.summary == "nudges (dry run): 1 planned, nothing sent"
    assert slack.calls_to("post_message") == []

    first = nudges.run()
    assert first.lines == [f"nudge DM UBILL1: {ref}"]
    assert first.summary == "nudges: 1 queued, 1 sent, 0 failed"
    assert len(posts_to(slack, "UBILL1")) == 1

    clock.advance(timedelta(minutes=5))
    second = nudges.run()
    assert second.lines == [] and second.summary == "nudges: 0 queued, 0 sent, 0 failed"
    assert len(posts_to(slack, "UBILL1")) == 1  # never twice for the same deadline


def test_nothing_is_nudged_before_the_warning_margin(
    nudges, engine, slack, clock, delivery, people
) -> None:
    item = logged_and_taken(engine, slack, clock, delivery, people)
    clock.set(item.due_at - timedelta(hours=2))

    report = nudges.run()

    assert report.lines == [] and slack.calls_to("post_message") == []


# --- tips ---------------------------------------------------------------------------------------


def test_a_tip_posts_once_per_channel_per_day(tip_posts, slack, clock) -> None:
    clock.set(ny(25, 9, 30))  # Wednesday

    planned = tip_posts.run(dry_run=True)
    assert [line.split(" to ")[1] for line in planned.lines] == [
        f"{channel} for 2026-11-25" for channel in TIP_CHANNELS
    ]
    assert slack.calls_to("post_message") == []

    first = tip_posts.run()
    assert first.lines == planned.lines
    assert first.summary == "tips: 2 queued, 2 sent, 0 failed"
    assert [len(posts_to(slack, c)) for c in TIP_CHANNELS] == [1, 1]

    clock.advance(timedelta(hours=1))  # a second run the same day: nothing new
    again = tip_posts.run()
    assert again.lines == [] and again.summary == "tips: 0 queued, 0 sent, 0 failed"
    assert [len(posts_to(slack, c)) for c in TIP_CHANNELS] == [1, 1]

    clock.set(ny(26, 9, 30))  # the next working day: one more each
    assert tip_posts.run().summary == "tips: 2 queued, 2 sent, 0 failed"
    assert [len(posts_to(slack, c)) for c in TIP_CHANNELS] == [2, 2]
    titles = posts_to(slack, "C0TIPS")
    assert titles[0] != titles[1]  # no repeat before every tip was shown


def test_no_tips_on_a_weekend(tip_posts, slack, clock) -> None:
    clock.set(ny(28, 9, 30))  # Saturday

    report = tip_posts.run()

    assert report.lines == [] and slack.calls_to("post_message") == []


# --- digest and deliveries ----------------------------------------------------------------------


def test_the_digest_goes_once_per_person_per_day(
    digest, engine, slack, clock, delivery, people
) -> None:
    logged_and_taken(engine, slack, clock, delivery, people)
    clock.set(ny(25, 8, 45))

    first = digest.run()
    recipients = sorted(line.split()[2].rstrip(":") for line in first.lines)
    assert recipients == ["UAGENT", "UBILL1", "ULEADB", "ULEADP", "ULEADS"]
    assert first.summary == "digest: 5 queued, 5 sent, 0 failed"

    clock.advance(timedelta(minutes=5))
    again = digest.run()
    assert again.summary == "digest: 0 queued, 0 sent, 0 failed"
    assert len(slack.calls_to("post_message")) == 5


def test_deliveries_sends_what_is_due_and_reports_it(engine, slack, clock, delivery) -> None:
    capture = CaptureService(CFG, engine, slack, clock.now, delivery)
    capture.capture_command(
        "Refund charged twice for Acme", team_id=TEAM_ID, user_id="UAGENT", client_key="cmd:1"
    )
    deliveries = Deliveries(delivery)

    planned = deliveries.run(dry_run=True)
    assert planned.lines and all(line.startswith("would send ") for line in planned.lines)
    assert slack.calls == []

    report = deliveries.run()
    assert (report.sent, report.failed) == (len(planned.lines), 0)
    assert report.summary == f"deliveries: 0 queued, {report.sent} sent, 0 failed"
    assert deliveries.run(dry_run=True).lines == []


# --- the composition ----------------------------------------------------------------------------


def test_frontline_builds_one_service_per_job(engine, slack, clock) -> None:
    fl = Frontline(CFG, engine, slack, now=clock.now)
    try:
        assert set(fl.jobs) == set(JOBS)
        assert fl.jobs["nudges"] is fl.nudges and fl.jobs["tips"] is fl.tip_posts
        assert fl.jobs["digest"] is fl.digest and fl.jobs["deliveries"] is fl.deliveries
    finally:
        fl.close()
