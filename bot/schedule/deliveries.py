"""The deliveries job: send what is due in the outbox, purge old claims, report what gave up."""

from __future__ import annotations

from bot.schedule.report import JobReport
from bot.slack.delivery import Delivery


class Deliveries:
    def __init__(self, delivery: Delivery) -> None:
        self._delivery = delivery

    def run(self, dry_run: bool = False) -> JobReport:
        report = JobReport("deliveries", dry_run=dry_run)
        if dry_run:
            report.lines = [
                f"would send {r.kind} {r.key} (attempt {r.attempts + 1})"
                for r in self._delivery.due()
            ]
            report.lines += self.given_up_lines()
            return report
        result = self._delivery.drain()
        report.sent, report.failed = result.sent, result.failed
        purged = self._delivery.purge()
        if purged:
            report.lines.append(
                f"removed {purged} sent messages older than 30 days from the outbox"
            )
        report.lines += self.given_up_lines()
        return report

    def given_up_lines(self) -> list[str]:
        """Messages Slack never accepted stay visible until an admin acts (fix the channel, …)."""
        total, rows = self._delivery.given_up()
        if not total:
            return []
        lines = [f"{total} message(s) gave up after every retry; latest:"]
        lines += [f"  {r.key} ({r.kind}): {r.last_error}" for r in rows]
        return lines
