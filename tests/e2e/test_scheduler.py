"""The in-process scheduler `frontline run` starts: its jobs, and the catch-up after a restart."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.scheduler import start_scheduler
from tests.support.helpers import eventually, outbox_rows
from tests.support.world import NY

TIP_CHANNELS = ("C0TIPS", "C0FLOOR")
WORKING_DAYS = "mon,tue,wed,thu,fri"


@pytest.fixture
def scheduler_log(caplog):
    caplog.set_level(logging.INFO, logger="bot.scheduler")
    return caplog


def tips_posts(fake):
    return [c for c in fake.calls_to("chat.postMessage") if c.args["channel"] in TIP_CHANNELS]


def catch_ups(caplog) -> list[str]:
    return [m for m in caplog.messages if m.startswith("catching up today's")]


def cron_fields(trigger) -> dict[str, str]:
    """The fields a cron trigger was given (APScheduler fills the rest with defaults)."""
    return {f.name: str(f) for f in trigger.fields if not f.is_default}


def job_ids(scheduler) -> set[str]:
    return {job.id for job in scheduler.get_jobs()}


def test_jobs_and_their_triggers(running):
    scheduler = start_scheduler(running.frontline)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=True)
    assert {"deliveries", "nudges", "digest", "tips"} <= set(jobs)

    deliveries, nudges = jobs["deliveries"].trigger, jobs["nudges"].trigger
    assert isinstance(deliveries, IntervalTrigger) and deliveries.interval == timedelta(minutes=1)
    assert isinstance(nudges, IntervalTrigger) and nudges.interval == timedelta(minutes=5)

    # the digest runs every quarter hour (UTC) from digest.time's minute: 08:45 is then exact in
    # every timezone, and each run sends only to people whose local 08:45 has come
    digest = jobs["digest"].trigger
    assert isinstance(digest, CronTrigger) and digest.timezone == UTC
    assert cron_fields(digest) == {"minute": "0-59/15"}
    tokyo_0845 = datetime(2026, 11, 25, 23, 45, tzinfo=UTC)  # Thu 08:45 in Tokyo
    kolkata_0845 = datetime(2026, 11, 25, 3, 15, tzinfo=UTC)  # Wed 08:45 in Kolkata
    for fire in (tokyo_0845, kolkata_0845, datetime(2026, 11, 25, 13, 45, tzinfo=UTC)):
        assert digest.get_next_fire_time(None, fire - timedelta(minutes=1)) == fire

    for job, hour, minute in (("tips", 9, 30),):
        trigger = jobs[job].trigger
        assert isinstance(trigger, CronTrigger) and trigger.timezone == NY
        assert cron_fields(trigger) == {
            "day_of_week": WORKING_DAYS,
            "hour": str(hour),
            "minute": str(minute),
        }
        # a working day before the time: today; Friday after it: Monday (New York time)
        wednesday = datetime(2026, 11, 25, 7, 0, tzinfo=NY)
        friday = datetime(2026, 11, 27, 18, 0, tzinfo=NY)
        assert trigger.get_next_fire_time(None, wednesday) == wednesday.replace(
            hour=hour, minute=minute
        )
        assert trigger.get_next_fire_time(None, friday) == datetime(
            2026, 11, 30, hour, minute, tzinfo=NY
        )
        # the next run APScheduler planned (from the real clock) is a working day at that time
        planned = jobs[job].next_run_time.astimezone(NY)
        assert (planned.hour, planned.minute, planned.second) == (hour, minute, 0)
        assert planned.weekday() < 5


def test_restart_after_tip_time_catches_up_once(running, fake_slack, clock, scheduler_log):
    clock.set(datetime(2026, 11, 25, 9, 45, tzinfo=NY))  # Wednesday, 15 minutes after tip time
    scheduler = start_scheduler(running.frontline)
    try:
        assert "catching up today's tips (scheduled 09:30)" in catch_ups(scheduler_log)
        eventually(lambda: len(tips_posts(fake_slack)) == 2, timeout=10)
    finally:
        scheduler.shutdown(wait=True)
    tip_keys = {f"tip:T0ACME:{channel}:2026-11-25" for channel in TIP_CHANNELS}
    sent = {r.key: r for r in outbox_rows(running.engine)}
    assert tip_keys <= set(sent) and all(sent[k].status == "done" for k in tip_keys)

    # a second restart the same morning runs the catch-up again, and it queues nothing new
    scheduler_log.clear()
    again = start_scheduler(running.frontline)
    try:
        assert "catching up today's tips (scheduled 09:30)" in catch_ups(scheduler_log)
        # a catch-up job leaves the scheduler once it is handed to the executor ...
        eventually(lambda: not {"tips-catch-up", "digest-catch-up"} & job_ids(again))
    finally:
        again.shutdown(wait=True)  # ... and shutdown waits until it has finished
    after = outbox_rows(running.engine)
    assert [(r.id, r.key) for r in after] == [(r.id, r.key) for r in sent.values()]
    assert all(r.status == "done" for r in after)  # nothing queued, nothing left to send
    assert len(tips_posts(fake_slack)) == 2


def test_restart_on_a_weekend_or_before_time_does_not_post(
    running, fake_slack, clock, scheduler_log
):
    saturday, before_tips = (
        datetime(2026, 11, 28, 10, 0, tzinfo=NY),
        datetime(2026, 11, 25, 9, 0, tzinfo=NY),
    )
    for at, expected in (
        (saturday, []),  # not a working day: nothing to catch up
        (before_tips, []),  # the digest needs no catch-up: it runs every quarter hour
    ):
        clock.set(at)
        scheduler_log.clear()
        scheduler = start_scheduler(running.frontline)
        jobs = job_ids(scheduler)
        scheduler.shutdown(wait=True)
        assert "tips-catch-up" not in jobs
        assert catch_ups(scheduler_log) == expected
        if not expected:
            assert "digest-catch-up" not in jobs
    assert [r.key for r in outbox_rows(running.engine) if r.key.startswith("tip:")] == []
    assert tips_posts(fake_slack) == []
