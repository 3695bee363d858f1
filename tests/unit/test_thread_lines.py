"""A card's thread history: delivery hands copy the event's data, copy says the sentence.

The expected lines are the ones the bot posted before the sentences moved into copy: a change
here is a change to what people read in Slack.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.core.config import parse_config
from bot.slack.delivery import event_text
from storage.models import ItemEvent
from storage.values import ItemEventKind
from tests.support.world import CONFIG

CFG = parse_config(CONFIG, "test.yml")


def event(kind: str, actor: str | None, note: str = "", **data: Any) -> ItemEvent:
    return ItemEvent(
        slack_team_id="T0ACME",
        item_id=1,
        kind=kind,
        actor_id=actor,
        note=note,
        data=data,
        created_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    "ev,line",
    [
        (event(ItemEventKind.TAKEN, "UBILL1"), "<@UBILL1> took it."),
        (
            event(ItemEventKind.TAKEN, "UBILL2", **{"from": "UBILL1"}),
            "<@UBILL2> took it over from <@UBILL1>.",
        ),
        (
            event(ItemEventKind.CUSTOMER_UPDATED, "UBILL1", note="Called them\nback"),
            "<@UBILL1> updated the customer.\n>Called them\n>back",
        ),
        (
            event(ItemEventKind.REASSIGNED, "UBILL1", **{"from": "billing", "to": "product"}),
            "<@UBILL1> moved it to Product.",
        ),
        (
            event(ItemEventKind.REASSIGNED, "UBILL1", to="gone-team"),
            "<@UBILL1> moved it to gone-team.",
        ),
        (event(ItemEventKind.REASSIGNED, "UBILL1"), "<@UBILL1> moved it to ?."),
        (
            event(ItemEventKind.RESOLVED, "UBILL1", outcome="wont_do"),
            "<@UBILL1> resolved it (Won't do).",
        ),
        (
            event(ItemEventKind.SNOOZED, "UBILL1", until_text="Tue 3 Mar, 10:00"),
            "<@UBILL1> will update the customer by Tue 3 Mar, 10:00.",
        ),
        (event(ItemEventKind.ESCALATED, None, leads=["ULEADB"]), "Escalated to the team leads."),
        (event(ItemEventKind.CREATED, "UAGENT", team="billing"), "<@UAGENT> logged this."),
        (event(ItemEventKind.NUDGED, None, to="UBILL1"), "Frontline: nudged"),
    ],
)
def test_each_event_reads_as_before(ev: ItemEvent, line: str) -> None:
    assert event_text(ev, CFG) == line


def test_an_unknown_team_key_belongs_to_the_triage_team() -> None:
    assert CFG.owner_of("billing").name == "Billing"
    assert CFG.owner_of("no-longer-here") == CFG.triage
    assert CFG.owner_of("") == CFG.triage
