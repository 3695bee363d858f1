"""The in-process scheduler `frontline run` starts: its jobs, and the catch-up after a restart."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.scheduler import start_scheduler
from tests.e2e.helpers import eventually

NY = ZoneInfo("America/New_York")


def tips_posts(fake):
    return [
        c for c in fake.calls_to("chat.postMessage") if c.args["channel"] in ("C0TIPS", "C0FLOOR")
    ]


def test_restart_after_tip_time_catches_up_once(running, fake_slack, clock):
    clock.set(datetime(2026, 11, 25, 9, 45, tzinfo=NY))  # Wednesday, 15 minutes after tip time
    scheduler = start_scheduler(running.frontline)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert {"deliveries", "nudges", "digest", "tips"} <= set(jobs)
        assert str(jobs["tips"].trigger.timezone) == "America/New_York"
        assert "hour='9', minute='30'" in str(jobs["tips"].trigger)
        assert "day_of_week='mon,tue,wed,thu,fri'" in str(jobs["tips"].trigger)
        eventually(lambda: len(tips_posts(fake_slack)) == 2, timeout=10)
    finally:
        scheduler.shutdown(wait=True)
    # a second restart the same morning posts nothing new
    again = start_scheduler(running.frontline)
    try:
        import time

        time.sleep(1.0)
    finally:
        again.shutdown(wait=True)
    assert len(tips_posts(fake_slack)) == 2


def test_restart_on_a_weekend_or_before_time_does_not_post(running, fake_slack, clock):
    for at in (datetime(2026, 11, 28, 10, 0, tzinfo=NY), datetime(2026, 11, 25, 9, 0, tzinfo=NY)):
        clock.set(at)
        scheduler = start_scheduler(running.frontline)
        jobs = {job.id for job in scheduler.get_jobs()}
        scheduler.shutdown(wait=True)
        assert "tips-catch-up" not in jobs and "digest-catch-up" not in jobs
    assert tips_posts(fake_slack) == []
