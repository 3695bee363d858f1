"""In-process APScheduler: timezone-aware triggers, coalesced, with misfire grace."""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.frontline import Frontline
from bot.jobs import run_job

log = logging.getLogger(__name__)


def _runner(fl: Frontline, job: str):
    def run() -> None:
        try:
            report = run_job(fl, job)
            if report.sent or report.failed:
                log.info(report.summary)
        except Exception:
            log.exception("job %s failed; it runs again at its next time", job)

    return run


def start_scheduler(fl: Frontline) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone=fl.config.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.add_job(_runner(fl, "deliveries"), IntervalTrigger(minutes=1), id="deliveries")
    scheduler.start()
    return scheduler
