"""Scheduled jobs, runnable in-process (APScheduler) or once from the CLI (`frontline jobs run`).

Every job plans from the database first (that plan is what --dry-run prints), then claims each
message in the database before it goes to Slack, so re-runs and parallel runs send nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.schedule import digest, nudges, tips
from bot.services.frontline import Frontline


@dataclass
class JobReport:
    job: str
    lines: list[str] = field(default_factory=list)
    queued: int = 0
    sent: int = 0
    failed: int = 0
    dry_run: bool = False

    @property
    def summary(self) -> str:
        if self.dry_run:
            return f"{self.job} (dry run): {len(self.lines)} planned, nothing sent"
        return f"{self.job}: {self.queued} queued, {self.sent} sent, {self.failed} failed"


def _send(fl: Frontline, report: JobReport, row_ids: list[int]) -> JobReport:
    result = fl.deliver(row_ids)
    report.queued, report.sent, report.failed = len(row_ids), result.sent, result.failed
    return report


def run_deliveries(fl: Frontline, dry_run: bool = False) -> JobReport:
    report = JobReport("deliveries", dry_run=dry_run)
    if dry_run:
        report.lines = [
            f"would send {r.kind} {r.key} (attempt {r.attempts + 1})" for r in fl.delivery.due()
        ]
        report.lines += _given_up_lines(fl)
        return report
    result = fl.delivery.drain()
    report.sent, report.failed = result.sent, result.failed
    purged = fl.delivery.purge()
    if purged:
        report.lines.append(f"removed {purged} sent messages older than 30 days from the outbox")
    report.lines += _given_up_lines(fl)
    return report


def _given_up_lines(fl: Frontline) -> list[str]:
    """Messages Slack never accepted stay visible until an admin acts (fix the channel, …)."""
    total, rows = fl.delivery.given_up()
    if not total:
        return []
    lines = [f"{total} message(s) gave up after every retry; latest:"]
    lines += [f"  {r.key} ({r.kind}): {r.last_error}" for r in rows]
    return lines


def run_nudges(fl: Frontline, dry_run: bool = False) -> JobReport:
    now = fl.now()
    plan = nudges.plan(fl, now)
    report = JobReport("nudges", lines=nudges.describe(plan, now), dry_run=dry_run)
    if dry_run:
        return report
    _, _, row_ids = nudges.send(fl, plan, now)
    return _send(fl, report, row_ids)


def run_digest(fl: Frontline, dry_run: bool = False) -> JobReport:
    now = fl.now()
    plan = digest.plan(fl, now)
    report = JobReport("digest", lines=digest.describe(plan), dry_run=dry_run)
    if dry_run:
        return report
    return _send(fl, report, digest.send(fl, plan, now))


def run_tips(fl: Frontline, dry_run: bool = False) -> JobReport:
    now = fl.now()
    day, posts = tips.plan_posts(fl, now)
    lines = [f"tip {p.tip.id} ({p.tip.title}) to {p.channel} for {day.isoformat()}" for p in posts]
    report = JobReport("tips", lines=lines, dry_run=dry_run)
    if dry_run:
        return report
    return _send(fl, report, tips.send_posts(fl, day, posts, now))


RUNNERS: dict[str, Callable[[Frontline, bool], JobReport]] = {
    "deliveries": run_deliveries,
    "nudges": run_nudges,
    "digest": run_digest,
    "tips": run_tips,
}


def run_job(fl: Frontline, job: str, *, dry_run: bool = False) -> JobReport:
    return RUNNERS[job](fl, dry_run)
