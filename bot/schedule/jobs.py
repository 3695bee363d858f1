"""Scheduled jobs, runnable in-process (APScheduler) or once from the CLI (`frontline jobs run`).

Each job is a use-case service built once in the composition (bot/services/frontline.py):
`Frontline.jobs` maps its name to it. Every job plans from the database first (that plan is
what --dry-run prints), then claims each message in the database before it goes to Slack, so
re-runs and parallel runs send nothing twice.
"""

from __future__ import annotations

from bot.schedule.report import Job, JobReport
from bot.services.frontline import Frontline

__all__ = ["Job", "JobReport", "run_job"]


def run_job(fl: Frontline, job: str, *, dry_run: bool = False) -> JobReport:
    return fl.jobs[job].run(dry_run)
