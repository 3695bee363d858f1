"""Merging an item into the one it repeats, and undoing it: the service on in-memory SQLite and
the fake gateway, with the outbox sent for real."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.cards.membership import Membership
from bot.core.config import parse_config
from bot.schedule.people import People
from bot.services.capture import CaptureService
from bot.services.card_actions import CardActions
from bot.services.merges import MergeService
from bot.slack.delivery import Delivery
from storage.models import Item, ItemEvent, Report
from storage.values import ItemEventKind, ItemKind, ItemStatus, RuleOutcome
from tests.support.fake_gateway import TEAM_ID, FakeGateway
from tests.support.helpers import block_text, outbox_rows
from tests.support.world import CONFIG, Clock

CFG = parse_config(CONFIG, "test.yml")


@pytest.fixture
def delivery(engine: Engine, slack: FakeGateway, clock: Clock) -> Delivery:
    return Delivery(engine, slack, CFG, clock.now)


@pytest.fixture
def capture(engine: Engine, slack: FakeGateway, clock: Clock, delivery: Delivery) -> CaptureService:
    return CaptureService(CFG, engine, slack, clock.now, delivery)


@pytest.fixture
def cards(engine: Engine, slack: FakeGateway, clock: Clock) -> CardActions:
    return CardActions(CFG, engine, clock.now, Membership(slack), People(engine, slack, clock.now))


@pytest.fixture
def merges(engine: Engine, clock: Clock, cards: CardActions) -> MergeService:
    return MergeService(engine, clock.now, cards)


def log(
    capture: CaptureService,
    delivery: Delivery,
    customer: str,
    *,
    agent: str = "UAGENT",
    summary: str = "Refund took three weeks",
    kind: str = ItemKind.PROBLEM,
) -> Item:
    result = capture.capture_form(
        {"summary": summary, "details": f"{customer} says so", "customer": customer, "kind": kind},
        team_key="billing",
        team_id=TEAM_ID,
        user_id=agent,
        client_key=f"view:{customer}:{agent}:{summary}",
    )
    assert result.captured is not None
    delivery.send(list(result.captured.outbox_ids))
    return result.captured.item


def stored(engine: Engine, item_id: int | None) -> Item:
    with Session(engine) as session:
        item = session.get(Item, item_id)
        assert item is not None
        return item


def reports_on(engine: Engine, item_id: int | None) -> list[int | None]:
    with Session(engine) as session:
        rows = session.exec(select(Report).where(Report.item_id == item_id)).all()
        return sorted(r.id for r in rows)


def kinds(engine: Engine, item_id: int | None) -> list[str]:
    with Session(engine) as session:
        rows = session.exec(select(ItemEvent).where(ItemEvent.item_id == item_id)).all()
        return [e.kind for e in rows]


def card_of(slack: FakeGateway, item: Item) -> dict[str, Any]:
    """The item's card as Slack shows it now (posted, then updated)."""
    [card] = [
        m
        for m in slack.posted["C0BILLING"]
        if "thread_ts" not in m and m["text"].startswith(f"FB-{item.id}:")
    ]
    return card


def merged_in_event(engine: Engine) -> ItemEvent:
    with Session(engine) as session:
        event = session.exec(
            select(ItemEvent).where(ItemEvent.kind == ItemEventKind.MERGED_IN)
        ).first()
        assert event is not None
        return event


def test_merge_moves_every_report_and_closes_the_source(engine, capture, delivery, merges):
    target = log(capture, delivery, "Acme")
    source = log(capture, delivery, "Globex", agent="UBILL2")
    moved = reports_on(engine, source.id)

    change = merges.merge_from_card(TEAM_ID, "UBILL1", source.id, f"FB-{target.id}", "", "view:1")

    assert change.changed and not change.errors
    assert "2 customers" in (change.message or "")
    after_source, after_target = stored(engine, source.id), stored(engine, target.id)
    assert after_source.status == ItemStatus.MERGED
    assert after_source.merged_into_id == target.id
    assert after_target.customers == 2 and after_target.status == ItemStatus.OPEN
    assert reports_on(engine, source.id) == []
    assert set(moved) <= set(reports_on(engine, target.id))
    event = merged_in_event(engine)
    assert event.data == {"source": source.id, "report_ids": moved}
    assert kinds(engine, source.id)[-1] == ItemEventKind.MERGED


def test_a_retried_submission_merges_once(engine, capture, delivery, merges):
    target = log(capture, delivery, "Acme")
    source = log(capture, delivery, "Globex")
    merges.merge_from_card(TEAM_ID, "UBILL1", source.id, "", f"FB-{target.id}", "view:1")
    rows = len(outbox_rows(engine))

    again = merges.merge_from_card(TEAM_ID, "UBILL1", source.id, "", f"FB-{target.id}", "view:1")

    assert not again.changed and not again.errors and again.message is None
    assert len(outbox_rows(engine)) == rows
    assert kinds(engine, target.id).count(ItemEventKind.MERGED_IN) == 1


def test_an_outsider_is_refused_and_nothing_changes(engine, capture, delivery, merges):
    target = log(capture, delivery, "Acme")
    source = log(capture, delivery, "Globex")

    opening = merges.opening(TEAM_ID, "UPROD1", f"FB-{source.id}")
    change = merges.merge_from_card(TEAM_ID, "UPROD1", source.id, f"FB-{target.id}", "", "v")

    assert opening.view is None and "<#C0BILLING>" in (opening.message or "")
    assert not change.changed and "<#C0BILLING>" in (change.message or "")
    assert stored(engine, source.id).status == ItemStatus.OPEN


def test_the_form_offers_the_team_s_other_open_items_most_customers_first(
    engine, capture, delivery, merges
):
    big = log(capture, delivery, "Acme")
    small = log(capture, delivery, "Initech", summary="Invoice PDF is blank")
    source = log(capture, delivery, "Globex")
    merges.merge_from_card(TEAM_ID, "UBILL1", source.id, f"FB-{big.id}", "", "view:1")
    newest = log(capture, delivery, "Umbrella", summary="Refund again")

    opening = merges.opening(TEAM_ID, "UBILL1", f"FB-{newest.id}")

    assert opening.view is not None and opening.view["callback_id"] == "feedback_merge_into"
    select_block = next(b for b in opening.view["blocks"] if b.get("block_id") == "fb_merge_pick")
    options = select_block["element"]["options"]
    assert [o["value"] for o in options] == [f"FB-{big.id}", f"FB-{small.id}"]
    assert options[0]["text"]["text"].startswith(f"FB-{big.id} (2 customers)")
    assert all(len(o["text"]["text"]) <= 75 for o in options)


@pytest.mark.parametrize(
    ("picked", "typed", "field", "words"),
    [
        ("", "", "ref", "Pick the item"),
        ("", "FB-999", "ref", "no item FB-999"),
        ("", "hello", "ref", "no item hello"),
        ("SELF", "", "target", "this very item"),
        ("FB-1", "FB-2", "ref", "not two"),
    ],
)
def test_form_problems_show_inline_and_change_nothing(
    engine, capture, delivery, merges, picked, typed, field, words
):
    log(capture, delivery, "Acme")
    source = log(capture, delivery, "Globex")
    picked = f"FB-{source.id}" if picked == "SELF" else picked

    change = merges.merge_from_card(TEAM_ID, "UBILL1", source.id, picked, typed, "view:x")

    assert words in change.errors[field]
    assert stored(engine, source.id).status == ItemStatus.OPEN
    assert kinds(engine, source.id) == [ItemEventKind.CREATED]


def test_a_closed_or_merged_target_is_refused(engine, capture, delivery, merges, cards):
    target = log(capture, delivery, "Acme")
    other = log(capture, delivery, "Initech")
    source = log(capture, delivery, "Globex")
    merges.merge_from_card(TEAM_ID, "UBILL1", other.id, f"FB-{target.id}", "", "view:1")
    cards.resolve(TEAM_ID, "UBILL1", target.id, "done", "Fixed", "view:r")

    merged = merges.merge_from_card(TEAM_ID, "UBILL1", source.id, "", f"FB-{other.id}", "v:2")
    closed = merges.merge_from_card(TEAM_ID, "UBILL1", source.id, "", f"FB-{target.id}", "v:3")

    assert f"merged into FB-{target.id}" in merged.errors["ref"]
    assert "already closed" in closed.errors["ref"]


def test_cards_show_the_merge_and_the_note_carries_undo(engine, capture, delivery, merges, slack):
    target = log(capture, delivery, "Acme")
    source = log(capture, delivery, "Globex & <Sons>", agent="UBILL2")

    change = merges.merge_from_card(TEAM_ID, "UBILL1", source.id, f"FB-{target.id}", "", "v:1")
    delivery.send(change.outbox_ids)

    source_card = card_of(slack, source)
    assert not [b for b in source_card["blocks"] if b["type"] == "actions"]
    target_link = stored(engine, target.id).card_permalink
    assert f"Merged into <{target_link}|FB-{target.id}>" in block_text(source_card["blocks"])
    target_card = block_text(card_of(slack, target)["blocks"])
    assert "2 customers" in target_card
    assert ">Globex &amp; &lt;Sons&gt; says so" in target_card and "Acme says so" in target_card
    notes = [c for c in slack.calls_to("post_message") if c.args.get("thread_ts")]
    undo = [
        e
        for c in notes
        for b in c.args["blocks"] or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert [(e["action_id"], e["value"]) for e in undo] == [
        ("feedback_merge_undo", str(merged_in_event(engine).id))
    ]


def test_undo_restores_both_items_once(engine, capture, delivery, merges, slack):
    target = log(capture, delivery, "Acme")
    source = log(capture, delivery, "Globex")
    moved = reports_on(engine, source.id)
    kept = reports_on(engine, target.id)
    delivery.send(
        merges.merge_from_card(TEAM_ID, "UBILL1", source.id, f"FB-{target.id}", "", "v").outbox_ids
    )
    event = merged_in_event(engine)

    outsider = merges.undo(TEAM_ID, "UPROD1", str(event.id))
    change = merges.undo(TEAM_ID, "UBILL2", str(event.id))
    delivery.send(change.outbox_ids)
    again = merges.undo(TEAM_ID, "UBILL2", str(event.id))

    assert not outsider.changed and "<#C0BILLING>" in (outsider.message or "")
    assert change.changed and "stand on their own" in (change.message or "")
    assert not again.changed and "already undone" in (again.message or "")
    after = stored(engine, source.id)
    assert (after.status, after.merged_into_id, after.customers) == (ItemStatus.OPEN, None, 1)
    assert stored(engine, target.id).customers == 1
    assert reports_on(engine, source.id) == moved and reports_on(engine, target.id) == kept
    assert kinds(engine, source.id)[-1] == kinds(engine, target.id)[-1] == "merge_undone"
    source_card = card_of(slack, source)
    assert [b for b in source_card["blocks"] if b["type"] == "actions"]
    note = next(
        c for c in slack.calls_to("update_message") if "undone" in block_text(c.args["blocks"])
    )
    assert not [b for b in note.args["blocks"] if b["type"] == "actions"]


def test_undo_is_refused_once_the_target_is_resolved(engine, capture, delivery, merges, cards):
    target = log(capture, delivery, "Acme")
    source = log(capture, delivery, "Globex")
    merges.merge_from_card(TEAM_ID, "UBILL1", source.id, f"FB-{target.id}", "", "v")
    cards.resolve(TEAM_ID, "UBILL1", target.id, "done", "Fixed", "view:r")

    change = merges.undo(TEAM_ID, "UBILL1", str(merged_in_event(engine).id))

    assert not change.changed and "resolved after the merge" in (change.message or "")
    assert stored(engine, source.id).status == ItemStatus.MERGED


def test_a_suggestion_may_be_taken_by_the_agent_who_logged_it(engine, capture, delivery, merges):
    target = log(capture, delivery, "Acme")
    source = log(capture, delivery, "Globex", agent="UPROD1")  # not in the billing channel
    value = f"FB-{source.id}>FB-{target.id}"

    refused = merges.merge_suggested(TEAM_ID, "USUP1", value, "s:1")
    change = merges.merge_suggested(TEAM_ID, "UPROD1", value, "s:2")
    again = merges.merge_suggested(TEAM_ID, "UPROD1", value, "s:3")

    assert not refused.changed and "logged" in (refused.message or "")
    assert change.changed and stored(engine, source.id).merged_into_id == target.id
    assert not again.changed and "already merged" in (again.message or "")


def test_resolving_a_merged_request_tells_each_agent_about_their_customers(
    engine, capture, delivery, merges, cards, slack
):
    target = log(capture, delivery, "Acme")
    source = log(capture, delivery, "Globex", agent="UBILL2")
    merges.merge_from_card(TEAM_ID, "UBILL1", source.id, f"FB-{target.id}", "", "v")

    change = cards.resolve(TEAM_ID, "UBILL1", target.id, "done", "Refunds take 3 days", "r")
    delivery.send(change.outbox_ids)

    dms = {c.args["channel"]: block_text(c.args["blocks"]) for c in slack.calls_to("post_message")}
    assert "You heard it from *Acme*" in dms["UAGENT"] and "Globex" not in dms["UAGENT"]
    assert "You heard it from *Globex*" in dms["UBILL2"] and "Acme" not in dms["UBILL2"]
    keys = {r.key for r in outbox_rows(engine) if r.key.startswith("resolved-dm")}
    assert keys == {f"resolved-dm:{target.id}:UAGENT", f"resolved-dm:{target.id}:UBILL2"}


def test_a_kept_rule_needs_a_reason_and_every_agent_hears_it(
    engine, capture, delivery, merges, cards, slack
):
    rule = ItemKind.RIGID_RULE
    target = log(capture, delivery, "Acme", kind=rule, summary="No refunds after 30 days")
    source = log(capture, delivery, "Globex", agent="UBILL2", kind=rule, summary="30-day rule")
    merges.merge_from_card(TEAM_ID, "UBILL1", source.id, f"FB-{target.id}", "", "v")

    missing = cards.resolve(TEAM_ID, "UBILL1", target.id, "wont_do", "No", "r")
    blank = cards.resolve(TEAM_ID, "UBILL1", target.id, "wont_do", "No", "r", RuleOutcome.KEPT)
    change = cards.resolve(
        TEAM_ID, "UBILL1", target.id, "wont_do", "No", "r", RuleOutcome.KEPT, "The law asks it"
    )
    delivery.send(change.outbox_ids)

    assert "rule_outcome" in missing.errors and "rule_reason" in blank.errors
    assert stored(engine, target.id).rule_outcome == RuleOutcome.KEPT
    dms = [c for c in slack.calls_to("post_message") if c.args["channel"] in ("UAGENT", "UBILL2")]
    assert len(dms) == 2
    assert all("Rule kept" in block_text(d.args["blocks"]) for d in dms)
    assert all("The law asks it" in block_text(d.args["blocks"]) for d in dms)


def test_one_report_keeps_the_reporter_s_usual_message(engine, capture, delivery, cards, slack):
    item = log(capture, delivery, "Acme")

    delivery.send(cards.resolve(TEAM_ID, "UBILL1", item.id, "done", "Fixed", "r").outbox_ids)

    [dm] = [c for c in slack.calls_to("post_message") if c.args["channel"] == "UAGENT"]
    assert "Thank you for listening to the customer" in block_text(dm.args["blocks"])
    assert f"resolved-dm:{item.id}" in {r.key for r in outbox_rows(engine)}


def test_a_merge_into_another_team_s_item_stays_undoable_by_the_team_it_came_from(
    engine, capture, delivery, merges
):
    """Billing merges its item into Product's FB (typed by id): Billing's members may undo it,
    as may Product's; someone on neither team may not."""
    target = log(capture, delivery, "Acme", summary="Export invoices as CSV")
    source = log(capture, delivery, "Globex", summary="Invoices as a CSV export")
    with Session(engine) as session:  # the target belongs to Product now
        moved = session.get(Item, target.id)
        assert moved is not None
        moved.team_key = "product"
        session.add(moved)
        session.commit()
    merged = merges.merge_from_card(TEAM_ID, "UBILL1", source.id, "", f"FB-{target.id}", "v")
    assert merged.changed
    event = merged_in_event(engine)

    outsider = merges.undo(TEAM_ID, "USUP1", str(event.id))  # Support Ops only
    by_source_team = merges.undo(TEAM_ID, "UBILL2", str(event.id))

    assert not outsider.changed
    assert by_source_team.changed
    assert stored(engine, source.id).status == ItemStatus.OPEN
