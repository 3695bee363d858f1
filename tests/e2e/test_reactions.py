"""Capture by emoji reaction: a :memo: on a customer's message logs it once, the reactor hears
privately what happened, and bad input is told kindly with nothing stored."""

from __future__ import annotations

import json
import threading

from tests.support.helpers import block_text, events, eventually, items, outbox_rows
from tests.support.slack_requests import reaction_event, text_value

MESSAGE = "Customer wants a refund for the double charge\nThey were charged twice in May."


def ephemerals(fake_slack, user=None):
    return [
        c
        for c in fake_slack.calls_to("chat.postEphemeral")
        if not c.failed and (user is None or c.args["user"] == user)
    ]


def dms(fake_slack, user):
    return [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"] == user and not c.failed
    ]


def buttons(call):
    blocks = call.args["blocks"]
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    actions = next(b for b in blocks if b["type"] == "actions")
    return {e["action_id"]: e["value"] for e in actions["elements"]}


def react(running, fake_slack, text=MESSAGE, channel="C0AGENTS", user="UAGENT"):
    ts = fake_slack.seed_message(channel, text)
    assert running.slack.event(reaction_event(channel, ts, user=user)).status == 200
    return ts


def test_a_memo_reaction_logs_the_message_and_tells_the_reactor_privately(running, fake_slack):
    ts = react(running, fake_slack)
    [note] = eventually(lambda: ephemerals(fake_slack, "UAGENT"))
    [item] = items(running.engine)
    assert item.summary == "Customer wants a refund for the double charge"
    assert "charged twice in May" in item.details
    assert item.reporter_id == "UAGENT" and item.team_key == "billing"
    assert item.client_key == f"reaction:C0AGENTS:{ts}"
    assert item.source_permalink.endswith("archives/C0AGENTS/p" + ts.replace(".", ""))
    history = fake_slack.calls_to("conversations.history")[0].args
    assert history["latest"] == ts and history["limit"] in ("1", 1)
    assert str(history["inclusive"]).lower() in ("1", "true")
    # the note: in that channel, the id, the team and why, with the buttons to fix it
    assert note.args["channel"] == "C0AGENTS"
    text = block_text(
        json.loads(note.args["blocks"])
        if isinstance(note.args["blocks"], str)
        else note.args["blocks"]
    )
    assert "FB-1" in text and "Billing" in text and "refund" in text
    assert buttons(note) == {
        "feedback_reassign": "FB-1",
        "feedback_capture_urgent": "FB-1",
        "feedback_capture_customer": "FB-1",
        "feedback_capture_undo": "FB-1",
    }
    card = eventually(lambda: [c for c in dms(fake_slack, "C0BILLING")])
    assert "archives/C0AGENTS/p" in block_text(card[0].args["blocks"])


def test_a_second_reaction_by_anyone_makes_no_second_item(running, fake_slack):
    ts = react(running, fake_slack)
    eventually(lambda: ephemerals(fake_slack, "UAGENT"))
    running.slack.event(reaction_event("C0AGENTS", ts, user="UOTHER", reaction="memo"))
    [seen] = eventually(lambda: ephemerals(fake_slack, "UOTHER"))
    assert "already logged as *FB-1*" in seen.args["text"]
    # the first reactor again, with another configured emoji (a skin tone counts as the emoji)
    running.slack.event(reaction_event("C0AGENTS", ts, user="UAGENT", reaction="memo::skin-tone-2"))
    eventually(lambda: len(ephemerals(fake_slack, "UAGENT")) == 2)
    running.settle()
    assert len(items(running.engine)) == 1
    assert [e.kind for e in events(running.engine, 1)] == ["created"]


def test_other_reactions_and_retried_events_change_nothing(running, fake_slack):
    ts = fake_slack.seed_message("C0AGENTS", MESSAGE)
    running.slack.event(reaction_event("C0AGENTS", ts, reaction="+1"))
    running.settle()
    assert items(running.engine) == [] and fake_slack.calls_to("conversations.history") == []
    event = reaction_event("C0AGENTS", ts)
    assert running.slack.event(event, event_id="EvRETRY1").status == 200
    assert running.slack.event(event, event_id="EvRETRY1").status == 200  # Slack's retry
    running.settle()
    eventually(lambda: ephemerals(fake_slack))
    assert len(items(running.engine)) == 1 and len(ephemerals(fake_slack)) == 1
    assert len(fake_slack.calls_to("conversations.history")) == 1


def test_a_reply_in_a_thread_is_read_with_replies_and_keeps_its_own_link(running, fake_slack):
    parent = fake_slack.seed_message("C0AGENTS", "Call notes from Acme")
    reply = fake_slack.seed_message(
        "C0AGENTS", "They need invoice exports as CSV", thread_ts=parent, user="UAGENT2"
    )
    running.slack.event(reaction_event("C0AGENTS", reply))
    eventually(lambda: ephemerals(fake_slack))
    [item] = items(running.engine)
    assert item.summary == "They need invoice exports as CSV"
    assert item.source_permalink.endswith("p" + reply.replace(".", ""))
    [replies] = fake_slack.calls_to("conversations.replies")
    assert replies.args["ts"] == reply and replies.args["latest"] == reply


def test_the_bot_cannot_read_the_message_the_reactor_learns_how_to_invite_it(running, fake_slack):
    fake_slack.unreadable_history["C0SECRET"] = "not_in_channel"
    running.slack.event(reaction_event("C0SECRET", "1760000000.000900"))
    [dm] = eventually(lambda: dms(fake_slack, "UAGENT"))
    assert "/invite @Frontline" in dm.args["text"] and "<#C0SECRET>" in dm.args["text"]
    # a deleted message: the same answer
    running.slack.event(reaction_event("C0AGENTS", "1760000000.000999", user="UOTHER"))
    eventually(lambda: dms(fake_slack, "UOTHER"))
    running.settle()
    assert items(running.engine) == []
    assert not any(
        c.args["channel"] == "C0BILLING" for c in fake_slack.calls_to("chat.postMessage")
    )


def test_bad_input_is_told_privately_and_nothing_is_created(running, fake_slack):
    bot_ts = fake_slack._next_ts()
    fake_slack.messages[("C0AGENTS", bot_ts)] = {"text": "Logged FB-9 for Billing"}  # the app's
    running.slack.event(reaction_event("C0AGENTS", bot_ts, user="UONE"))
    [bot] = eventually(lambda: ephemerals(fake_slack, "UONE"))
    assert "comes from an app" in bot.args["text"]

    file_ts = fake_slack.seed_message("C0AGENTS", "")  # a file on its own
    running.slack.event(reaction_event("C0AGENTS", file_ts, user="UTWO"))
    [empty] = eventually(lambda: ephemerals(fake_slack, "UTWO"))
    assert "no text" in empty.args["text"]

    running.slack.event(reaction_event("D0SOMEONE", "1760000000.000500", user="UTHREE"))
    [dm] = eventually(lambda: dms(fake_slack, "UTHREE"))
    assert "/feedback" in dm.args["text"]
    running.settle()
    assert items(running.engine) == []
    assert all(
        c.args["channel"] != "D0SOMEONE" for c in fake_slack.calls_to("conversations.history")
    )


def test_when_the_note_cannot_be_shown_in_the_channel_it_comes_as_a_dm(running, fake_slack):
    fake_slack.fail_next("chat.postEphemeral", error="user_not_in_channel")
    react(running, fake_slack)
    [dm] = eventually(lambda: dms(fake_slack, "UAGENT"))
    assert "FB-1" in dm.args["text"]
    assert [r.kind for r in outbox_rows(running.engine) if r.key.startswith("reaction-note")] == [
        "ephemeral"
    ]


def test_the_notes_buttons_mark_urgent_add_the_customer_and_undo(running, fake_slack):
    react(running, fake_slack)
    eventually(lambda: ephemerals(fake_slack))
    eventually(lambda: items(running.engine)[0].card_ts)

    running.slack.block_action("feedback_capture_urgent", "FB-1", channel="C0AGENTS")
    [urgent] = fake_slack.wait_for("response_url")
    assert "now high urgency" in urgent.args["text"]
    assert items(running.engine)[0].urgency == "high"
    eventually(lambda: dms(fake_slack, "ULEADB"))  # the lead hears about high urgency

    running.slack.block_action("feedback_capture_customer", "FB-1", channel="C0AGENTS")
    [opened] = fake_slack.wait_for("views.open")
    view = opened.args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "feedback_capture_customer_set"
    resp = running.slack.view_submission(
        "feedback_capture_customer_set",
        {"fb_customer": {"customer": text_value("Acme Corp")}},
        private_metadata=view["private_metadata"],
    )
    assert resp.status == 200
    assert items(running.engine)[0].customer == "Acme Corp"

    # someone else may not withdraw it
    running.slack.block_action("feedback_capture_undo", "FB-1", user="UBILL1", channel="C0AGENTS")
    refused = fake_slack.wait_for("response_url", count=2)[-1]
    assert "Only the person who logged" in refused.args["text"]
    assert items(running.engine)[0].status == "open"

    running.slack.block_action("feedback_capture_undo", "FB-1", channel="C0AGENTS")
    eventually(lambda: items(running.engine)[0].status == "withdrawn")
    running.settle()
    kinds = [e.kind for e in events(running.engine, 1)]
    assert kinds == ["created", "urgency_changed", "customer_set", "withdrawn"]

    def withdrawn_card():
        updates = [c for c in fake_slack.calls_to("chat.update") if not c.failed]
        return updates and "Withdrawn" in block_text(updates[-1].args["blocks"])

    eventually(withdrawn_card)
    last = [c for c in fake_slack.calls_to("chat.update") if not c.failed][-1]
    assert not [b for b in last.args["blocks"] if b["type"] == "actions"]


def test_a_reaction_storm_ends_with_one_item_and_an_answer_for_everyone(running, fake_slack):
    ts = fake_slack.seed_message("C0AGENTS", MESSAGE)
    people = [f"UR{n:02d}" for n in range(20)]
    threads = [
        threading.Thread(target=running.slack.event, args=(reaction_event("C0AGENTS", ts, user=u),))
        for u in people
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    running.settle()
    eventually(lambda: len(ephemerals(fake_slack)) == 20, timeout=10)
    assert len(items(running.engine)) == 1
    assert {c.args["user"] for c in ephemerals(fake_slack)} == set(people)
    logged = [c for c in ephemerals(fake_slack) if "already" not in c.args["text"]]
    assert len(logged) == 1


def test_a_storm_on_two_bot_processes_sharing_the_database_makes_one_item(
    running, database_url, config_file, fake_slack, clock
):
    from tests.support.app import start_app

    second = start_app(database_url, config_file, fake_slack, now=clock.now)
    try:
        ts = fake_slack.seed_message("C0AGENTS", MESSAGE)
        people = [f"UT{n:02d}" for n in range(20)]
        apps = [running, second]
        threads = [
            threading.Thread(
                target=apps[n % 2].slack.event, args=(reaction_event("C0AGENTS", ts, user=u),)
            )
            for n, u in enumerate(people)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        running.settle()
        second.settle()
        eventually(lambda: len(ephemerals(fake_slack)) == 20, timeout=10)
        assert len(items(running.engine)) == 1
        assert {c.args["user"] for c in ephemerals(fake_slack)} == set(people)
        assert len([c for c in ephemerals(fake_slack) if "already" not in c.args["text"]]) == 1
        cards = [
            c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "C0BILLING"
        ]
        assert len(cards) == 1
    finally:
        second.stop()
