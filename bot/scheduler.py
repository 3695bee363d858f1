"""In-process APScheduler: timezone-aware cron triggers, coalesced, with misfire grace.

The weekly insight runs once a week on `insights.day` at `insights.time` (the org's timezone).
The digest runs every quarter hour and sends each person theirs at their own local time.

Daily jobs (the tips) also run once at start-up when today's time has passed (a restart at
09:40 still posts the 09:30 tip); their database keys make that catch-up a no-op when it already
went out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC, datetime, time, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.metrics import Metrics
from bot.schedule.clock import WEEKDAYS
from bot.schedule.jobs import run_job
from bot.services.frontline import Frontline

log = logging.getLogger(__name__)
DAILY_GRACE = timedelta(hours=6)


def _runner(fl: Frontline, job: str, metrics: Metrics | None = None) -> Callable[[], None]:
    def run() -> None:
        try:
            with metrics.job_run(job) if metrics is not None else nullcontext():
                report = run_job(fl, job)
            if report.queued or report.sent or report.failed:
                log.info(report.summary)
        except Exception:
            log.exception("job %s failed; it runs again at its next time", job)

    return run


def _catch_up_due(fl: Frontline, at: time, now: datetime) -> bool:
    cal = fl.config.calendar()
    local = now.astimezone(cal.tz)
    today_at = datetime.combine(local.date(), at, tzinfo=cal.tz)
    return cal.is_working_day(local.date()) and today_at <= now < today_at + DAILY_GRACE


def _weekly_catch_up_due(fl: Frontline, now: datetime) -> bool:
    """A restart on the insights day within the grace after its time: its outbox keys (one per
    lead, team and week) make the catch-up a no-op when the report already went out."""
    insights = fl.config.insights
    tz = fl.config.calendar().tz
    local = now.astimezone(tz)
    if WEEKDAYS[local.weekday()] != insights.day:
        return False
    at = datetime.combine(local.date(), insights.time, tzinfo=tz)
    return at <= now < at + DAILY_GRACE


def start_scheduler(fl: Frontline, metrics: Metrics | None = None) -> BackgroundScheduler:
    config = fl.config
    tz = config.timezone
    days = ",".join(config.business_hours.days)
    scheduler = BackgroundScheduler(
        timezone=tz,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(DAILY_GRACE.total_seconds()),
        },
    )
    scheduler.add_job(
        _runner(fl, "deliveries", metrics), IntervalTrigger(minutes=1), id="deliveries"
    )
    scheduler.add_job(
        _runner(fl, "nudges", metrics),
        IntervalTrigger(minutes=config.nudges.every_minutes),
        id="nudges",
    )
    if config.digest.enabled:
        # Each person's digest goes at `digest.time` in their own timezone: the job runs every
        # quarter hour from that minute (UTC), so 08:45 is exact in every zone (all offsets are
        # whole quarter hours), and each run sends only to people whose local time has come.
        minute = config.digest.time.minute % 15
        trigger = CronTrigger(minute=f"{minute}-59/15", timezone=UTC)
        scheduler.add_job(_runner(fl, "digest", metrics), trigger, id="digest")
    daily = []
    if config.tips.channels:
        daily.append(("tips", config.tips.time))
    now = fl.now()
    for job, at in daily:
        trigger = CronTrigger(day_of_week=days, hour=at.hour, minute=at.minute, timezone=tz)
        scheduler.add_job(_runner(fl, job, metrics), trigger, id=job)
        if _catch_up_due(fl, at, now):
            log.info("catching up today's %s (scheduled %s)", job, at.strftime("%H:%M"))
            # no trigger: APScheduler runs it once, as soon as the scheduler starts
            scheduler.add_job(_runner(fl, job, metrics), id=f"{job}-catch-up")
    insights = config.insights
    if insights.enabled:
        at = insights.time
        trigger = CronTrigger(day_of_week=insights.day, hour=at.hour, minute=at.minute, timezone=tz)
        scheduler.add_job(_runner(fl, "weekly", metrics), trigger, id="weekly")
        if _weekly_catch_up_due(fl, now):
            log.info("catching up this week's weekly insight (scheduled %s)", at.strftime("%H:%M"))
            scheduler.add_job(_runner(fl, "weekly", metrics), id="weekly-catch-up")
    scheduler.start()
    return scheduler
