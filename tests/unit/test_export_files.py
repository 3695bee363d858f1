"""Files through the outbox (OutboxKind.FILE): uploaded once, into a channel or a person's DM."""

from __future__ import annotations

import base64
from datetime import timedelta

from sqlmodel import Session

from bot.slack.gateway import WebGateway
from bot.slack.gateway_protocol import SlackError
from bot.slack.web_clients import make_send_client
from storage import outbox
from storage.models import Outbox
from storage.values import OutboxKind, OutboxStatus
from tests.support.world import BOT_TOKEN

CSV = b"id,team\r\nFB-1,billing\r\n"


def _enqueue(engine, clock, key="export:1", **payload):
    body = {
        "filename": "export.csv",
        "title": "Feedback export",
        "text": "Here it is",
        "content_b64": base64.b64encode(CSV).decode(),
        **payload,
    }
    with Session(engine) as session:
        row = outbox.enqueue(
            session, key=key, kind=OutboxKind.FILE, team_id="T0ACME", now=clock.now(), payload=body
        )
        session.commit()
        assert row is not None and row.id is not None
        return row.id


def _row(engine, row_id) -> Outbox:
    with Session(engine) as session:
        row = session.get(Outbox, row_id)
        assert row is not None
        return row


def test_a_file_for_a_person_lands_in_their_dm_once(engine, delivery, slack, clock):
    row_id = _enqueue(engine, clock, user="ULEAD")
    assert delivery.send([row_id]).sent == 1
    assert delivery.send([row_id]).skipped == 1  # done: never sent again

    [upload] = slack.uploads
    assert upload["channel"] == "DLEAD"  # the DM's conversation id, from conversations.open
    assert upload["content"] == CSV
    assert (upload["filename"], upload["title"], upload["initial_comment"]) == (
        "export.csv",
        "Feedback export",
        "Here it is",
    )
    row = _row(engine, row_id)
    assert row.status == OutboxStatus.DONE
    assert row.result["channel"] == "DLEAD" and row.result["file_id"] == upload["file_id"]


def test_a_file_for_a_channel_goes_there(engine, delivery, slack, clock):
    delivery.send([_enqueue(engine, clock, channel="CBILLING", text="")])
    [upload] = slack.uploads
    assert upload["channel"] == "CBILLING" and upload["initial_comment"] is None
    assert slack.calls_to("open_dm") == []


def test_a_refused_upload_is_tried_again_later(engine, delivery, slack, clock):
    slack.fail_next("upload_file", "ratelimited", status=429, retry_after=30)
    row_id = _enqueue(engine, clock, user="ULEAD")
    assert delivery.send([row_id]).failed == 1
    assert slack.uploads == []
    row = _row(engine, row_id)
    assert row.status == OutboxStatus.PENDING and row.unsure_since is None

    clock.advance(timedelta(minutes=2))
    assert delivery.drain().sent == 1
    assert len(slack.uploads) == 1


def test_an_upload_whose_answer_was_lost_goes_again_and_says_so(
    engine, delivery, slack, clock, caplog
):
    slack.lose_next_answer("upload_file")
    row_id = _enqueue(engine, clock, user="ULEAD")
    assert delivery.send([row_id]).failed == 1
    clock.advance(timedelta(minutes=2))
    assert delivery.drain().sent == 1
    # Documented: no metadata to look a file up by, so it may appear twice, never zero times.
    assert len(slack.uploads) == 2
    assert "may appear twice" in caplog.text


def test_the_real_gateway_uses_slacks_external_upload_flow(fake_slack):
    gateway = WebGateway(make_send_client(BOT_TOKEN, fake_slack.url))
    shared = gateway.upload_file(
        channel="DLEAD",
        filename="export.csv",
        content=CSV,
        title="Feedback export",
        initial_comment="Here it is",
    )
    [asked] = fake_slack.calls_to("files.getUploadURLExternal")
    assert asked.args["filename"] == "export.csv" and int(asked.args["length"]) == len(CSV)
    assert len(fake_slack.calls_to("upload_url")) == 1  # the bytes went to the fake too
    [done] = fake_slack.calls_to("files.completeUploadExternal")
    assert done.args["channel_id"] == "DLEAD"
    [upload] = fake_slack.uploads()
    assert (upload.content, upload.channel, upload.title, upload.initial_comment) == (
        CSV,
        "DLEAD",
        "Feedback export",
        "Here it is",
    )
    assert shared["file_id"] == upload.file_id and shared["channel"] == "DLEAD"


def test_a_failed_upload_before_completion_shared_nothing(fake_slack):
    gateway = WebGateway(make_send_client(BOT_TOKEN, fake_slack.url))
    fake_slack.fail_next("upload_url", status=500)
    try:
        gateway.upload_file(
            channel="DLEAD", filename="a.csv", content=CSV, title="a", initial_comment=None
        )
    except SlackError as exc:
        assert exc.maybe_sent is False  # never completed: trying again cannot double it
    else:
        raise AssertionError("the upload should have failed")
    assert fake_slack.uploads() == []
    assert fake_slack.calls_to("files.completeUploadExternal") == []
