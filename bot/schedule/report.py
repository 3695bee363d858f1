"""What one run of a scheduled job did: the lines --dry-run prints, and the summary it logs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.slack.delivery import Delivery


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


class Job(Protocol):
    """A scheduled job: plan from the database, then (unless a dry run) claim and send."""

    def run(self, dry_run: bool = False) -> JobReport: ...


def send_now(delivery: Delivery, report: JobReport, row_ids: Sequence[int]) -> JobReport:
    """Send what the job queued right away (the deliveries job retries what fails)."""
    result = delivery.send(list(row_ids))
    report.queued, report.sent, report.failed = len(row_ids), result.sent, result.failed
    return report
