"""The weekly insight on in-memory SQLite: the grouped queries, the figures, routing hints,
the service's plan, its idempotent sending and its dry run (tests/support/weekly_world.py)."""

from __future__ import annotations

import copy as deepcopy
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core.config import ConfigError, parse_config
from bot.insights.figures import BusinessMeter, Meters, first_update_waits
from bot.insights.routing_hints import routing_hints, significant_words
from bot.insights.weekly import WeeklyService
from bot.insights.weekly_plan import week_key
from bot.schedule.clock import business_time_between
from bot.services.workspace import Workspace
from bot.slack.delivery import Delivery
from storage import insights
from storage.insights import ALL, Move
from tests.support.fake_gateway import FakeGateway
from tests.support.helpers import block_text, outbox_rows
from tests.support.weekly_world import AT, seed_week
from tests.support.world import CONFIG, Clock, ny

CFG = parse_config(CONFIG, "test.yml")
SINCE = AT - timedelta(days=7)


@pytest.fixture
def week(memory_session: Session) -> Session:
    seed_week(memory_session)
    return memory_session


# --- config ---------------------------------------------------------------------------------------


def test_insights_defaults_to_monday_nine_without_a_channel() -> None:
    assert CFG.insights.day == "mon" and CFG.insights.time.isoformat() == "09:00:00"
    assert CFG.insights.channel is None and CFG.insights.enabled


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ({"day": "someday"}, "insights.day: must be a day of the week: mon, tue"),
        ({"time": "9am"}, 'insights.time: must be a time of day like "09:30"'),
        ({"channel": "#leads"}, "insights.channel: '#leads' is not a Slack channel id"),
        ({"weekday": "mon"}, "insights.weekday: is not a known setting"),
    ],
)
def test_bad_insights_settings_say_which_key_and_how(section, expected) -> None:
    data = deepcopy.deepcopy(CONFIG)
    data["insights"] = section
    with pytest.raises(ConfigError) as exc:
        parse_config(data, "frontline.yml")
    lines = str(exc.value).splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"frontline.yml: {expected}"), lines


def test_insights_accept_day_names_and_unquoted_times() -> None:
    data = deepcopy.deepcopy(CONFIG)
    data["insights"] = {"day": "Friday", "time": 990, "channel": "C0LEADS"}  # YAML 1.1: 16:30
    found = parse_config(data, "frontline.yml").insights
    assert (found.day, found.time.isoformat(), found.channel) == ("fri", "16:30:00", "C0LEADS")


# --- storage/insights.py ------------------------------------------------------------------------


def test_counts_per_team_for_the_week(week: Session) -> None:
    assert insights.new_items(week, since=SINCE, until=AT) == {"billing": 5, "support-ops": 1}
    heard = insights.customers_heard(week, since=SINCE, until=AT)
    assert heard == {"billing": 7, "support-ops": 2, ALL: 9}
    done = insights.resolved(week, since=SINCE, until=AT)
    assert done == {"billing": insights.Resolved(2, 1, 1)}


def test_first_updates_and_weekly_buckets(week: Session) -> None:
    rows = insights.first_updates(week, since=SINCE, until=AT)
    assert sorted((r.team_key, r.first_update_at) for r in rows) == [
        ("billing", ny(24, 12)),
        ("billing", ny(25, 11)),
        ("billing", ny(25, 13)),
    ]
    starts = [AT - timedelta(days=7 * (8 - i)) for i in range(9)]
    weekly = insights.new_items_by_week(week, starts=starts)
    assert weekly["billing"] == [0, 0, 0, 0, 1, 0, 0, 5]  # FB-4 on 2 Nov, five this week


def test_top_lists_per_team_and_org_wide(week: Session) -> None:
    asks = insights.top_asks(week, per_team=3)
    assert [(i.id, i.customers) for i in asks["billing"]] == [(1, 3), (4, 1), (5, 1)]
    assert [i.id for i in asks[ALL]] == [1, 8, 4]
    oldest = insights.oldest_open(week, per_team=2)
    assert [i.id for i in oldest["billing"]] == [4, 1]
    rules = insights.blocking_rules(week, since=SINCE, until=AT, per_team=5)
    assert [(i.id, i.customers) for i in rules["support-ops"]] == [(8, 2)]
    assert "billing" not in rules


def test_moves_and_changes(week: Session) -> None:
    moves = insights.moves(week, since=AT - timedelta(weeks=4), until=AT)
    assert [(m.item_id, m.from_team, m.to_team) for m in moves] == [
        (5, "support-ops", "billing"),
        (6, "support-ops", "billing"),
    ]
    changes = insights.done_changes(week, since=SINCE, until=AT)
    assert [(c.agent_id, c.item_id) for c in changes] == [("UAGENT", 2)]
    assert insights.queued_keys(week, keys=["nope"]) == set()


# --- figures ---------------------------------------------------------------------------------------


def test_business_meter_agrees_with_the_clock() -> None:
    cal = CFG.calendar(CFG.team("billing"))
    meter = BusinessMeter(cal)
    rng = random.Random(7)
    base = datetime(2026, 10, 20, tzinfo=UTC)  # across the end of daylight saving time
    for _ in range(300):
        a = base + timedelta(minutes=rng.randrange(0, 80 * 24 * 60))
        b = a + timedelta(minutes=rng.randrange(0, 20 * 24 * 60))
        assert meter.between(a, b) == business_time_between(a, b, cal), (a, b)
    assert meter.between(ny(25, 12), ny(24, 12)) == timedelta(0)


def test_median_and_share_within_the_promise(week: Session) -> None:
    rows = insights.first_updates(week, since=SINCE, until=AT)
    waits = first_update_waits(rows, CFG, Meters(CFG))["billing"]
    assert sorted(waits.times) == [timedelta(hours=h) for h in (2, 4, 8)]
    assert waits.median == timedelta(hours=4) and waits.kept == 2
    assert round(waits.kept_pct or 0) == 67


# --- routing hints ----------------------------------------------------------------------------------


def move(item_id: int, summary: str, src: str = "support-ops", dst: str = "billing") -> Move:
    return Move(item_id, src, dst, summary, "")


def test_shared_words_become_a_keywords_line() -> None:
    moves = [
        move(1, "Chargeback dispute on the card"),
        move(2, "Customer disputes a chargeback: dispute form"),
        move(3, "Dispute about a chargeback fee"),
        move(4, "Chargeback dispute, refund asked"),
    ]
    [hint] = routing_hints(moves, CFG)
    assert (hint.from_team, hint.to_team, hint.items) == ("support-ops", "billing", 4)
    assert hint.words == ("chargeback", "dispute")
    assert hint.yaml_line == (
        "keywords: [invoice, refund, charge, payment, billing, receipt, chargeback, dispute]"
    )


def test_no_hint_from_one_move_known_keywords_or_stop_words() -> None:
    assert routing_hints([move(1, "Chargeback dispute")], CFG) == []
    same = [move(1, "Refund invoice please"), move(2, "Invoice refund please")]
    assert routing_hints(same, CFG) == []  # already billing's keywords; "please" is a stop word
    assert significant_words("The customer wants THE dashboards, 2x!") == {"dashboards"}
    back_and_forth = [
        move(1, "Dashboard widget", dst="product"),
        move(1, "Dashboard widget", dst="product"),
    ]
    assert routing_hints(back_and_forth, CFG) == []  # one item moved twice is one item


# --- the service ----------------------------------------------------------------------------------


@pytest.fixture
def service(
    engine: Engine, slack: FakeGateway, clock: Clock, delivery: Delivery
) -> Iterator[WeeklyService]:
    workspace = Workspace(engine, slack, clock.now, after_ack_workers=1)
    clock.set(AT)
    yield WeeklyService(CFG, engine, clock.now, workspace, delivery)
    workspace.close()


def test_week_key_is_the_iso_week_in_the_org_timezone() -> None:
    assert week_key(AT, CFG) == "2026-W49"
    assert week_key(ny(29, 23, 30), CFG) == "2026-W48"  # Sunday night in New York


def test_the_plan_has_each_teams_figures(service: WeeklyService, week: Session) -> None:
    plan = service.plan(AT)
    billing = next(i for i in plan.teams if i.team and i.team.key == "billing")
    assert (billing.new_items, billing.customers) == (5, 7)
    assert (billing.resolved, billing.done, billing.wont_do) == (2, 1, 1)
    assert billing.waits.median == timedelta(hours=4)
    assert [h.words for h in billing.hints] == [("chargeback", "dispute")]
    assert billing.history.new_items == (0, 0, 0, 0, 1, 0, 0, 5)
    assert billing.history.kept_pct[-1] == pytest.approx(200 / 3)
    assert billing.history.labels[0] == "05 Oct" and len(billing.history.labels) == 8
    assert plan.org.new_items == 6 and plan.org.customers == 9
    assert [(t.agent_id, t.changes) for t in plan.thanks] == [
        ("UAGENT", ((2, "Charged twice for March", None),))
    ]


def test_dry_run_says_what_would_go_and_sends_nothing(
    service: WeeklyService, week: Session, slack: FakeGateway, engine: Engine
) -> None:
    report = service.run(dry_run=True)
    billing = next(line for line in report.lines if line.startswith("weekly DM ULEADB"))
    assert "(billing, 2026-W49): 5 new items from 7 customers; 2 resolved (1 done" in billing
    assert "first update median 4h, 67% within promise" in billing
    assert "weekly thanks UAGENT (2026-W49): FB-2" in report.lines
    assert report.summary.startswith("weekly (dry run)")
    assert slack.calls == [] and outbox_rows(engine) == []


def test_leads_get_a_report_and_a_chart_once_a_week(
    service: WeeklyService, week: Session, slack: FakeGateway, engine: Engine, clock: Clock
) -> None:
    report = service.run()
    assert report.failed == 0 and report.sent == report.queued == 3 * 2 + 1
    dms = {c.args["channel"]: c.args for c in slack.calls_to("post_message")}
    text = block_text(dms["ULEADB"]["blocks"])
    assert "Billing: your week in customer feedback" in text
    assert "*5 new items*, with reports from *7 customers*" in text
    assert "*2 resolved*: 1 done, 1 won't do" in text
    assert "median of *4h* of business time; *67%* of 3 first updates" in text
    assert (
        "<https://acme.slack.com/archives/C0BILLING/p1|FB-1> Invoices should show the PO number: *3 customers*"
        in text
    )
    assert (
        "2 items moved from Support Ops to Billing in 4 weeks; they share “chargeback” and “dispute”"
        in text
    )
    assert (
        "keywords: [invoice, refund, charge, payment, billing, receipt, chargeback, dispute]"
        in text
    )
    support = block_text(dms["ULEADS"]["blocks"])
    assert "*FB-8* Refunds only by phone: blocked *2 customers* (still open)" in support
    thanks = block_text(dms["UAGENT"]["blocks"])
    assert "Thank you" in thanks and "*FB-2* Charged twice for March" in thanks
    charts = {u["channel"]: u for u in slack.uploads}
    assert set(charts) == {slack.open_dm(u) for u in ("ULEADB", "ULEADP", "ULEADS")}
    png = charts[slack.open_dm("ULEADB")]
    assert png["content"][:8] == b"\x89PNG\r\n\x1a\n" and png["filename"].endswith(".png")

    clock.advance(timedelta(hours=3))  # a rerun in the same week: nothing new
    again = service.run()
    assert again.queued == 0 and len(slack.uploads) == 3
    assert len(outbox_rows(engine)) == 7


def test_the_channel_summary_covers_every_team(
    engine: Engine, slack: FakeGateway, clock: Clock, delivery: Delivery, week: Session
) -> None:
    data = deepcopy.deepcopy(CONFIG)
    data["insights"] = {"channel": "C0LEADS"}
    cfg = parse_config(data, "test.yml")
    workspace = Workspace(engine, slack, clock.now, after_ack_workers=1)
    clock.set(AT)
    try:
        WeeklyService(
            cfg, engine, clock.now, workspace, Delivery(engine, slack, cfg, clock.now)
        ).run()
    finally:
        workspace.close()
    [summary] = [c.args for c in slack.calls_to("post_message") if c.args["channel"] == "C0LEADS"]
    text = block_text(summary["blocks"])
    assert "all teams" in text and "*6 new items*, with reports from *9 customers*" in text
    assert "• Billing: 5" in text and "• Support Ops: 1" in text
    assert any(u["channel"] == "C0LEADS" for u in slack.uploads)
