"""Undo on a reaction's private note withdraws an item only while it is still just the
reporter's: not once someone took it, not once other customers' reports were merged into it."""

from __future__ import annotations

from sqlmodel import Session

from bot.cards import corrections
from storage import reports
from storage.values import ItemStatus
from tests.support.stored import T0, stored_item


def test_an_untouched_item_is_withdrawn(memory_session: Session) -> None:
    item = stored_item(memory_session, "Wrong message logged")
    change = corrections.withdraw(memory_session, item, "U1", T0)
    assert change.changed and item.status == ItemStatus.WITHDRAWN
    assert "Withdrew" in (change.message or "")


def test_a_taken_item_stays_and_the_reporter_hears_who_has_it(memory_session: Session) -> None:
    item = stored_item(memory_session, "Refund twice")
    item.owner_id = "UBILL1"
    change = corrections.withdraw(memory_session, item, "U1", T0)
    assert not change.changed and item.status == ItemStatus.OPEN
    assert "<@UBILL1> is already working on" in (change.message or "")


def test_an_item_others_were_merged_into_stays_open(memory_session: Session) -> None:
    item = stored_item(memory_session, "Export to CSV", customer="Acme")
    reports.add_report(  # another agent's capture, merged into this one
        memory_session,
        item=item,
        customer="Globex",
        quote="Globex wants CSV too",
        agent_id="U2",
        source_permalink=None,
        now=T0,
    )
    change = corrections.withdraw(memory_session, item, "U1", T0)
    assert not change.changed and item.status == ItemStatus.OPEN
    assert "Other reports were merged into" in (change.message or "")
