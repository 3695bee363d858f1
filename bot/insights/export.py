"""Export: every item (or every report) as one row of CSV or JSON Lines, streamed.

Rows come from storage/export.py a page at a time and are written as they come, so memory stays
flat however many rows there are. Times are ISO 8601 in UTC ("2026-11-20T14:03:00Z").

`waited_business_hours`: the business hours the customer waited for a first update, in the
owning team's calendar (its timezone, hours and holidays): from creation to the first customer
update, or, when there was none, to the resolution, or to the export's `now` while still open.

CSV cells that a spreadsheet would read as a formula (text starting with =, +, -, @, a tab or a
carriage return) get a leading apostrophe (OWASP's advice against CSV injection): an agent's
quote "=HYPERLINK(…)" opens as text, not as a live formula. JSON Lines is written as is.

`/feedback export` (ExportService.send_to_lead): a lead gets a CSV of their teams' items of the
last 90 days in a DM, built after the ack and sent through the outbox as a FILE row.

The columns, rows and writer live in bot/insights/export_rows.py, the business clock in
bot/insights/export_clock.py.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TextIO

from sqlmodel import Session

from bot.core.config import FrontlineConfig, Team
from bot.core.wallclock import Now
from bot.insights.export_clock import Calendars
from bot.insights.export_rows import (
    ITEM_COLUMNS,
    REPORT_COLUMNS,
    Format,
    Row,
    Writer,
    item_row,
    report_row,
)
from bot.slack import copy
from bot.slack.delivery import Delivery
from storage import export as queries
from storage import outbox
from storage.engine import Engine
from storage.export import ExportFilter
from storage.values import OutboxKind

log = logging.getLogger(__name__)

LEAD_EXPORT_DAYS = 90


@dataclass(frozen=True)
class LeadExport:
    """A lead's export, built and queued: its outbox row, and how many items it holds."""

    row_ids: list[int]
    rows: int


class ExportService:
    def __init__(
        self, config: FrontlineConfig, engine: Engine, now: Now, delivery: Delivery | None = None
    ) -> None:
        """delivery: the outbox sender, for `/feedback export` (the CLI export needs none)."""
        self.config = config
        self.engine = engine
        self.now = now
        self.delivery = delivery

    # --- the rows -------------------------------------------------------------------------------
    def count(self, where: ExportFilter, *, reports: bool = False) -> int:
        if reports:
            return queries.count_reports(self.engine, where)
        return queries.count_items(self.engine, where)

    def pages(self, where: ExportFilter, *, reports: bool = False) -> Iterator[list[Row]]:
        """The rows, one page at a time (memory holds a page, never the whole export)."""
        if reports:
            for report_page in queries.iter_reports(self.engine, where):
                yield [report_row(r) for r in report_page]
            return
        now = self.now()
        calendars = Calendars(self.config)
        for page in queries.iter_items(self.engine, where):
            yield [item_row(i, calendars.of(i.team_key), now) for i in page]

    def write(
        self,
        out: TextIO,
        where: ExportFilter,
        *,
        fmt: Format = "csv",
        reports: bool = False,
        progress: Callable[[int], object] | None = None,
    ) -> int:
        """Stream the export to `out`; returns the number of rows. progress(n) after each page."""
        writer = Writer(out, REPORT_COLUMNS if reports else ITEM_COLUMNS, fmt)
        total = 0
        for page in self.pages(where, reports=reports):
            writer.write(page)
            total += len(page)
            if progress is not None:
                progress(len(page))
        return total

    # --- /feedback export -----------------------------------------------------------------------
    def led_by(self, user: str) -> list[Team]:
        """The teams this person leads (in the config), in config order."""
        return [t for t in self.config.teams if user in t.leads]

    def send_to_lead(self, *, team_id: str, user: str, request_key: str) -> LeadExport | None:
        """Build the CSV of the lead's teams' last 90 days, queue it for their DM, send it.

        None when the person leads no team. request_key names the request (a retried slash
        command has the same one), so one request never queues two files.
        """
        teams = self.led_by(user)
        if not teams:
            return None
        now = self.now()
        where = ExportFilter(
            since=now - timedelta(days=LEAD_EXPORT_DAYS), teams=[t.key for t in teams]
        )
        buffer = io.StringIO()
        rows = self.write(buffer, where)
        payload = {
            "user": user,
            "filename": copy.export_file_name(now.date().isoformat()),
            "title": copy.EXPORT_FILE_TITLE,
            "text": copy.export_comment(rows, [t.name for t in teams], LEAD_EXPORT_DAYS),
            "content_b64": base64.b64encode(buffer.getvalue().encode("utf-8")).decode("ascii"),
        }
        with Session(self.engine) as session:
            row = outbox.enqueue(
                session,
                key=f"export:{request_key}"[:300],
                kind=OutboxKind.FILE,
                team_id=team_id,
                now=now,
                payload=payload,
            )
            session.commit()
            row_ids = [row.id] if row is not None and row.id is not None else []
        if row_ids and self.delivery is not None:
            self.delivery.send(row_ids)  # else the deliveries job sends it
        return LeadExport(row_ids=row_ids, rows=rows)
