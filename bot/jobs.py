"""Scheduled jobs, runnable in-process (APScheduler) or once from the CLI (`frontline jobs run`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.frontline import Frontline


@dataclass
class JobReport:
    job: str
    lines: list[str] = field(default_factory=list)
    sent: int = 0
    failed: int = 0

    @property
    def summary(self) -> str:
        return f"{self.job}: {self.sent} sent, {self.failed} failed"


def run_deliveries(fl: Frontline, dry_run: bool = False) -> JobReport:
    report = JobReport("deliveries")
    if dry_run:
        for row in fl.delivery.due():
            report.lines.append(f"would send {row.kind} {row.key} (attempt {row.attempts + 1})")
        return report
    result = fl.delivery.drain()
    report.sent, report.failed = result.sent, result.failed
    return report


def run_job(fl: Frontline, job: str, *, dry_run: bool = False) -> JobReport:
    runners = {"deliveries": run_deliveries}
    try:
        from bot import schedule_jobs

        runners.update(schedule_jobs.RUNNERS)
    except ImportError:
        pass
    return runners[job](fl, dry_run)
