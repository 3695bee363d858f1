"""Export rows: the columns, the business hours waited, the CSV formula guard, the filters."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from bot.capture import intake
from bot.core.config import parse_config
from bot.insights.export import ExportService
from bot.insights.export_clock import waited_business_hours
from bot.insights.export_rows import ITEM_COLUMNS, REPORT_COLUMNS, csv_cell
from storage import reports
from storage.export import ExportFilter, ExportItem
from storage.models import Item
from tests.support.world import CONFIG, ny

CFG = parse_config(CONFIG, "test.yml")
NOW = ny(26, 10).astimezone(UTC)  # Thursday 26 Nov 2026, 10:00 in New York


def add(engine, summary, *, team="billing", customer="", at=None, key=None, **changes):
    at = at or ny(24, 10).astimezone(UTC)
    with Session(engine, expire_on_commit=False) as session:
        draft = intake.Draft(summary=summary, details="", customer=customer, team_key=team)
        item = intake.store(
            session,
            draft,
            CFG,
            team_id="T0ACME",
            reporter_id="UAGENT",
            client_key=key or summary,
            now=at,
        ).item
        for name, value in changes.items():
            setattr(item, name, value)
        session.add(item)
        session.commit()
        return item


def more_reports(engine, item, *customers):
    with Session(engine) as session:
        fresh = session.get(Item, item.id)
        for customer in customers:
            reports.add_report(
                session,
                item=fresh,
                customer=customer,
                quote="me too",
                agent_id="UAGENT2",
                source_permalink=None,
                now=item.created_at,
            )
        reports.recount(session, item=fresh)
        session.commit()


def export(engine, where=None, *, fmt="csv", reports=False, now=NOW):
    out = io.StringIO()
    service = ExportService(CFG, engine, lambda: now, delivery=None)  # type: ignore[arg-type]
    count = service.write(out, where or ExportFilter(), fmt=fmt, reports=reports)
    return count, out.getvalue()


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_the_columns_leads_asked_for(engine):
    add(engine, "Refund took 9 days", customer="Acme Corp")
    count, text = export(engine)
    header = next(csv.reader(io.StringIO(text)))
    assert header == list(ITEM_COLUMNS)
    for needed in [
        "id",
        "created_at",
        "team",
        "kind",
        "urgency",
        "status",
        "outcome",
        "summary",
        "details",
        "customers",
        "customer_names",
        "reporter",
        "owner",
        "first_update_at",
        "last_update_at",
        "resolved_at",
        "waited_business_hours",
        "card_link",
    ]:
        assert needed in header
    [row] = csv_rows(text)
    assert count == 1
    assert row["id"].startswith("FB-") and row["team"] == "billing"
    assert row["created_at"] == "2026-11-24T15:00:00Z"  # ISO 8601, UTC
    assert row["customers"] == "1" and row["customer_names"] == "Acme Corp"
    assert row["status"] == "open" and row["outcome"] == "" and row["last_update_at"] == ""


def test_customer_names_are_distinct_ignoring_case(engine):
    item = add(engine, "Refund took 9 days", customer="Acme Corp")
    more_reports(engine, item, "acme corp", "Globex", "", "  ACME  CORP ")
    [row] = csv_rows(export(engine)[1])
    assert row["customer_names"] == "Acme Corp; Globex"
    assert row["customers"] == "3"  # Acme, Globex and one unnamed


def test_waited_business_hours_count_the_teams_working_hours_only(engine):
    # Tue 10:00 → Wed 11:00 in New York, 9-17 weekdays: 7 h on Tuesday + 2 h on Wednesday
    add(engine, "answered", first_update_at=ny(25, 11).astimezone(UTC), key="a")
    # never answered, resolved Tue 16:30: 6.5 h
    add(engine, "resolved", resolved_at=ny(24, 16, 30).astimezone(UTC), outcome="done", key="b")
    # still waiting: until the export's now, Thu 10:00 → 7 + 8 + 1
    add(engine, "waiting", key="c")
    rows = {r["summary"]: r for r in csv_rows(export(engine)[1])}
    assert rows["answered"]["waited_business_hours"] == "9.0"
    assert rows["answered"]["first_update_at"] == "2026-11-25T16:00:00Z"
    assert rows["resolved"]["waited_business_hours"] == "6.5"
    assert rows["resolved"]["outcome"] == "done"
    assert rows["waiting"]["waited_business_hours"] == "16.0"


def test_waited_hours_skip_a_weekend():
    friday = ny(27, 16).astimezone(UTC)
    monday = ny(30, 10).astimezone(UTC)
    item = ExportItem(
        id=1,
        created_at=friday,
        team_key="billing",
        kind="problem",
        urgency="normal",
        status="open",
        outcome=None,
        rule_outcome=None,
        summary="s",
        details="",
        customers=1,
        reporter_id="U1",
        owner_id=None,
        first_update_at=monday,
        informed_at=monday,
        resolved_at=None,
        card_permalink=None,
        merged_into_id=None,
    )
    assert waited_business_hours(item, CFG.calendar(CFG.team("billing")), NOW) == 2.0


def test_cells_a_spreadsheet_would_run_as_formulas_open_as_text(engine):
    for value in ('=HYPERLINK("http://x")', "+1 555", "-2 refunds", "@SUM(A1)", "\tx"):
        assert csv_cell(value) == "'" + value
    assert csv_cell("Refund = slow") == "Refund = slow"
    assert csv_cell(3) == 3 and csv_cell(None) == ""

    add(engine, "=cmd|' /C calc'!A0", customer="@Acme")
    [row] = csv_rows(export(engine)[1])
    assert row["summary"] == "'=cmd|' /C calc'!A0"
    assert row["customer_names"] == "'@Acme"


def test_jsonl_is_one_object_per_line_with_real_numbers_and_nulls(engine):
    add(engine, "=not guarded in json", customer="Acme", key="a")
    add(engine, "second", key="b")
    count, text = export(engine, fmt="jsonl")
    lines = [json.loads(line) for line in text.splitlines()]
    assert count == 2 and len(lines) == 2
    assert list(lines[0]) == list(ITEM_COLUMNS)
    assert lines[0]["summary"] == "=not guarded in json"
    assert lines[0]["customers"] == 1 and lines[0]["outcome"] is None


def test_filters_on_creation_day_and_team(engine):
    add(engine, "old", at=ny(10, 10).astimezone(UTC))
    add(engine, "billing now")
    add(engine, "product now", team="product")
    since = ExportFilter(since=ny(20, 0).astimezone(UTC))
    assert {r["summary"] for r in csv_rows(export(engine, since)[1])} == {
        "billing now",
        "product now",
    }
    until = ExportFilter(until=ny(11, 0).astimezone(UTC))
    assert [r["summary"] for r in csv_rows(export(engine, until)[1])] == ["old"]
    team = ExportFilter(teams=["product"])
    assert [r["summary"] for r in csv_rows(export(engine, team)[1])] == ["product now"]


def test_reports_give_one_row_per_customer_account(engine):
    item = add(engine, "Refund took 9 days", customer="Acme", resolved_at=NOW, outcome="done")
    more_reports(engine, item, "Globex")
    count, text = export(engine, reports=True)
    rows = csv_rows(text)
    assert count == 2
    assert list(rows[0]) == list(REPORT_COLUMNS)
    assert [(r["customer"], r["agent"], r["item_id"]) for r in rows] == [
        ("Acme", "UAGENT", f"FB-{item.id}"),
        ("Globex", "UAGENT2", f"FB-{item.id}"),
    ]
    assert {r["outcome"] for r in rows} == {"done"}


def test_pages_stream_every_row_once(engine):
    from storage import export as queries

    for n in range(25):
        add(engine, f"item {n}", key=f"k{n}")
    pages = list(queries.iter_items(engine, ExportFilter(), page_size=10))
    assert [len(p) for p in pages] == [10, 10, 5]
    assert len({i.id for p in pages for i in p}) == 25


def test_a_lead_gets_their_teams_last_90_days_in_a_dm(engine, delivery, slack, clock):
    clock.set(NOW)
    add(engine, "billing recent", customer="Acme", key="a")
    add(engine, "billing old", at=NOW - timedelta(days=120), key="b")
    add(engine, "product recent", team="product", key="c")
    service = ExportService(CFG, engine, lambda: NOW, delivery)

    sent = service.send_to_lead(team_id="T0ACME", user="ULEADB", request_key="trigger-1")
    assert sent is not None and sent.rows == 1
    again = service.send_to_lead(team_id="T0ACME", user="ULEADB", request_key="trigger-1")
    assert again is not None and again.row_ids == []  # a retried request queues nothing new

    [upload] = slack.uploads
    assert upload["channel"] == "DLEADB"
    assert upload["filename"] == "frontline-export-2026-11-26.csv"
    assert "Billing" in upload["initial_comment"]
    rows = csv_rows(upload["content"].decode("utf-8"))
    assert [r["summary"] for r in rows] == ["billing recent"]


def test_someone_who_leads_no_team_gets_no_export(engine, delivery, slack):
    service = ExportService(CFG, engine, lambda: NOW, delivery)
    assert service.led_by("UAGENT") == []
    assert service.send_to_lead(team_id="T0ACME", user="UAGENT", request_key="t") is None
    assert slack.uploads == []


def test_payload_is_base64(engine, delivery, slack, clock):
    clock.set(NOW)
    service = ExportService(CFG, engine, lambda: NOW, delivery)
    service.send_to_lead(team_id="T0ACME", user="ULEADP", request_key="t2")
    [upload] = slack.uploads
    assert base64.b64encode(upload["content"])  # bytes went through the outbox's base64
    assert upload["content"].decode("utf-8").startswith("id,created_at,team")


def test_the_cached_business_clock_agrees_with_the_calendar():
    import random

    from bot.insights.export_clock import BusinessTime
    from bot.schedule.clock import business_time_between

    rng = random.Random(3)
    for zone in ("America/New_York", "Europe/London", "Australia/Lord_Howe"):
        cal = parse_config({**CONFIG, "timezone": zone}, "t.yml").calendar()
        clock = BusinessTime(cal)
        base = datetime(2026, 1, 1, tzinfo=UTC)
        for _ in range(300):
            a = base + timedelta(minutes=rng.randrange(365 * 24 * 60))
            b = a + timedelta(minutes=rng.randrange(60 * 24 * 60))
            assert clock.between(a, b) == business_time_between(a, b, cal), (zone, a, b)


def test_cli_dates_are_whole_days_in_utc_and_bad_ones_are_refused():
    import argparse

    import pytest

    from bot.cli import export as cli

    def flags(**kw):
        return argparse.Namespace(**{"since": None, "until": None, "team": None, **kw})

    where = cli._export_filter(CFG, flags(since="2026-11-01", until="2026-11-30", team=["billing"]))
    assert where.since == datetime(2026, 11, 1, tzinfo=UTC)
    assert where.until == datetime(2026, 12, 1, tzinfo=UTC)  # the 30th is included
    assert list(where.teams or []) == ["billing"]
    for bad, expected in (
        (flags(until="30/11/2026"), "--until '30/11/2026' is not a date"),
        (flags(since="2026-11-30", until="2026-11-01"), "is after --until"),
        (flags(team=["billing", "nosuch"]), "known teams: billing, product, support-ops"),
    ):
        with pytest.raises(cli.CliError) as refused:
            cli._export_filter(CFG, bad)
        assert len(refused.value.lines) == 1 and expected in refused.value.lines[0]
        assert refused.value.code == 2
