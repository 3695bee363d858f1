"""The outbox's exactly-once delivery, on the fake gateway and in-memory SQLite: milliseconds.

The e2e tier proves the same over HTTP against a fake Slack Web API; this tier shows the domain
needs nothing of Slack but the `SlackGateway` protocol.
"""

from __future__ import annotations

import inspect
import logging
from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core.config import parse_config
from bot.slack.delivery import METADATA_EVENT
from bot.slack.gateway import WebGateway
from bot.slack.gateway_protocol import SlackGateway
from storage import outbox
from storage.models import Item, Outbox
from storage.values import OutboxKind, OutboxStatus
from tests.support.fake_gateway import FakeGateway
from tests.support.world import CONFIG, Clock

CFG = parse_config(CONFIG, "test.yml")
KEY = "card:1:0"


def queue_card(engine: Engine, clock: Clock) -> int:
    """A captured item and its card row, as capture stores them."""
    now = clock.now()
    with Session(engine, expire_on_commit=False) as session:
        item = Item(
            slack_team_id="T0ACME",
            client_key="k1",
            team_key="billing",
            summary="Refund took weeks",
            reporter_id="UAGENT",
            created_at=now,
            updated_at=now,
            informed_at=now,
            due_at=now + timedelta(hours=4),
        )
        session.add(item)
        session.flush()
        assert item.id == 1
        [row_id] = outbox.queue(
            session,
            item,
            key=KEY,
            kind=OutboxKind.CARD,
            now=now,
            payload={"channel": "C0BILLING", "move": 0},
        )
        session.commit()
    return row_id


def state(engine: Engine, row_id: int) -> tuple[Outbox, Item]:
    with Session(engine, expire_on_commit=False) as session:
        row, item = session.get(Outbox, row_id), session.get(Item, 1)
        assert row is not None and item is not None
        return row, item


def test_the_fake_has_exactly_the_protocols_methods():
    def public(cls: type) -> set[str]:
        return {n for n, v in vars(cls).items() if callable(v) and not n.startswith("_")}

    protocol = public(SlackGateway)
    assert protocol == {
        "post_message",
        "update_message",
        "permalink",
        "channel_members",
        "open_dm",
        "messages",
        "user_info",
        "auth_test",
        "upload_file",
        "read_message",
        "post_ephemeral",
    }
    assert protocol <= public(FakeGateway)
    assert protocol == public(WebGateway)
    for name in protocol:  # same parameters, so the fake cannot drift from the real one
        fake = inspect.signature(getattr(FakeGateway, name)).parameters
        real = inspect.signature(getattr(WebGateway, name)).parameters
        assert list(fake) == list(real), name


def test_a_card_is_posted_once_and_its_metadata_names_the_outbox_key(
    engine, slack, delivery, clock
):
    row_id = queue_card(engine, clock)

    assert delivery.send([row_id]).sent == 1
    assert delivery.send([row_id]).skipped == 1  # done: a second run sends nothing

    [post] = slack.calls_to("post_message")
    assert post.args["channel"] == "C0BILLING"
    assert post.args["metadata"] == {"event_type": METADATA_EVENT, "event_payload": {"key": KEY}}
    assert "Refund took weeks" in post.args["text"]
    row, item = state(engine, row_id)
    [message] = slack.posts_with_key(KEY)
    assert row.status == OutboxStatus.DONE and row.unsure_since is None
    assert (item.card_channel, item.card_ts) == ("C0BILLING", message["ts"])
    assert item.card_permalink == slack.permalink("C0BILLING", message["ts"])
    assert slack.calls_to("messages") == []  # nothing was unsure: no lookup before posting


def test_a_lost_answer_is_adopted_on_retry_not_posted_again(engine, slack, delivery, clock, caplog):
    caplog.set_level(logging.INFO, "bot.slack.delivery")
    row_id = queue_card(engine, clock)
    slack.lose_next_answer("post_message")

    assert delivery.send([row_id]).failed == 1
    row, item = state(engine, row_id)
    assert slack.posts_with_key(KEY)  # Slack has the card ...
    assert item.card_ts is None  # ... but Frontline never heard back
    assert row.status == OutboxStatus.PENDING and row.unsure_since is not None
    assert row.last_error == "TimeoutError: The read operation timed out"

    clock.set(row.next_attempt_at + timedelta(seconds=1))
    assert delivery.send([row_id]).sent == 1

    assert len(slack.calls_to("post_message")) == 1  # looked up, not posted again
    [lookup] = slack.calls_to("messages")
    assert lookup.args["channel"] == "C0BILLING" and lookup.args["thread_ts"] is None
    [message] = slack.posts_with_key(KEY)
    row, item = state(engine, row_id)
    assert row.status == OutboxStatus.DONE and row.result["ts"] == message["ts"]
    assert item.card_ts == message["ts"]
    assert f"outbox {KEY} (card) was already in Slack: adopted it" in caplog.text


def test_a_refused_post_waits_as_long_as_slack_asked_and_goes_without_a_lookup(
    engine, slack, delivery, clock
):
    row_id = queue_card(engine, clock)
    slack.fail_next("post_message", "ratelimited", status=429, retry_after=120)

    assert delivery.send([row_id]).failed == 1
    row, _ = state(engine, row_id)
    assert row.last_error == "slack 429: ratelimited"
    assert row.unsure_since is None  # Slack said no: nothing to look for
    assert row.next_attempt_at == clock.now() + timedelta(seconds=120)  # Retry-After > backoff

    clock.set(row.next_attempt_at)
    assert delivery.send([row_id]).sent == 1
    assert slack.calls_to("messages") == []
    assert len(slack.posts_with_key(KEY)) == 1


def test_a_history_it_cannot_read_means_posting_again(engine, slack, delivery, clock, caplog):
    row_id = queue_card(engine, clock)
    slack.lose_next_answer("post_message")
    delivery.send([row_id])
    slack.fail_next("messages", "missing_scope")

    row, _ = state(engine, row_id)
    clock.set(row.next_attempt_at)
    assert delivery.send([row_id]).sent == 1

    assert len(slack.posts_with_key(KEY)) == 2  # the price of a history the bot cannot read
    assert "cannot read C0BILLING to check for an earlier copy (missing_scope)" in caplog.text
