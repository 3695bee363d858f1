"""Reports: capture makes an item's first report; the customer count is distinct customers."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.capture import intake
from bot.core.config import parse_config
from storage import reports
from tests.support.world import CONFIG

CFG = parse_config(CONFIG, "test.yml")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def capture(session, summary: str, customer: str = "", key: str = "k1"):
    draft = intake.Draft(summary=summary, details="", customer=customer, team_key="billing")
    return intake.store(
        session, draft, CFG, team_id="T1", reporter_id="U_AGENT", client_key=key, now=T0
    ).item


def test_capture_stores_the_first_report(memory_session):
    item = capture(memory_session, "Refund took 9 days", customer="Acme Corp")
    [report] = reports.reports_of(memory_session, item_id=item.id)
    assert (report.customer, report.quote, report.agent_id) == (
        "Acme Corp",
        "Refund took 9 days",
        "U_AGENT",
    )
    assert item.customers == 1


def test_customers_are_counted_once_ignoring_case_and_blank_reports_count_one_each(
    memory_session,
):
    item = capture(memory_session, "Refund took 9 days", customer="Acme Corp")
    for customer in ("acme corp ", "  ACME   corp", "Globex", "", ""):
        reports.add_report(
            memory_session,
            item=item,
            customer=customer,
            quote="same here",
            agent_id="U2",
            source_permalink=None,
            now=T0,
        )
    assert reports.recount(memory_session, item=item) == 4  # Acme, Globex, two unnamed
    assert item.customers == 4


def test_moving_reports_changes_both_counts(memory_session):
    a = capture(memory_session, "Refund took 9 days", customer="Acme", key="a")
    b = capture(memory_session, "Refunds are slow", customer="Globex", key="b")
    moved = [r.id for r in reports.reports_of(memory_session, item_id=b.id)]
    assert reports.move_reports(memory_session, report_ids=moved, to_item_id=a.id) == 1
    assert reports.recount(memory_session, item=a) == 2
    assert reports.count_customers(memory_session, item_id=b.id) == 0
    assert reports.recount(memory_session, item=b) == 1  # an item always stands for someone
