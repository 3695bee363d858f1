"""A message is posted once, even when Slack's answer is lost.

Slack took the post, but Frontline never heard back: the answer came after the client's
timeout, the connection dropped, the bot was killed mid-post, or the database failed before
the card's ts was recorded. The retry must find the first copy (by the message metadata that
names its outbox key) and adopt it, never post a second card with live buttons.
"""

from __future__ import annotations

import contextlib
import http.client
import signal
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy.engine import make_url

from storage.db import make_engine
from tests.support.app import start_app
from tests.support.bot_process import env_for, free_port, start_bot, stop_bot, wait_until_serving
from tests.support.fake_slack import wall_clock
from tests.support.helpers import eventually, items, outbox_rows
from tests.support.slack_requests import SlackSender, option_value, text_value
from tests.support.world import BOT_TOKEN, SIGNING_SECRET

SEND_TIMEOUT = 0.5  # the outbox client's timeout in these tests (10 s in production)


@pytest.fixture
def quick(database_url, config_file, fake_slack, clock):
    """The real app over HTTP, whose outbox gives up on a silent Slack after half a second."""
    run = start_app(database_url, config_file, fake_slack, now=clock.now, send_timeout=SEND_TIMEOUT)
    yield run
    run.stop()


def card_row(engine):
    return next(r for r in outbox_rows(engine) if r.kind == "card")


def deliveries(cli, when) -> str:
    code, out = cli("jobs", "run", "deliveries", "--at", when.isoformat())
    assert code == 0, out
    return out


@pytest.mark.parametrize("how", ["hang", "drop"])
def test_card_whose_answer_was_lost_is_adopted_not_posted_again(quick, fake_slack, clock, cli, how):
    fake_slack.clock = clock.now  # Slack's clock and ours agree, as in production
    fake_slack.lose_next_answer("chat.postMessage", how=how, seconds=SEND_TIMEOUT * 3)
    quick.slack.command("Refund took weeks #billing")
    fake_slack.wait_for("response_url")
    assert fake_slack.posts_with_key("card:1:0")  # Slack has the card ...
    row = eventually(lambda: (r := card_row(quick.engine)).status == "pending" and r)
    assert items(quick.engine)[0].card_ts is None  # ... but Frontline never heard back
    assert row.unsure_since is not None

    deliveries(cli, row.next_attempt_at + timedelta(seconds=1))
    [(channel, ts)] = fake_slack.posts_with_key("card:1:0")  # still exactly one card
    item = items(quick.engine)[0]
    assert (item.card_channel, item.card_ts) == (channel, ts)  # the first copy was adopted
    assert item.card_permalink and ts.replace(".", "") in item.card_permalink
    assert card_row(quick.engine).status == "done"
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if not c.failed]) == 1

    # the adopted card is the one the team works: a take updates it in place
    quick.slack.block_action("feedback_take", "FB-1", user="UBILL1")
    update = fake_slack.wait_for("chat.update")[0]
    assert (update.args["channel"], update.args["ts"]) == (channel, ts)


def test_thread_note_and_dm_whose_answers_were_lost_are_not_doubled(quick, fake_slack, clock, cli):
    quick.slack.command("Refund took weeks #billing")
    eventually(lambda: items(quick.engine)[0].card_ts)
    fake_slack.wait_for("response_url")
    fake_slack.clock = clock.now
    # the "taken" and "resolved" notes in the card's thread and the reporter's DM: all lost
    fake_slack.lose_next_answer("chat.postMessage", how="drop", times=3)
    quick.slack.block_action("feedback_take", "FB-1", user="UBILL1")
    eventually(
        lambda: any(r.kind == "thread" and r.unsure_since for r in outbox_rows(quick.engine))
    )
    resolve(quick, fake_slack, "UBILL1")
    eventually(lambda: any(r.kind == "dm" and r.unsure_since for r in outbox_rows(quick.engine)))

    later = clock.now() + timedelta(hours=2)
    deliveries(cli, later)
    for row in outbox_rows(quick.engine):
        if row.kind in ("thread", "dm"):
            assert row.status == "done", (row.key, row.last_error)
            assert len(fake_slack.posts_with_key(row.key)) == 1, row.key
    assert fake_slack.calls_to("conversations.replies")  # the thread was read back
    [opened] = fake_slack.calls_to("conversations.open")  # the DM was read back
    assert opened.args["users"] == "UAGENT"


def resolve(app, fake_slack, user: str) -> None:
    app.slack.block_action("feedback_resolve", "FB-1", user=user)
    opened = fake_slack.wait_for("views.open")[-1]
    values = {
        "fb_outcome": {"outcome": option_value("done", "radio_buttons")},
        "fb_note": {"note": text_value("Shipped in 4.2")},
    }
    meta = opened.args["view"]["private_metadata"]
    resp = app.slack.view_submission(
        "feedback_resolution", values, user=user, private_metadata=meta
    )
    assert resp.status == 200


def test_unreadable_history_still_delivers_and_says_why(quick, fake_slack, clock, cli, caplog):
    """Without the history scope Frontline cannot check: it posts again rather than lose it."""
    fake_slack.clock = clock.now
    fake_slack.unreadable_history["C0BILLING"] = "missing_scope"
    fake_slack.fail_next("chat.postMessage", status=502)
    quick.slack.command("Refund took weeks #billing")
    fake_slack.wait_for("response_url")
    row = eventually(lambda: (r := card_row(quick.engine)).status == "pending" and r)
    deliveries(cli, row.next_attempt_at + timedelta(seconds=1))
    assert items(quick.engine)[0].card_ts is not None
    assert "cannot read C0BILLING to check for an earlier copy (missing_scope)" in caplog.text


def test_slack_refusal_is_retried_without_a_lookup(quick, fake_slack, clock, cli):
    """channel_not_found means Slack took nothing: the retry posts without reading history."""
    fake_slack.fail_next("chat.postMessage", error="channel_not_found")
    quick.slack.command("Refund took weeks #billing")
    fake_slack.wait_for("response_url")
    row = eventually(
        lambda: (r := card_row(quick.engine)).status == "pending" and r.attempts == 1 and r
    )
    assert "channel_not_found" in row.last_error and row.unsure_since is None
    deliveries(cli, row.next_attempt_at + timedelta(seconds=1))
    assert items(quick.engine)[0].card_ts is not None
    assert not fake_slack.calls_to("conversations.history")


def test_rate_limit_waits_as_long_as_slack_asks(quick, fake_slack, clock):
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=600)
    quick.slack.command("Refund took weeks #billing")
    fake_slack.wait_for("response_url")
    row = eventually(lambda: (r := card_row(quick.engine)).status == "pending" and r)
    assert row.next_attempt_at - row.claimed_at >= timedelta(seconds=600)
    assert row.unsure_since is None  # a 429 is a clear "not taken"


def test_database_outage_after_slack_took_the_card(
    database_url, postgres, quick, fake_slack, clock, cli
):
    """PostgreSQL drops every connection between the post and recording its ts.

    The row stays 'sending'; once its 50-second lease is over the next deliveries run looks the
    card up and records it. SQLite has no outage to inject short of its 30 s lock wait; there
    the same state (a row left 'sending' after Slack took the post) comes from kill -9 below.
    """
    if not database_url.startswith("postgresql"):
        pytest.skip("a database outage is injected on PostgreSQL; SQLite: see the kill -9 test")
    name = make_url(database_url).database
    admin = psycopg.connect(**postgres.connect_kwargs(), autocommit=True)

    def outage() -> None:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )

    try:
        fake_slack.clock = clock.now
        fake_slack.lose_next_answer("chat.postMessage", how="hang", before_reply=outage)
        assert quick.slack.command("Refund took weeks #billing").status == 200
        fake_slack.wait_for("chat.postMessage")
        quick.frontline.close()  # let the after-ack work fail against the missing database
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        row = card_row(quick.engine)
        assert row.status == "sending" and items(quick.engine)[0].card_ts is None
        # before the lease is over, nothing is sent again (the sender might still be alive)
        deliveries(cli, row.claimed_at + timedelta(seconds=30))
        assert card_row(quick.engine).status == "sending"
        deliveries(cli, row.claimed_at + timedelta(seconds=51))
        [(_channel, ts)] = fake_slack.posts_with_key("card:1:0")
        assert items(quick.engine)[0].card_ts == ts
        assert card_row(quick.engine).status == "done"
    finally:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()


def test_bot_killed_while_posting_the_card(tmp_path, database_url, config_file, fake_slack, cli):
    """kill -9 while chat.postMessage is in flight; after restart the card is adopted."""
    port = free_port()
    env = env_for(
        tmp_path,
        config_file,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.url,
        DATABASE_URL=database_url,
        PORT=str(port),
        HOST="127.0.0.1",
    )
    proc = start_bot(env)
    fake_slack.clock = wall_clock  # the bot runs on the system clock here
    fake_slack.lose_next_answer(
        "chat.postMessage",
        how="hang",
        seconds=5,
        before_reply=lambda: proc.send_signal(signal.SIGKILL),
    )
    try:
        sender = SlackSender(
            f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake_slack.base + "/response/"
        )
        wait_until_serving(proc, port)
        # the kill may land while the ack is still on its way back: the item is stored anyway
        with contextlib.suppress(http.client.HTTPException, ConnectionError):
            sender.command("Refund took weeks #billing")
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            stop_bot(proc)
    engine = make_engine(database_url)
    try:
        row = card_row(engine)
        assert row.status == "sending"  # killed mid-post: the outcome is unknown
        assert len(fake_slack.posts_with_key("card:1:0")) == 1
        deliveries(cli, row.claimed_at + timedelta(seconds=51))
        [(_channel, ts)] = fake_slack.posts_with_key("card:1:0")  # still one card
        assert items(engine)[0].card_ts == ts
    finally:
        engine.dispose()
