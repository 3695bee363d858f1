"""Threads and mentions: @Frontline in a thread offers to log its first message (a button, so
nothing is logged by accident); the message shortcut on a reply keeps the reply's own link."""

from __future__ import annotations

import json

from tests.support.bot_process import socket_mode_env, start_bot, stop_bot
from tests.support.helpers import block_text, eventually, items
from tests.support.slack_requests import mention_event, option_value, reaction_event, text_value


def ephemerals(fake_slack, user=None):
    return [
        c
        for c in fake_slack.calls_to("chat.postEphemeral")
        if not c.failed and (user is None or c.args["user"] == user)
    ]


def blocks_of(call):
    blocks = call.args["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def offer_button(call):
    actions = next(b for b in blocks_of(call) if b["type"] == "actions")
    [button] = actions["elements"]
    return button


def test_a_mention_in_a_thread_offers_a_button_and_logs_nothing_yet(running, fake_slack):
    parent = fake_slack.seed_message("C0AGENTS", "Acme asks for a refund of the double charge")
    mention = fake_slack.seed_message(
        "C0AGENTS", "<@UBOT> can you log this?", thread_ts=parent, user="UAGENT"
    )
    assert running.slack.event(mention_event("C0AGENTS", mention, parent)).status == 200
    [offer] = eventually(lambda: ephemerals(fake_slack, "UAGENT"))
    assert offer.args["channel"] == "C0AGENTS" and offer.args["thread_ts"] == parent
    button = offer_button(offer)
    assert button["action_id"] == "feedback_log_thread"
    assert button["value"] == f"C0AGENTS|{parent}"
    running.settle()
    assert items(running.engine) == []

    # the click logs the parent, with the clicker as the reporter
    running.slack.block_action("feedback_log_thread", button["value"], user="UCLICK")
    [note] = eventually(lambda: ephemerals(fake_slack, "UCLICK"))
    assert "FB-1" in block_text(blocks_of(note))
    [item] = items(running.engine)
    assert item.summary == "Acme asks for a refund of the double charge"
    assert item.reporter_id == "UCLICK" and item.team_key == "billing"
    assert item.source_permalink.endswith("p" + parent.replace(".", ""))

    # a second click (or a reaction on the parent later) finds the same item
    running.slack.block_action("feedback_log_thread", button["value"], user="UAGENT")
    eventually(lambda: len(ephemerals(fake_slack, "UAGENT")) == 2)
    assert "already logged as *FB-1*" in ephemerals(fake_slack, "UAGENT")[-1].args["text"]
    assert len(items(running.engine)) == 1


def test_a_mention_outside_a_thread_gets_a_short_helpful_answer(running, fake_slack):
    ts = fake_slack.seed_message("C0AGENTS", "<@UBOT> hi", user="UAGENT")
    running.slack.event(mention_event("C0AGENTS", ts))
    [answer] = eventually(lambda: ephemerals(fake_slack, "UAGENT"))
    assert "thread" in answer.args["text"] and "/feedback" in answer.args["text"]
    assert "thread_ts" not in answer.args
    assert not [b for b in blocks_of(answer) if b["type"] == "actions"]
    running.settle()
    assert items(running.engine) == []


def test_the_message_shortcut_on_a_thread_reply_keeps_the_replys_own_link(running, fake_slack):
    reply_ts = "1759999999.000300"
    running.slack.message_action(
        "They need invoice exports as CSV",
        channel="C0AGENTS",
        ts=reply_ts,
        thread_ts="1759999999.000100",
    )
    [opened] = fake_slack.wait_for("views.open")
    view = opened.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    values = {
        "fb_summary": {"summary": text_value("Invoice exports as CSV")},
        "fb_kind": {"kind": option_value("suggestion")},
        "fb_urgency": {"urgency": option_value("normal", "radio_buttons")},
    }
    running.slack.view_submission(
        "feedback_capture", values, private_metadata=view["private_metadata"], view_id="VREPLY"
    )
    eventually(lambda: items(running.engine) and items(running.engine)[0].source_permalink)
    link = items(running.engine)[0].source_permalink
    assert link.endswith("archives/C0AGENTS/p1759999999000300")
    [asked] = fake_slack.calls_to("chat.getPermalink")
    assert asked.args["message_ts"] == reply_ts


def test_reaction_and_mention_work_over_socket_mode(tmp_path, config_file, fake_slack, socket_mode):
    env = socket_mode_env(tmp_path, config_file, fake_slack.url)
    proc = start_bot(env)
    try:
        socket_mode.wait_connected(timeout=30)
        parent = fake_slack.seed_message("C0AGENTS", "Acme wants invoice exports as CSV")
        reply = fake_slack.seed_message("C0AGENTS", "<@UBOT> log it", thread_ts=parent)

        def envelope(event, event_id):
            return {
                "token": "legacy",
                "team_id": "T0ACME",
                "api_app_id": "A0FRONT",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": 1760000000,
            }

        socket_mode.push("events_api", envelope(reaction_event("C0AGENTS", parent), "EvSM1"))
        [note] = fake_slack.wait_for("chat.postEphemeral", timeout=10)
        assert "FB-1" in note.args["text"] and note.args["user"] == "UAGENT"
        socket_mode.push(
            "events_api", envelope(mention_event("C0AGENTS", reply, parent, "UOTHER"), "EvSM2")
        )
        offer = fake_slack.wait_for("chat.postEphemeral", count=2, timeout=10)[-1]
        assert offer.args["user"] == "UOTHER" and offer.args["thread_ts"] == parent
    finally:
        stop_bot(proc)
