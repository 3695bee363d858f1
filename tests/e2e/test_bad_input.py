"""Bad input never costs an item and never gets a bare 500.

Long pasted text is kept whole on both databases and shown trimmed on the card with all of it
in the card's thread; a database that cannot be reached gets a kind "not saved" answer; signed
but malformed requests get a 4xx and one log line; Slack markup typed into the form reads as
plain words; invisible text counts as empty; a retried event is handled once.
"""

from __future__ import annotations

import html
import json
import logging
import random
import time

import psycopg
import pytest
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from bot.slack import copy
from storage.models import SlackEventSeen
from tests.support.helpers import block_text, eventually, items, mrkdwn_texts
from tests.support.slack_requests import TEAM_ID, option_value, text_value, unique

WORDS = [
    "invoice",
    "refund",
    "customer",
    "export",
    "the",
    "a",
    "of",
    "&",
    "<tag>",
    ">",
    "waiting",
    "weeks",
    "again",
    "please",
]


def long_text(chars: int = 12_000, seed: int = 7) -> str:
    """A pasted customer email: many lines, with &, < and > that Slack mrkdwn would parse."""
    rng = random.Random(seed)
    lines, size = [], 0
    while size < chars:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 18)))
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)[:chars].rstrip()


def slack_escaped(text: str) -> str:
    """What Slack sends for typed text in a slash command or a message."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def capture_values(summary: str, details: str = "", customer: str = "") -> dict:
    return {
        "fb_summary": {"summary": text_value(summary)},
        "fb_details": {"details": text_value(details)},
        "fb_customer": {"customer": text_value(customer)},
        "fb_kind": {"kind": option_value("problem")},
        "fb_urgency": {"urgency": option_value("normal", "radio_buttons")},
        "fb_team": {"team": option_value("billing")},
    }


def card_post(fake_slack):
    return next(
        c
        for c in fake_slack.wait_for("chat.postMessage")
        if not c.args.get("thread_ts") and c.args["channel"].startswith("C")
    )


def assert_within_block_kit_limits(blocks: list[dict]) -> None:
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= 3000
            for field in block.get("fields", []):
                assert len(field["text"]) <= 2000
        if block["type"] == "context":
            for element in block["elements"]:
                assert len(element["text"]) <= 2000


def full_text_reply(fake_slack, thread_ts: str) -> dict[str, str]:
    """The thread reply under the card, read back as the text a person sees (unescaped)."""
    intro = copy.full_text_intro("FB-1")
    [reply] = eventually(
        lambda: [
            c
            for c in fake_slack.calls_to("chat.postMessage")
            if c.args.get("thread_ts") == thread_ts
            and not c.failed
            and c.args["blocks"][0]["text"]["text"] == intro
        ]
    )
    blocks = reply.args["blocks"]
    assert_within_block_kit_limits(blocks)
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sections[0] == copy.full_text_intro("FB-1")
    fields: dict[str, str] = {}
    label = ""
    for text in sections[1:]:
        if text in (copy.FULL_TEXT_DETAILS, copy.FULL_TEXT_CUSTOMER):
            label = text
        else:
            fields[label] = fields.get(label, "") + text
    return {label: html.unescape(text) for label, text in fields.items()}


def assert_long_item_whole_and_reachable(
    running, fake_slack, details: str, customer: str = ""
) -> None:
    [item] = items(running.engine)
    assert item.details == details  # stored whole, on SQLite and on PostgreSQL
    card = card_post(fake_slack)
    assert_within_block_kit_limits(card.args["blocks"])
    assert copy.CARD_FULL_TEXT_IN_THREAD in block_text(card.args["blocks"])
    item = eventually(lambda: (i := items(running.engine)[0]).card_ts and i)
    whole = {copy.FULL_TEXT_DETAILS: details}
    if customer:
        whole[copy.FULL_TEXT_CUSTOMER] = customer
    assert full_text_reply(fake_slack, item.card_ts) == whole  # one click: the card's thread


# --- 1. long text ----------------------------------------------------------------------------
def test_long_feedback_command_is_kept_whole(running, fake_slack):
    text = long_text()
    resp = running.slack.command(slack_escaped(text) + " #billing")
    assert resp.status == 200 and "FB-1" in resp.json()["text"]
    # the whole text as typed, tag included, as for any text longer than a summary
    assert_long_item_whole_and_reachable(running, fake_slack, text + " #billing")
    assert len(items(running.engine)[0].summary) <= 300


def test_long_details_in_the_form_are_kept_whole(running, fake_slack):
    text = long_text(seed=11)
    customer = "Acme Corp, " * 400  # 4,400 characters
    resp = running.slack.view_submission(
        "feedback_capture", capture_values("Invoices arrive late", text, customer)
    )
    assert resp.status == 200 and resp.json()["response_action"] == "update"
    [item] = items(running.engine)
    assert item.customer == customer.strip()
    assert_long_item_whole_and_reachable(running, fake_slack, text, customer.strip())
    card = card_post(fake_slack)
    assert "Acme Corp" in block_text(card.args["blocks"])


def test_long_message_through_the_shortcut_is_kept_whole(running, fake_slack):
    text = long_text(seed=13)
    resp = running.slack.message_action(slack_escaped(text))
    assert resp.status == 200
    [opened] = fake_slack.wait_for("views.open")
    view = opened.args["view"]
    assert_within_block_kit_limits(view["blocks"])
    assert copy.whole_message_attached(len(text)) in block_text(view["blocks"])
    summary = view["blocks"][0]["element"]["initial_value"]
    assert summary == text.splitlines()[0].strip()
    resp = running.slack.view_submission(
        "feedback_capture",
        capture_values(summary, "Customer called twice about this."),
        private_metadata=view["private_metadata"],
    )
    assert resp.status == 200 and resp.json()["response_action"] == "update"
    details = "Customer called twice about this.\n\n" + text
    assert_long_item_whole_and_reachable(running, fake_slack, details)


def test_moved_long_item_brings_its_full_text_to_the_new_card(running, fake_slack):
    text = long_text(seed=19)
    running.slack.command(slack_escaped(text) + " #billing")
    first = eventually(lambda: (i := items(running.engine)[0]).card_ts and i)
    full_text_reply(fake_slack, first.card_ts)
    resp = running.slack.view_submission(
        "feedback_reassign_to",
        {"fb_team": {"team": option_value("product")}, "fb_note": {"note": text_value("")}},
        user="UBILL1",
        private_metadata=json.dumps({"item": 1}),
    )
    assert resp.status == 200
    moved = eventually(lambda: (i := items(running.engine)[0]).card_channel == "C0PRODUCT" and i)
    whole = full_text_reply(fake_slack, moved.card_ts)
    assert whole == {copy.FULL_TEXT_DETAILS: text + " #billing"}


def test_long_resolution_note_is_kept_whole(running, fake_slack):
    running.slack.command("Refund took three weeks #billing")
    eventually(lambda: items(running.engine)[0].card_ts)
    note = long_text(5_000, seed=17)
    resp = running.slack.view_submission(
        "feedback_resolution",
        {
            "fb_outcome": {"outcome": option_value("done", "radio_buttons")},
            "fb_note": {"note": text_value(note)},
        },
        user="UBILL1",
        private_metadata=json.dumps({"item": 1}),
    )
    assert resp.status == 200
    item = eventually(lambda: (i := items(running.engine)[0]).status == "resolved" and i)
    assert item.resolution_note == note.strip()


# --- 2. the database cannot be reached --------------------------------------------------------
@pytest.fixture
def outage(database_url, running, request):
    """Switch the app's PostgreSQL database off (and on again): connections are refused."""
    if not database_url.startswith("postgresql"):
        pytest.skip("the outage is injected on PostgreSQL (SQLite keeps its open file)")
    server = request.getfixturevalue("postgres")
    name = make_url(database_url).database
    admin = psycopg.connect(**server.connect_kwargs(), autocommit=True)

    def down() -> None:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )

    def up() -> None:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    yield down, up
    up()
    admin.close()


def test_database_down_gets_a_kind_not_saved_answer(running, fake_slack, outage, caplog):
    down, up = outage
    running.slack.command("Refund took weeks #billing")
    eventually(lambda: items(running.engine)[0].card_ts)
    fake_slack.wait_for("response_url")
    fake_slack.reset()
    down()
    resp = running.slack.command("Customer wants invoices as CSV #billing")
    assert resp.status == 200
    assert resp.json()["response_type"] == "ephemeral"
    assert resp.json()["text"] == copy.DATABASE_UNAVAILABLE

    resp = running.slack.view_submission(
        "feedback_capture", capture_values("Invoices arrive late", "Since May")
    )
    assert resp.status == 200
    assert resp.json() == {
        "response_action": "errors",
        "errors": {"fb_summary": copy.DATABASE_UNAVAILABLE},
    }

    resp = running.slack.view_submission(
        "feedback_customer_update",
        {"fb_note": {"note": text_value("Told them Friday")}},
        private_metadata=json.dumps({"item": 1}),
    )
    assert resp.status == 200
    assert resp.json()["errors"] == {"fb_note": copy.DATABASE_UNAVAILABLE}

    running.slack.message_action(slack_escaped(long_text(4_000)))
    [notice] = fake_slack.wait_for("views.open")
    assert copy.DATABASE_UNAVAILABLE in block_text(notice.args["view"]["blocks"])

    assert running.slack.block_action("feedback_take", "FB-1", user="UBILL1").status == 200
    [reply] = fake_slack.wait_for("response_url")
    assert reply.args["text"] == copy.DATABASE_UNAVAILABLE
    assert reply.args["replace_original"] is False
    assert not [r for r in caplog.records if r.exc_info]  # no traceback

    up()  # back: the same command now logs the item
    resp = running.slack.command("Customer wants invoices as CSV #billing")
    assert resp.status == 200 and "FB-2" in resp.json()["text"]
    assert [i.summary for i in items(running.engine)] == [
        "Refund took weeks",
        "Customer wants invoices as CSV",
    ]
    assert items(running.engine)[0].owner_id is None  # the click while down changed nothing


# --- 3. signed but malformed requests ---------------------------------------------------------
def _interactive(payload: object) -> tuple[bytes, str]:
    from urllib.parse import urlencode

    text = payload if isinstance(payload, str) else json.dumps(payload)
    return urlencode({"payload": text}).encode(), "application/x-www-form-urlencoded"


def _view(callback_id: str, **view: object) -> dict:
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID},
        "user": {"id": "UAGENT", "team_id": TEAM_ID},
        "view": {"callback_id": callback_id, "state": {"values": {}}, **view},
    }


MALFORMED = {
    "payload field not JSON": _interactive("{not json"),
    "payload field a JSON list": _interactive([1, 2]),
    "garbage JSON body": (b'{"type": "event_callback", "event": ', "application/json"),
    "JSON body a string": (b'"hello"', "application/json"),
    "body not UTF-8": (b"payload=\xff\xfe", "application/x-www-form-urlencoded"),
    "private_metadata not JSON": _interactive(
        _view("feedback_customer_update", id="V1", private_metadata="{item: 1")
    ),
    "private_metadata item a list": _interactive(
        _view("feedback_resolution", id="V1", private_metadata='{"item": [1]}')
    ),
    "private_metadata a list": _interactive(
        _view("feedback_reassign_to", id="V1", private_metadata="[1]")
    ),
    "view without id": _interactive(_view("feedback_capture")),
    "state values not objects": _interactive(
        {**_view("feedback_capture", id="V1"), "view": {"id": "V1", "state": {"values": [1]}}}
    ),
    "action without value": _interactive(
        {
            "type": "block_actions",
            "user": {"id": "UBILL1"},
            "team": {"id": TEAM_ID},
            "trigger_id": "1.2.3",
            "actions": [{"action_id": "feedback_take", "type": "button"}],
        }
    ),
    "actions not a list": _interactive(
        {"type": "block_actions", "user": {"id": "U1"}, "trigger_id": "1", "actions": "take"}
    ),
    "shortcut without trigger_id": _interactive(
        {
            "type": "message_action",
            "callback_id": "feedback_from_message",
            "user": {"id": "UAGENT"},
            "team": {"id": TEAM_ID},
            "message": {"text": "Refund please"},
        }
    ),
    "event not an object": (
        json.dumps(
            {"type": "event_callback", "team_id": TEAM_ID, "event_id": "Ev1", "event": "x"}
        ).encode(),
        "application/json",
    ),
    "slash command without trigger_id": (
        b"command=%2Ffeedback&text=Customer+secret+refund&user_id=UAGENT&team_id=T0ACME",
        "application/x-www-form-urlencoded",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_signed_malformed_request_gets_400_and_one_line(running, fake_slack, caplog, case):
    body, content_type = MALFORMED[case]
    caplog.clear()
    with caplog.at_level(logging.INFO):
        resp = running.slack.post(body, content_type)
        running.settle()  # anything a listener thread would still log
    assert resp.status == 400 and resp.body == b""
    # waitress warns "Task queue depth is N" when a loaded machine keeps its threads busy:
    # that is about the server's capacity, not about this request
    ours = [
        r for r in caplog.records if r.levelno >= logging.WARNING and r.name != "waitress.queue"
    ]
    assert len(ours) == 1, [r.getMessage() for r in ours]
    assert "refused a signed Slack request" in ours[0].getMessage()
    assert "secret" not in ours[0].getMessage() and "Refund" not in ours[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info]
    assert items(running.engine) == []
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_unsigned_malformed_request_still_gets_401(running, fake_slack, case):
    body, content_type = MALFORMED[case]
    assert running.slack.post(body, content_type, secret="wrong-secret-000000000").status == 401
    assert running.slack.post(body, content_type, timestamp=1_600_000_000).status == 401


def test_feedback_mentioning_payload_is_logged(running, fake_slack):
    """Bolt read any form containing the word "payload" as an empty interactive payload."""
    resp = running.slack.command("Webhook payload is missing the invoice id #billing")
    assert resp.status == 200 and "FB-1" in resp.json()["text"]
    assert items(running.engine)[0].summary == "Webhook payload is missing the invoice id"


# --- 4. Slack markup typed into the form -----------------------------------------------------
def test_markup_typed_into_the_form_reads_as_plain_words(running, fake_slack):
    resp = running.slack.view_submission(
        "feedback_capture",
        capture_values(
            "<!channel> <@U999> refund now",
            "<!here> see <https://evil.example|bank> & 1 < 2",
            "<@UCUST|Dana>",
        ),
    )
    assert resp.status == 200
    [item] = items(running.engine)
    assert item.summary == "@channel @U999 refund now"
    assert item.details == "@here see bank (https://evil.example) & 1 < 2"
    assert item.customer == "@Dana"
    card = card_post(fake_slack)
    shown = block_text(card.args["blocks"]) + card.args["text"]
    for markup in ("<!channel>", "<!here>", "<@U999>", "<@UCUST", "<https://evil"):
        assert markup not in shown
    assert "FB-1 · @channel @U999 refund now" in shown
    assert "<!here>" not in mrkdwn_texts(card.args["blocks"])


def test_markup_in_a_shortcut_message_reads_as_plain_words(running, fake_slack):
    running.slack.message_action("<!channel> <@U999|ann> wants CSV exports")
    [opened] = fake_slack.wait_for("views.open")
    summary = opened.args["view"]["blocks"][0]["element"]["initial_value"]
    assert summary == "@channel @ann wants CSV exports"


# --- 5. invisible text is empty -------------------------------------------------------------
INVISIBLE = ["\u200b", "\u200c\u200d", "\u2060 \ufeff", "\u00a0\u00a0", " \u200b\n\u00a0 "]


@pytest.mark.parametrize(
    "text", INVISIBLE, ids=[t.encode("unicode_escape").decode() for t in INVISIBLE]
)
def test_invisible_text_is_refused_on_every_path(running, fake_slack, text):
    # /feedback with nothing visible behaves as /feedback alone: the form opens
    assert running.slack.command(text).status == 200
    [opened] = fake_slack.wait_for("views.open")
    assert opened.args["view"]["callback_id"] == "feedback_capture"
    # after a team tag: the same message as a bare tag
    assert running.slack.command(f"#billing {text}").json()["text"] == copy.ERR_EMPTY_COMMAND
    # the form
    resp = running.slack.view_submission("feedback_capture", capture_values(text, text, text))
    assert resp.json() == {
        "response_action": "errors",
        "errors": {"fb_summary": copy.ERR_SUMMARY_REQUIRED},
    }
    # the message shortcut: the form opens with nothing to submit
    running.slack.message_action(text)
    opened = fake_slack.wait_for("views.open", count=2)[1]
    assert "initial_value" not in opened.args["view"]["blocks"][0]["element"]
    assert items(running.engine) == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_invisible_details_are_stored_empty(running, fake_slack):
    running.slack.view_submission(
        "feedback_capture", capture_values("Wants CSV invoices", "\u200b\u2060", "\u00a0")
    )
    [item] = items(running.engine)
    assert (item.details, item.customer) == ("", "")


# --- 6. Slack retries an event ----------------------------------------------------------------
def test_retried_event_is_handled_once(running, fake_slack):
    event_id = unique("Ev")
    body = json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": "A0FRONT",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1_760_000_000,
            "event": {
                "type": "app_home_opened",
                "user": "UAGENT",
                "channel": "D0AGENT",
                "tab": "home",
                "event_ts": "1760000000.1",
            },
        }
    ).encode()
    assert running.slack.post(body, "application/json").status == 200
    fake_slack.wait_for("views.publish")
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    started = time.monotonic()
    resp = running.slack.post(body, "application/json", headers=retry)
    assert resp.status == 200 and time.monotonic() - started < 2  # a fast ack
    running.settle()  # whatever the retry started has finished
    assert len(fake_slack.calls_to("views.publish")) == 1
    with Session(running.engine) as s:
        seen = s.exec(select(SlackEventSeen).where(SlackEventSeen.event_id == event_id)).all()
    assert len(seen) == 1  # recorded once: the retry was recognised, not handled again
    # a different event is handled as usual
    running.slack.event(
        {"type": "app_home_opened", "user": "UAGENT", "tab": "home", "event_ts": "1.2"}
    )
    fake_slack.wait_for("views.publish", count=2)


def test_migration_0003_keeps_existing_items_and_takes_long_text(database_url):
    """An existing database (at 0002) is upgraded in place, on SQLite and PostgreSQL."""
    from sqlalchemy import text

    from storage.db import make_engine
    from storage.migrate import upgrade

    upgrade(database_url, "0002")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO item (slack_team_id, client_key, team_key, summary, details,"
                    " customer, kind, urgency, reporter_id, status, routing_reason, created_at,"
                    " updated_at, informed_at, due_at, resolution_note, moves) VALUES ('T1', 'k1',"
                    " 'billing', 'Old item', 'old details', 'Acme', 'problem', 'normal', 'U1',"
                    " 'open', '', '2026-11-01 10:00:00', '2026-11-01 10:00:00',"
                    " '2026-11-01 10:00:00', '2026-11-02 10:00:00', '', 0)"
                )
            )
        upgrade(database_url)
        long = long_text()
        with engine.begin() as conn:
            conn.execute(text("UPDATE item SET details = :d, customer = :d"), {"d": long})
            row = conn.execute(text("SELECT summary, details, customer FROM item")).one()
        assert row == ("Old item", long, long)
    finally:
        engine.dispose()
