"""Reaction capture on in-memory SQLite and the fake gateway: the pure rules, the service's
paths (logged, already logged, unreadable, bad input) and the private note's DM fallback."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.capture import reactions as rules
from bot.cards.membership import Membership
from bot.core.config import parse_config
from bot.schedule.people import People
from bot.services.capture import CaptureService
from bot.services.card_actions import CardActions
from bot.services.reactions import ReactionService
from bot.slack import copy
from bot.slack.delivery import Delivery
from bot.slack.gateway_protocol import SlackError
from storage.models import Item
from tests.support.fake_gateway import TEAM_ID, FakeGateway
from tests.support.world import CONFIG, MEMBERS, Clock

CFG = parse_config(CONFIG, "test.yml")


@pytest.fixture
def service(engine: Engine, slack: FakeGateway, clock: Clock) -> ReactionService:
    delivery = Delivery(engine, slack, CFG, clock.now)
    cards = CardActions(CFG, engine, clock.now, Membership(slack), People(engine, slack, clock.now))
    capturing = CaptureService(CFG, engine, slack, clock.now, delivery)
    return ReactionService(CFG, engine, slack, clock.now, delivery, cards, capturing)


def stored_items(engine: Engine) -> list[Item]:
    with Session(engine) as session:
        return list(session.exec(select(Item)).all())


def reaction(channel: str, ts: str, user: str = "UAGENT", name: str = "memo") -> dict:
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": name,
        "item": {"type": "message", "channel": channel, "ts": ts},
    }


# --- the pure rules -----------------------------------------------------------------------------
def test_only_configured_reactions_count_skin_tones_included() -> None:
    assert rules.counts("memo", CFG) and rules.counts("memo::skin-tone-3", CFG)
    assert not rules.counts("+1", CFG) and not rules.counts("", CFG)
    custom = parse_config({**CONFIG, "capture": {"reactions": [":ticket:", "Memo"]}}, "x.yml")
    assert custom.capture.reactions == ["ticket", "memo"] and rules.counts("ticket", custom)


def test_the_target_is_the_message_and_its_key_is_once_per_message() -> None:
    target = rules.target_of(reaction("C1", "1.2"), TEAM_ID)
    assert target is not None and target.client_key == "reaction:C1:1.2"
    assert rules.target_of({"item": {"type": "file", "file": "F1"}}, TEAM_ID) is None
    assert rules.is_dm("D0AB") and not rules.is_dm("C0AB") and not rules.is_dm("G0AB")


@pytest.mark.parametrize(
    "message,why",
    [
        ({"text": "hi", "bot_id": "B1"}, copy.REACTION_BOT_MESSAGE),
        ({"text": "hi", "subtype": "bot_message"}, copy.REACTION_BOT_MESSAGE),
        ({"text": "", "files": [{"id": "F1"}]}, copy.REACTION_NO_TEXT),
        ({"text": " \u200b "}, copy.REACTION_NO_TEXT),
        ({"text": "Customer wants CSV"}, None),
    ],
)
def test_bots_messages_and_messages_without_text_are_refused(message, why) -> None:
    assert rules.refusal(message) == why


def test_the_draft_is_the_first_line_with_the_whole_text_as_details() -> None:
    draft = rules.draft_of({"text": "\nWants CSV\nfor invoices"}, "C1", "1.2", "https://l")
    assert draft.summary == "Wants CSV" and draft.details == "Wants CSV\nfor invoices"
    assert draft.capture_channel == "C1" and draft.source_permalink == "https://l"
    long = rules.draft_of({"text": "x" * 500}, "C1", "1.2", None)
    assert len(long.summary) <= 300 and long.details == "x" * 500


# --- the service --------------------------------------------------------------------------------
def test_a_reaction_logs_the_message_once_and_tells_each_reactor(service, slack, engine) -> None:
    ts = slack.seed("C0AGENTS", "Refund charged twice for Acme")
    service.reaction_added(TEAM_ID, reaction("C0AGENTS", ts))
    service.reaction_added(TEAM_ID, reaction("C0AGENTS", ts, user="UOTHER"))
    [item] = stored_items(engine)
    assert item.reporter_id == "UAGENT" and item.team_key == "billing"
    notes = slack.calls_to("post_ephemeral")
    assert [n.args["user"] for n in notes] == ["UAGENT", "UOTHER"]
    assert "already logged" in notes[1].args["text"]
    assert len(slack.calls_to("read_message")) == 1  # the second reactor costs no Slack read


def test_an_unreadable_message_is_a_dm_and_nothing_is_stored(service, slack, engine) -> None:
    slack.fail_next("read_message", "not_in_channel")
    service.reaction_added(TEAM_ID, reaction("C0PRIVATE", "1.2"))
    [dm] = slack.calls_to("post_message")
    assert dm.args["channel"] == "UAGENT" and "/invite @Frontline" in dm.args["text"]
    assert stored_items(engine) == []


def test_a_slack_outage_while_reading_is_not_told_as_a_missing_invite(service, slack) -> None:
    slack.fail_next("read_message", "internal_error", status=503)
    with pytest.raises(SlackError):
        service.reaction_added(TEAM_ID, reaction("C0AGENTS", "1.2"))
    assert slack.calls_to("post_message") == []


def test_the_private_note_falls_back_to_a_dm(service, slack, engine) -> None:
    ts = slack.seed("C0AGENTS", "Dashboard export is slow")
    slack.fail_next("post_ephemeral", "channel_not_found")
    service.reaction_added(TEAM_ID, reaction("C0AGENTS", ts))
    dms = [c for c in slack.calls_to("post_message") if c.args["channel"] == "UAGENT"]
    assert len(dms) == 1 and "FB-1" in dms[0].args["text"]


def test_undo_is_only_for_the_reporter_and_withdraws_once(service, slack, engine) -> None:
    ts = slack.seed("C0AGENTS", "Refund charged twice for Acme")
    service.reaction_added(TEAM_ID, reaction("C0AGENTS", ts))
    refused = service.undo(TEAM_ID, "UBILL1", "FB-1")
    assert refused.message and "Only the person" in refused.message and not refused.changed
    done = service.undo(TEAM_ID, "UAGENT", "FB-1")
    assert done.changed and stored_items(engine)[0].status == "withdrawn"
    again = service.undo(TEAM_ID, "UAGENT", "FB-1")
    assert not again.changed and again.outbox_ids == []
    assert not service.mark_urgent(TEAM_ID, "UAGENT", "FB-1").changed  # closed now
    service.reaction_added(TEAM_ID, reaction("C0AGENTS", ts, user="ULATE"))
    late = slack.calls_to("post_ephemeral")[-1]
    assert late.args["user"] == "ULATE" and "withdrawn now" in late.args["text"]
    assert len(stored_items(engine)) == 1


def test_a_correction_is_refused_when_the_item_moved_to_another_team_meanwhile(
    engine: Engine, clock: Clock
) -> None:
    """A Billing member presses Mark urgent; while Slack answers who is in #billing, the item is
    reassigned to Product. Under the row lock Product's rules apply: refused, nothing changed."""
    with Session(engine) as session:
        session.add(
            Item(
                slack_team_id=TEAM_ID,
                client_key="moving",
                team_key="billing",
                summary="Charged twice",
                reporter_id="UAGENT",
                created_at=clock.now(),
                updated_at=clock.now(),
                informed_at=clock.now(),
                due_at=clock.now(),
            )
        )
        session.commit()

    class ReassignedWhileAsked(FakeGateway):
        def channel_members(self, channel: str) -> list[str]:
            if channel != "C0BILLING":
                return super().channel_members(channel)
            with Session(engine) as session:  # someone routes it to Product meanwhile
                item = session.exec(select(Item)).one()
                item.team_key = "product"
                session.add(item)
                session.commit()
            return super().channel_members(channel)

    slack = ReassignedWhileAsked(clock.now, members=MEMBERS)
    delivery = Delivery(engine, slack, CFG, clock.now)
    cards = CardActions(CFG, engine, clock.now, Membership(slack), People(engine, slack, clock.now))
    capturing = CaptureService(CFG, engine, slack, clock.now, delivery)
    service = ReactionService(CFG, engine, slack, clock.now, delivery, cards, capturing)

    change = service.mark_urgent(TEAM_ID, "UBILL1", "FB-1")

    assert not change.changed and "<#C0PRODUCT>" in (change.message or "")
    assert stored_items(engine)[0].urgency == "normal"
