"""The weekly insight through the real CLI (`frontline jobs run weekly --at …`) and the fake
Slack Web API, on SQLite and PostgreSQL: leads' DMs with their numbers, a PNG uploaded into each
lead's DM with Slack's external upload flow, the org-wide summary, the thank-you, and no
doubles on a rerun; --dry-run sends nothing."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import yaml
from apscheduler.triggers.cron import CronTrigger
from sqlmodel import Session

from bot.scheduler import start_scheduler
from storage.db import make_engine
from tests.support.helpers import block_text, eventually, items, posts_to
from tests.support.slack_requests import option_value, text_value
from tests.support.weekly_world import AT, seed_week
from tests.support.world import NY, at, ny

PNG = b"\x89PNG\r\n\x1a\n"
LEADS = ("ULEADB", "ULEADP", "ULEADS")


def seeded(cli, database_url: str) -> None:
    """The schema, then the week of tests/support/weekly_world.py."""
    code, _ = cli("db", "upgrade")
    assert code == 0
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            seed_week(session)
    finally:
        engine.dispose()


def upload_calls(fake) -> list[str]:
    wanted = ("files.getUploadURLExternal", "upload_url", "files.completeUploadExternal")
    return [c.method for c in fake.calls if c.method in wanted]


def test_leads_get_their_week_with_a_chart_and_agents_their_thanks(cli, database_url, fake_slack):
    seeded(cli, database_url)

    code, out = cli("jobs", "run", "weekly", "--at", at(AT))

    assert code == 0 and "weekly: 7 queued, 7 sent, 0 failed" in out, out
    [billing] = posts_to(fake_slack, "ULEADB")
    text = block_text(billing.args["blocks"])
    assert billing.args["text"] == "Billing's week: 5 new items, 2 resolved"
    assert "*5 new items*, with reports from *7 customers*" in text
    assert "*2 resolved*: 1 done, 1 won't do" in text
    assert "median of *4h* of business time; *67%* of 3 first updates" in text
    assert "FB-1> Invoices should show the PO number: *3 customers*" in text
    assert "*FB-4* Receipt in Spanish: open for 27d 23h" in text
    assert "they share “chargeback” and “dispute”. Add them to billing's keywords?" in text
    assert (
        "keywords: [invoice, refund, charge, payment, billing, receipt, chargeback, dispute]"
        in text
    )
    [support] = posts_to(fake_slack, "ULEADS")
    assert "*FB-8* Refunds only by phone: blocked *2 customers* (still open)" in block_text(
        support.args["blocks"]
    )

    # one chart per lead, shared into the lead's DM (the id conversations.open gives)
    uploads = {u.channel: u for u in fake_slack.uploads()}
    assert set(uploads) == {f"D{lead}" for lead in LEADS}
    chart = uploads["DULEADB"]
    assert chart.content is not None and chart.content.startswith(PNG)
    assert (
        chart.filename == "weekly-billing-2026-W49.png"
        and chart.title == "Billing: the last 8 weeks"
    )
    assert upload_calls(fake_slack).count("files.completeUploadExternal") == 3
    opened = {c.args.get("users") for c in fake_slack.calls_to("conversations.open")}
    assert set(LEADS) <= opened

    [thanks] = posts_to(fake_slack, "UAGENT")
    thanks_text = block_text(thanks.args["blocks"])
    assert "Thank you" in thanks_text and "*FB-2* Charged twice for March: done" in thanks_text
    assert posts_to(fake_slack, "UOTHER") == []  # FB-3 was won't do: nothing to thank for

    # a rerun later the same week (another process, a restart): nothing new
    fake_slack.reset()
    code, out = cli("jobs", "run", "weekly", "--at", at(AT + timedelta(hours=5)))
    assert code == 0 and "weekly: 0 queued, 0 sent, 0 failed" in out
    assert fake_slack.calls_to("chat.postMessage") == [] and upload_calls(fake_slack) == []


def test_dry_run_prints_the_plan_and_sends_nothing(cli, database_url, fake_slack):
    seeded(cli, database_url)

    code, out = cli("jobs", "run", "weekly", "--at", at(AT), "--dry-run")

    assert code == 0 and "weekly (dry run): 4 planned, nothing sent" in out, out
    assert "weekly DM ULEADB (billing, 2026-W49): 5 new items from 7 customers" in out
    assert "weekly thanks UAGENT (2026-W49): FB-2" in out
    assert fake_slack.calls_to("chat.postMessage") == [] and upload_calls(fake_slack) == []
    # the real run afterwards still sends everything once
    code, out = cli("jobs", "run", "weekly", "--at", at(AT))
    assert "weekly: 7 queued, 7 sent, 0 failed" in out


def test_the_insights_channel_gets_the_org_summary_with_its_chart(
    cli, database_url, fake_slack, config_file
):
    data = yaml.safe_load(config_file.read_text())
    data["insights"] = {"day": "mon", "time": "09:00", "channel": "C0LEADS"}
    config_file.write_text(yaml.safe_dump(data))
    seeded(cli, database_url)

    code, out = cli("jobs", "run", "weekly", "--at", at(AT))

    assert code == 0 and "weekly: 9 queued, 9 sent, 0 failed" in out, out
    [summary] = posts_to(fake_slack, "C0LEADS")
    text = block_text(summary.args["blocks"])
    assert "Your week in customer feedback, all teams" in text
    assert "*6 new items*, with reports from *9 customers*" in text
    assert "• Billing: 5" in text and "• Support Ops: 1" in text
    [chart] = [u for u in fake_slack.uploads() if u.channel == "C0LEADS"]
    assert chart.content is not None and chart.content.startswith(PNG)


def test_the_scheduler_runs_it_weekly_and_catches_up_after_a_monday_restart(
    running, fake_slack, clock, caplog
):

    with Session(running.engine) as session:
        seed_week(session)
    caplog.set_level(logging.INFO, logger="bot.scheduler")
    clock.set(AT + timedelta(minutes=20))  # Monday 09:20, 20 minutes after the weekly time
    scheduler = start_scheduler(running.frontline)
    try:
        trigger = scheduler.get_job("weekly").trigger
        assert isinstance(trigger, CronTrigger) and trigger.timezone == NY
        fields = {f.name: str(f) for f in trigger.fields if not f.is_default}
        assert fields == {"day_of_week": "mon", "hour": "9", "minute": "0"}
        friday = datetime(2026, 11, 27, 18, 0, tzinfo=NY)
        assert trigger.get_next_fire_time(None, friday) == datetime(2026, 11, 30, 9, 0, tzinfo=NY)
        assert "catching up this week's weekly insight (scheduled 09:00)" in caplog.messages
        eventually(lambda: len(fake_slack.uploads()) == 3, timeout=15)
    finally:
        scheduler.shutdown(wait=True)
    weekly = [
        p for lead in LEADS for p in posts_to(fake_slack, lead) if "'s week:" in p.args["text"]
    ]
    assert len(weekly) == 3  # the digest caught up too; the weekly report went once to each lead


def test_what_happened_in_slack_this_week_is_in_the_report(running, fake_slack, clock, cli):

    clock.set(ny(24, 10))  # Tuesday: UAGENT logs it, billing updates the customer 3h later
    running.slack.command("Invoices should show the PO number #billing")
    eventually(lambda: items(running.engine) and items(running.engine)[0].card_ts)
    clock.set(ny(24, 13))
    running.slack.view_submission(
        "feedback_customer_update",
        {"fb_note": {"note": text_value("Looking into it today")}},
        user="UBILL1",
        private_metadata='{"item": 1}',
    )
    clock.set(ny(25, 10))  # Wednesday: done
    running.slack.block_action("feedback_resolve", "FB-1", user="UBILL1")
    [opened] = fake_slack.wait_for("views.open")
    running.slack.view_submission(
        "feedback_resolution",
        {
            "fb_outcome": {"outcome": option_value("done", "radio_buttons")},
            "fb_note": {"note": text_value("PO numbers are on every invoice now")},
        },
        user="UBILL1",
        private_metadata=opened.args["view"]["private_metadata"],
    )
    eventually(lambda: items(running.engine)[0].status == "resolved")
    running.settle()
    fake_slack.reset()

    code, out = cli("jobs", "run", "weekly", "--at", at(AT))

    assert code == 0, out
    [dm] = [p for p in posts_to(fake_slack, "ULEADB") if "'s week" in p.args["text"]]
    text = block_text(dm.args["blocks"])
    assert "*1 new item*, with reports from *1 customer*" in text
    assert "*1 resolved*: 1 done, 0 won't do" in text
    assert "median of *3h* of business time; *100%* of 1 first update came within" in text
    [thanks] = posts_to(fake_slack, "UAGENT")
    thanks_text = block_text(thanks.args["blocks"])
    assert "|FB-1> Invoices should show the PO number: done" in thanks_text  # linked to its card
