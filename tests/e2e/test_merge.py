"""One request, many customers: merge from a card, undo from the thread note, suggestions at
capture, everyone told on resolve, and what became of a rule. Over signed HTTP, on SQLite and
PostgreSQL."""

from __future__ import annotations

import json

from tests.support.helpers import block_text, events, eventually, items
from tests.support.slack_requests import option_value, text_value


def log(running, fake_slack, summary, customer, *, user="UAGENT", kind="problem"):
    """An agent logs feedback for Billing through the capture form; its card is posted."""
    before = len(items(running.engine))
    values = {
        "fb_summary": {"summary": text_value(summary)},
        "fb_details": {"details": text_value(f"{customer} says: {summary}")},
        "fb_customer": {"customer": text_value(customer)},
        "fb_kind": {"kind": option_value(kind)},
        "fb_urgency": {"urgency": option_value("normal", "radio_buttons")},
        "fb_team": {"team": option_value("billing")},
    }
    resp = running.slack.view_submission("feedback_capture", values, user=user)
    assert resp.status == 200, resp.body
    item = eventually(
        lambda: (
            len(items(running.engine)) > before
            and items(running.engine)[-1].card_permalink
            and items(running.engine)[-1]
        )
    )
    running.settle()
    return item


def card(fake_slack, item):
    return fake_slack.messages[(item.card_channel, item.card_ts)]


def has_buttons(message):
    return any(b["type"] == "actions" for b in message.get("blocks") or [])


def thread(fake_slack, item):
    return [
        m
        for (channel, _), m in sorted(fake_slack.messages.items(), key=lambda kv: kv[0][1])
        if channel == item.card_channel and m.get("thread_ts") == item.card_ts
    ]


def dms_to(fake_slack, user):
    return [
        c.args
        for c in fake_slack.calls_to("chat.postMessage")
        if c.args["channel"] == user and not c.failed
    ]


def merge_via_card(running, fake_slack, source, target, *, user="UBILL1", view_id="VMERGE1"):
    running.slack.block_action("feedback_merge", f"FB-{source.id}", user=user)
    opened = eventually(
        lambda: [
            c
            for c in fake_slack.calls_to("views.open")
            if c.args["view"].get("callback_id") == "feedback_merge_into"
        ]
    )[-1]
    view = opened.args["view"]
    options = next(b for b in view["blocks"] if b.get("block_id") == "fb_merge_pick")
    assert f"FB-{target.id}" in [o["value"] for o in options["element"]["options"]]
    values = {
        "fb_merge_pick": {"target": option_value(f"FB-{target.id}")},
        "fb_merge_ref": {"ref": text_value("")},
    }
    resp = running.slack.view_submission(
        "feedback_merge_into",
        values,
        user=user,
        private_metadata=view["private_metadata"],
        view_id=view_id,
    )
    assert resp.status == 200
    running.settle()
    return resp, values, view


def note_with_undo(fake_slack, target):
    """The merge's note in the target card's thread: the message, its ts, the undo value."""

    def find():
        for (channel, ts), m in list(fake_slack.messages.items()):
            if channel != target.card_channel or m.get("thread_ts") != target.card_ts:
                continue
            for b in m.get("blocks") or []:
                for e in b.get("elements") or []:
                    if e.get("action_id") == "feedback_merge_undo":
                        return m, ts, e["value"]
        return None

    return eventually(find)


def test_merge_from_a_card_moves_the_customers_and_updates_both_cards(running, fake_slack):
    target = log(running, fake_slack, "Refund took three weeks", "Acme")
    source = log(running, fake_slack, "Refund took 3 weeks again", "Globex", user="UBILL2")

    resp, values, view = merge_via_card(running, fake_slack, source, target)

    assert "Merged" in block_text(resp.json()["view"]["blocks"])
    merged_card = eventually(
        lambda: not has_buttons(card(fake_slack, source)) and card(fake_slack, source)
    )
    text = block_text(merged_card["blocks"])
    assert f"Merged into <{target.card_permalink}|FB-{target.id}>" in text
    target_card = eventually(
        lambda: (
            "2 customers" in block_text(card(fake_slack, target)["blocks"])
            and block_text(card(fake_slack, target)["blocks"])
        )
    )
    assert "Acme says: Refund" in target_card and "Globex says: Refund" in target_card
    assert "heard by <@UBILL2>" in target_card
    assert has_buttons(card(fake_slack, target))
    note, _, _ = note_with_undo(fake_slack, target)
    assert f"merged *FB-{source.id}* into this" in note["text"]
    after = {i.id: i for i in items(running.engine)}
    assert (after[source.id].status, after[source.id].merged_into_id) == ("merged", target.id)
    assert after[target.id].customers == 2
    # the same submission again merges nothing twice
    again = running.slack.view_submission(
        "feedback_merge_into",
        values,
        user="UBILL1",
        private_metadata=view["private_metadata"],
        view_id="VMERGE1",
    )
    assert again.status == 200
    running.settle()
    assert [e.kind for e in events(running.engine, target.id)].count("merged_in") == 1
    assert [e.kind for e in events(running.engine, source.id)].count("merged") == 1


def test_an_outsider_cannot_merge(running, fake_slack):
    target = log(running, fake_slack, "Refund took three weeks", "Acme")
    source = log(running, fake_slack, "Refund took 3 weeks again", "Globex")

    running.slack.block_action("feedback_merge", f"FB-{source.id}", user="UPROD1")
    [refusal] = fake_slack.wait_for("response_url")
    submitted = running.slack.view_submission(
        "feedback_merge_into",
        {"fb_merge_ref": {"ref": text_value(f"FB-{target.id}")}},
        user="UPROD1",
        private_metadata=json.dumps({"item": source.id}),
    ).json()

    assert "<#C0BILLING>" in refusal.args["text"] and refusal.args["replace_original"] is False
    assert not [c for c in fake_slack.calls_to("views.open") if "merge" in str(c.args["view"])]
    assert submitted["response_action"] == "update"
    assert "<#C0BILLING>" in block_text(submitted["view"]["blocks"])
    assert {i.status for i in items(running.engine)} == {"open"}


def test_form_mistakes_show_inline(running, fake_slack):
    log(running, fake_slack, "Refund took three weeks", "Acme")
    source = log(running, fake_slack, "Refund took 3 weeks again", "Globex")

    body = running.slack.view_submission(
        "feedback_merge_into",
        {"fb_merge_ref": {"ref": text_value("FB-999")}},
        user="UBILL1",
        private_metadata=json.dumps({"item": source.id}),
    ).json()

    assert body["response_action"] == "errors" and "FB-999" in body["errors"]["fb_merge_ref"]
    assert {i.status for i in items(running.engine)} == {"open"}


def test_undo_restores_both_items_their_reports_and_cards(running, fake_slack):
    target = log(running, fake_slack, "Refund took three weeks", "Acme")
    source = log(running, fake_slack, "Refund took 3 weeks again", "Globex", user="UBILL2")
    merge_via_card(running, fake_slack, source, target)
    eventually(lambda: not has_buttons(card(fake_slack, source)))
    note, note_ts, value = note_with_undo(fake_slack, target)

    running.slack.block_action("feedback_merge_undo", value, user="UBILL1")
    running.settle()

    [done] = fake_slack.wait_for("response_url")
    assert "stand on their own again" in done.args["text"]
    eventually(lambda: has_buttons(card(fake_slack, source)))
    eventually(lambda: "customers" not in block_text(card(fake_slack, target)["blocks"]))
    after = {i.id: i for i in items(running.engine)}
    assert (after[source.id].status, after[source.id].merged_into_id) == ("open", None)
    assert after[source.id].customers == after[target.id].customers == 1
    updated = eventually(
        lambda: (
            "undone" in block_text(fake_slack.messages[(target.card_channel, note_ts)]["blocks"])
            and fake_slack.messages[(target.card_channel, note_ts)]
        )
    )
    assert not has_buttons(updated) and updated["text"] == note["text"]
    assert [e.kind for e in events(running.engine, source.id)][-1] == "merge_undone"
    # a second click changes nothing
    running.slack.block_action("feedback_merge_undo", value, user="UBILL1")
    again = fake_slack.wait_for("response_url", count=2)[-1]
    assert "already undone" in again.args["text"]
    assert [e.kind for e in events(running.engine, target.id)].count("merge_undone") == 1


def test_resolving_a_merged_request_tells_every_agent_about_their_customer(running, fake_slack):
    target = log(running, fake_slack, "Refund took three weeks", "Acme")
    source = log(running, fake_slack, "Refund took 3 weeks again", "Globex", user="UBILL2")
    merge_via_card(running, fake_slack, source, target)
    values = {
        "fb_outcome": {"outcome": option_value("done", "radio_buttons")},
        "fb_note": {"note": text_value("Refunds now take 3 days")},
    }

    running.slack.view_submission(
        "feedback_resolution",
        values,
        user="UBILL1",
        private_metadata=json.dumps({"item": target.id}),
    )

    agent = eventually(lambda: [d for d in dms_to(fake_slack, "UAGENT") if "closed" in d["text"]])
    billing = eventually(lambda: [d for d in dms_to(fake_slack, "UBILL2") if "closed" in d["text"]])
    assert "You heard it from *Acme*" in block_text(agent[0]["blocks"])
    assert "You heard it from *Globex*" in block_text(billing[0]["blocks"])
    assert "Refunds now take 3 days" in block_text(billing[0]["blocks"])


def test_a_kept_rule_needs_a_reason_and_its_agent_hears_it(running, fake_slack):
    item = log(running, fake_slack, "No refunds after 30 days", "Acme", kind="rigid_rule")
    running.slack.block_action("feedback_resolve", f"FB-{item.id}", user="UBILL1")
    [opened] = fake_slack.wait_for("views.open")
    view = opened.args["view"]
    assert "fb_rule_outcome" in [b.get("block_id") for b in view["blocks"]]
    values = {
        "fb_outcome": {"outcome": option_value("wont_do", "radio_buttons")},
        "fb_note": {"note": text_value("We keep it for now")},
        "fb_rule_outcome": {"rule_outcome": option_value("kept", "radio_buttons")},
        "fb_rule_reason": {"rule_reason": text_value(" ")},
    }

    blank = running.slack.view_submission(
        "feedback_resolution", values, user="UBILL1", private_metadata=view["private_metadata"]
    ).json()
    values["fb_rule_reason"] = {"rule_reason": text_value("The card network requires it")}
    running.slack.view_submission(
        "feedback_resolution", values, user="UBILL1", private_metadata=view["private_metadata"]
    )

    assert blank["response_action"] == "errors" and "fb_rule_reason" in blank["errors"]
    dm = eventually(lambda: [d for d in dms_to(fake_slack, "UAGENT") if "closed" in d["text"]])
    text = block_text(dm[0]["blocks"])
    assert "Rule kept" in text and "The card network requires it" in text
    assert items(running.engine)[-1].rule_outcome == "kept"


def test_capture_suggests_similar_items_and_the_agent_merges(running, fake_slack):
    target = log(running, fake_slack, "Refund took three weeks for the customer", "Acme")
    running.slack.command("Refund took three weeks for this customer #billing", user="UBILL2")

    def suggested():
        for c in fake_slack.calls_to("response_url"):
            for b in c.args.get("blocks") or []:
                button = b.get("accessory") or {}
                if button.get("action_id") == "feedback_merge_suggested":
                    return c.args, button["value"]
        return None

    reply, value = eventually(suggested)
    source = items(running.engine)[-1]
    assert value == f"FB-{source.id}>FB-{target.id}"
    assert f"Same request as *<{target.card_permalink}|FB-{target.id}>* (1 customer)?" in (
        block_text(reply["blocks"])
    )

    running.slack.block_action("feedback_merge_suggested", value, user="UPROD1", channel="D0")
    refusal = fake_slack.wait_for("response_url", count=2)[-1]
    assert "logged" in refusal.args["text"]
    running.slack.block_action("feedback_merge_suggested", value, user="UBILL2", channel="D0")
    eventually(lambda: items(running.engine)[-1].status == "merged")
    assert items(running.engine)[0].customers == 2


def test_the_capture_form_s_dm_suggests_too(running, fake_slack):
    target = log(running, fake_slack, "Refund took three weeks for the customer", "Acme")
    log(running, fake_slack, "Refund took three weeks for this customer", "Globex", user="UBILL2")

    dm = eventually(
        lambda: [d for d in dms_to(fake_slack, "UBILL2") if "feedback_merge_suggested" in str(d)]
    )
    buttons = [b["accessory"] for b in dm[0]["blocks"] if b.get("accessory")]
    assert [b["value"] for b in buttons] == [f"FB-{target.id + 1}>FB-{target.id}"]
    assert "open the card" in block_text(dm[0]["blocks"])
