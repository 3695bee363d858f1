"""The team works the card: take, customer updated, reassign, resolve; who may; nothing doubled."""

from __future__ import annotations

import json

import pytest

from tests.support.helpers import block_text, events, eventually, items, outbox_rows
from tests.support.slack_requests import option_value, text_value


def log_item(running, fake_slack, text="Refund took three weeks #billing"):
    running.slack.command(text)
    eventually(lambda: items(running.engine)[-1].card_ts)
    fake_slack.wait_for("response_url")
    item = items(running.engine)[-1]
    fake_slack.reset()
    return item


def current_card(fake_slack, item):
    return fake_slack.messages[(item.card_channel, item.card_ts)]


def thread_posts(fake_slack, item):
    return [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args.get("thread_ts") == item.card_ts and not c.failed
    ]


def test_take_sets_owner_updates_card_and_threads_history(running, fake_slack):
    item = log_item(running, fake_slack)
    resp = running.slack.block_action("feedback_take", "FB-1", user="UBILL1")
    assert resp.status == 200
    [update] = fake_slack.wait_for("chat.update")
    assert update.args["ts"] == item.card_ts and update.args["channel"] == "C0BILLING"
    assert "*Owner*\n<@UBILL1>" in block_text(update.args["blocks"])
    buttons = next(b for b in update.args["blocks"] if b["type"] == "actions")["elements"]
    assert buttons[0]["text"]["text"] == "Take over" and "style" not in buttons[0]
    [note] = eventually(lambda: thread_posts(fake_slack, item))
    assert "<@UBILL1> took it" in note.args["text"]
    assert items(running.engine)[0].owner_id == "UBILL1"
    assert [e.kind for e in events(running.engine, 1)] == ["created", "taken"]


def test_double_click_take_changes_once(running, fake_slack):
    log_item(running, fake_slack)
    before = {r.key for r in outbox_rows(running.engine)}
    running.slack.block_action("feedback_take", "FB-1", user="UBILL1")
    running.slack.block_action("feedback_take", "FB-1", user="UBILL1")
    running.settle()  # both clicks were handled to the end, not only acknowledged
    assert [e.kind for e in events(running.engine, 1)] == ["created", "taken"]
    # one thread line and one card refresh queued, the refresh never re-armed by the second click
    queued = [(r.kind, r.generation) for r in outbox_rows(running.engine) if r.key not in before]
    assert sorted(queued) == [("card_refresh", 0), ("thread", 0)]
    fake_slack.wait_for("chat.update")
    assert len([c for c in fake_slack.calls_to("chat.postMessage") if c.args.get("thread_ts")]) == 1


def test_outsider_is_refused_and_nothing_changes(running, fake_slack):
    log_item(running, fake_slack)
    running.slack.block_action("feedback_take", "FB-1", user="UPROD1")
    [refusal] = fake_slack.wait_for("response_url")
    assert refusal.args["response_type"] == "ephemeral"
    assert refusal.args["replace_original"] is False
    assert "<#C0BILLING>" in refusal.args["text"]
    assert items(running.engine)[0].owner_id is None
    assert [e.kind for e in events(running.engine, 1)] == ["created"]
    assert fake_slack.calls_to("chat.update") == []
    # the outsider cannot open the resolve modal either
    running.slack.block_action("feedback_resolve", "FB-1", user="UPROD1")
    fake_slack.wait_for("response_url", count=2)
    assert fake_slack.calls_to("views.open") == []


def test_lead_who_is_not_in_channel_may_act(running, fake_slack):
    log_item(running, fake_slack)
    running.slack.block_action("feedback_take", "FB-1", user="ULEADB")
    fake_slack.wait_for("chat.update")
    assert items(running.engine)[0].owner_id == "ULEADB"


def test_customer_updated_resets_clock_and_keeps_note(running, fake_slack, clock):
    from datetime import timedelta

    item = log_item(running, fake_slack)
    clock.advance(timedelta(hours=3))
    running.slack.block_action("feedback_customer_updated", "FB-1", user="UBILL1")
    [opened] = fake_slack.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "feedback_customer_update"
    values = {"fb_note": {"note": text_value("Told Acme the fix ships Friday")}}
    resp = running.slack.view_submission(
        "feedback_customer_update",
        values,
        user="UBILL1",
        private_metadata=view["private_metadata"],
        view_id="VUPD1",
    )
    assert (resp.status == 200 and resp.body in (b"", b"{}")) or resp.json() in (None, {})
    again = running.slack.view_submission(
        "feedback_customer_update",
        values,
        user="UBILL1",
        private_metadata=view["private_metadata"],
        view_id="VUPD1",
    )
    assert again.status == 200
    updated = eventually(lambda: items(running.engine)[0])
    assert updated.informed_at > item.informed_at and updated.due_at > item.due_at
    evs = [e for e in events(running.engine, 1) if e.kind == "customer_updated"]
    assert len(evs) == 1 and evs[0].note == "Told Acme the fix ships Friday"
    fake_slack.wait_for("chat.update")
    [note] = eventually(lambda: thread_posts(fake_slack, item))
    assert "Told Acme the fix ships Friday" in note.args["text"]


def test_customer_update_without_note_is_refused_inline(running, fake_slack):
    log_item(running, fake_slack)
    meta = json.dumps({"item": 1})
    resp = running.slack.view_submission(
        "feedback_customer_update",
        {"fb_note": {"note": text_value("  ")}},
        user="UBILL1",
        private_metadata=meta,
    )
    body = resp.json()
    assert body["response_action"] == "errors" and "fb_note" in body["errors"]
    assert [e.kind for e in events(running.engine, 1)] == ["created"]


def test_reassign_moves_the_card(running, fake_slack):
    item = log_item(running, fake_slack)
    running.slack.block_action("feedback_reassign", "FB-1", user="UBILL2")
    [opened] = fake_slack.wait_for("views.open")
    view = opened.args["view"]
    options = view["blocks"][1]["element"]["options"]
    assert "billing" not in [o["value"] for o in options]
    values = {
        "fb_team": {"team": option_value("product")},
        "fb_note": {"note": text_value("This is the export feature")},
    }
    resp = running.slack.view_submission(
        "feedback_reassign_to",
        values,
        user="UBILL2",
        private_metadata=view["private_metadata"],
        view_id="VMOVE1",
    )
    assert resp.status == 200
    new_card = eventually(
        lambda: [
            c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "C0PRODUCT"
        ]
    )
    assert "FB-1" in block_text(new_card[0].args["blocks"])
    moved = eventually(
        lambda: [c for c in fake_slack.calls_to("chat.update") if c.args["ts"] == item.card_ts]
    )
    old_text = block_text(moved[-1].args["blocks"])
    assert "Moved to" in old_text and "Product" in old_text
    assert not [b for b in moved[-1].args["blocks"] if b["type"] == "actions"]
    after = items(running.engine)[0]
    assert after.team_key == "product" and after.card_channel == "C0PRODUCT"
    # the same submission again does not move it twice
    running.slack.view_submission(
        "feedback_reassign_to",
        values,
        user="UBILL2",
        private_metadata=view["private_metadata"],
        view_id="VMOVE1",
    )
    assert len([e for e in events(running.engine, 1) if e.kind == "reassigned"]) == 1
    # now billing members are outsiders; product members are in charge
    running.slack.block_action("feedback_take", "FB-1", user="UBILL1")
    eventually(lambda: fake_slack.calls_to("response_url"))
    assert items(running.engine)[0].owner_id is None


def test_the_reporter_may_reroute_their_item_until_someone_takes_it(running, fake_slack):
    # UAGENT logged it for Product, whose channel they are not in
    log_item(running, fake_slack, "Customer wants the dashboard in dark mode #product")
    running.slack.block_action("feedback_reassign", "FB-1", user="UAGENT")
    [opened] = fake_slack.wait_for("views.open")
    values = {
        "fb_team": {"team": option_value("support-ops")},
        "fb_note": {"note": text_value("It is about our help center theme")},
    }
    resp = running.slack.view_submission(
        "feedback_reassign_to",
        values,
        user="UAGENT",
        private_metadata=opened.args["view"]["private_metadata"],
        view_id="VREROUTE1",
    )
    assert resp.status == 200
    assert eventually(lambda: items(running.engine)[0].team_key == "support-ops")
    # the reporter may not use the other card actions of a team whose channel they are not in
    log_item(running, fake_slack, "Customer wants CSV exports of the dashboard #product")
    running.slack.block_action("feedback_take", "FB-2", user="UAGENT")
    fake_slack.wait_for("response_url")
    assert items(running.engine)[1].owner_id is None
    # once a team member has taken it, the reporter's Change team is refused like anyone's
    running.slack.block_action("feedback_take", "FB-2", user="UPROD1")
    eventually(lambda: items(running.engine)[1].owner_id == "UPROD1")
    fake_slack.reset()
    running.slack.block_action("feedback_reassign", "FB-2", user="UAGENT")
    [refusal] = fake_slack.wait_for("response_url")
    assert "<#C0PRODUCT>" in refusal.args["text"]
    assert fake_slack.calls_to("views.open") == []
    assert items(running.engine)[1].team_key == "product"


def test_resolve_updates_card_and_closes_the_loop_with_reporter(running, fake_slack):
    item = log_item(running, fake_slack)
    running.slack.block_action("feedback_resolve", "FB-1", user="UBILL1")
    [opened] = fake_slack.wait_for("views.open")
    meta = opened.args["view"]["private_metadata"]
    missing = running.slack.view_submission(
        "feedback_resolution",
        {
            "fb_outcome": {"outcome": option_value(None, "radio_buttons")},
            "fb_note": {"note": text_value("x")},
        },
        user="UBILL1",
        private_metadata=meta,
    ).json()
    assert missing["response_action"] == "errors" and "fb_outcome" in missing["errors"]
    values = {
        "fb_outcome": {"outcome": option_value("done", "radio_buttons")},
        "fb_note": {"note": text_value("Refunds now take 3 days. <!here> thanks")},
    }
    assert (
        running.slack.view_submission(
            "feedback_resolution", values, user="UBILL1", private_metadata=meta, view_id="VRES1"
        ).status
        == 200
    )
    dm = eventually(
        lambda: [
            c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "UAGENT"
        ]
    )
    text = block_text(dm[0].args["blocks"])
    assert "FB-1" in text and "Done" in text and "Refunds now take 3 days" in text
    assert "<!here>" not in text and "&lt;!here&gt;" in text
    update = eventually(lambda: fake_slack.calls_to("chat.update"))
    card = block_text(update[-1].args["blocks"])
    assert "Resolved (Done)" in card
    assert not [b for b in update[-1].args["blocks"] if b["type"] == "actions"]
    after = items(running.engine)[0]
    assert (after.status, after.outcome, after.owner_id) == ("resolved", "done", "UBILL1")
    # resubmitting the same modal or another resolve sends no second DM
    running.slack.view_submission(
        "feedback_resolution", values, user="UBILL1", private_metadata=meta, view_id="VRES1"
    )
    other = running.slack.view_submission(
        "feedback_resolution", values, user="UBILL1", private_metadata=meta, view_id="VRES2"
    ).json()
    assert other["response_action"] == "update"
    assert "already resolved" in block_text(other["view"]["blocks"])
    assert (
        len([c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "UAGENT"])
        == 1
    )
    assert item.id == after.id


def test_high_urgency_dms_leads_with_card_link(running, fake_slack):
    values = {
        "fb_summary": {"summary": text_value("Charged twice for March")},
        "fb_details": {"details": text_value("Customer sees two charges on the card")},
        "fb_customer": {"customer": text_value("Acme Corp")},
        "fb_kind": {"kind": option_value("problem")},
        "fb_urgency": {"urgency": option_value("high", "radio_buttons")},
        "fb_team": {"team": option_value(None)},
    }
    resp = running.slack.view_submission("feedback_capture", values, user="UAGENT", view_id="VCAP1")
    body = resp.json()
    assert body["response_action"] == "update" and "FB-1" in block_text(body["view"]["blocks"])
    lead_dm = eventually(
        lambda: [
            c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "ULEADB"
        ]
    )
    assert "https://acme.slack.com/archives/C0BILLING/p" in block_text(lead_dm[0].args["blocks"])
    agent_dm = eventually(
        lambda: [
            c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "UAGENT"
        ]
    )
    assert "open the card" in block_text(agent_dm[0].args["blocks"])
    [item] = items(running.engine)
    assert (item.urgency, item.kind, item.customer, item.team_key) == (
        "high",
        "problem",
        "Acme Corp",
        "billing",
    )
    # resubmitting the same modal stores nothing new
    running.slack.view_submission("feedback_capture", values, user="UAGENT", view_id="VCAP1")
    assert len(items(running.engine)) == 1


@pytest.mark.parametrize("summary,error", [("", "fb_summary"), ("x" * 301, "fb_summary")])
def test_capture_modal_validation_errors_inline(running, fake_slack, summary, error):
    values = {
        "fb_summary": {"summary": text_value(summary)},
        "fb_kind": {"kind": option_value("suggestion")},
        "fb_urgency": {"urgency": option_value("normal", "radio_buttons")},
    }
    body = running.slack.view_submission("feedback_capture", values).json()
    assert body["response_action"] == "errors" and error in body["errors"]
    assert items(running.engine) == []


def test_message_shortcut_prefills_modal_and_keeps_permalink(running, fake_slack):
    running.slack.message_action(
        "Customer: I can't find where to download my receipt\nSecond line",
        channel="C0AGENTS",
        ts="1759999999.000200",
    )
    [opened] = fake_slack.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == "feedback_capture"
    assert view["blocks"][0]["element"]["initial_value"].startswith("Customer: I can't find")
    values = {
        "fb_summary": {"summary": text_value("Can't find where to download receipts")},
        "fb_kind": {"kind": option_value("problem")},
        "fb_urgency": {"urgency": option_value("normal", "radio_buttons")},
    }
    running.slack.view_submission(
        "feedback_capture", values, private_metadata=view["private_metadata"], view_id="VSC1"
    )
    card = eventually(
        lambda: [
            c for c in fake_slack.calls_to("chat.postMessage") if c.args["channel"] == "C0BILLING"
        ]
    )
    assert "archives/C0AGENTS/p1759999999000200" in block_text(card[0].args["blocks"])
    assert items(running.engine)[0].source_permalink.endswith("p1759999999000200")


def test_lead_hears_about_high_urgency_even_when_the_card_is_stuck(running, fake_slack, clock):
    from datetime import timedelta

    fake_slack.broken_channels["C0BILLING"] = "channel_not_found"
    values = {
        "fb_summary": {"summary": text_value("Charged twice for March")},
        "fb_kind": {"kind": option_value("problem")},
        "fb_urgency": {"urgency": option_value("high", "radio_buttons")},
    }
    running.slack.view_submission("feedback_capture", values, user="UAGENT", view_id="VSTUCK")
    eventually(lambda: fake_slack.calls_to("chat.postMessage"))

    def lead_dms():
        return [
            c
            for c in fake_slack.calls_to("chat.postMessage")
            if c.args["channel"] == "ULEADB" and not c.failed
        ]

    for _ in range(6):
        clock.advance(timedelta(minutes=2))
        running.frontline.delivery.drain()
        assert len(lead_dms()) <= 1
    [dm] = lead_dms()
    assert dm.args["text"] == "High-urgency feedback FB-1 for Billing"
    assert "archives" not in str(dm.args.get("blocks"))  # no card to link to yet
    assert items(running.engine)[0].card_ts is None


def test_unreadable_team_channel_refuses_with_a_fix(running, fake_slack):
    log_item(running, fake_slack)
    del fake_slack.channel_members["C0BILLING"]  # e.g. a private channel the bot is not in
    running.slack.block_action("feedback_take", "FB-1", user="UBILL1")
    [refusal] = fake_slack.wait_for("response_url")
    assert "invite me there" in refusal.args["text"]
    assert items(running.engine)[0].owner_id is None
    running.slack.block_action("feedback_take", "FB-1", user="ULEADB")  # leads still may
    eventually(lambda: items(running.engine)[0].owner_id == "ULEADB")
