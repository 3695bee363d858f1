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
"""

from __future__ import annotations

import base64
import csv
import io
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, TextIO

from sqlmodel import Session

from bot.core import ids
from bot.core.config import FrontlineConfig, Team
from bot.core.wallclock import Now
from bot.schedule.clock import BusinessCalendar, business_time_between
from bot.slack import copy
from bot.slack.delivery import Delivery
from storage import export as queries
from storage import outbox
from storage.engine import Engine
from storage.export import ExportFilter, ExportItem, ExportReport
from storage.values import OutboxKind

log = logging.getLogger(__name__)

Format = Literal["csv", "jsonl"]
Cell = str | int | float | None
Row = dict[str, Cell]

ITEM_COLUMNS: tuple[str, ...] = (
    "id",
    "created_at",
    "team",
    "kind",
    "urgency",
    "status",
    "outcome",
    "rule_outcome",
    "summary",
    "details",
    "customers",
    "customer_names",
    "reporter",
    "owner",
    "first_update_at",
    "last_update_at",
    "resolved_at",
    "waited_business_hours",
    "card_link",
    "merged_into",
)
REPORT_COLUMNS: tuple[str, ...] = (
    "report_id",
    "item_id",
    "created_at",
    "team",
    "customer",
    "quote",
    "agent",
    "source_link",
    "status",
    "outcome",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LEAD_EXPORT_DAYS = 90
NAMES_SEPARATOR = "; "


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC to the second, with Z; None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class BusinessTime:
    """`business_time_between` for many spans on one calendar, with each whole day's business
    time remembered: a span is its first and last local day counted exactly, plus the whole days
    between from the cache (the same sum, since the local days partition the span)."""

    def __init__(self, cal: BusinessCalendar) -> None:
        self.cal = cal
        self._days: dict[date, timedelta] = {}

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self.cal.tz).astimezone(UTC)

    def _whole_day(self, day: date) -> timedelta:
        found = self._days.get(day)
        if found is None:
            start, end = self._midnight(day), self._midnight(day + timedelta(days=1))
            found = self._days[day] = business_time_between(start, end, self.cal)
        return found

    def between(self, a: datetime, b: datetime) -> timedelta:
        if b <= a:
            return timedelta(0)
        first, last = a.astimezone(self.cal.tz).date(), b.astimezone(self.cal.tz).date()
        if last - first < timedelta(days=2):
            return business_time_between(a, b, self.cal)
        total = business_time_between(a, self._midnight(first + timedelta(days=1)), self.cal)
        total += business_time_between(self._midnight(last), b, self.cal)
        day = first + timedelta(days=1)
        while day < last:
            total += self._whole_day(day)
            day += timedelta(days=1)
        return total


def waited_business_hours(
    item: ExportItem, cal: BusinessCalendar | BusinessTime, now: datetime
) -> float:
    """Business hours from creation to the first update (or resolution, or now), 2 decimals."""
    end = item.first_update_at or item.resolved_at or now
    clock = cal if isinstance(cal, BusinessTime) else BusinessTime(cal)
    return round(clock.between(item.created_at, end).total_seconds() / 3600, 2)


class Calendars:
    """One business clock per team key (a key no longer configured uses triage's, as items do)."""

    def __init__(self, config: FrontlineConfig) -> None:
        self.config = config
        self._cache: dict[str, BusinessTime] = {}

    def of(self, team_key: str) -> BusinessTime:
        clock = self._cache.get(team_key)
        if clock is None:
            cal = self.config.calendar(self.config.owner_of(team_key))
            clock = self._cache[team_key] = BusinessTime(cal)
        return clock


def item_row(item: ExportItem, cal: BusinessCalendar | BusinessTime, now: datetime) -> Row:
    return {
        "id": ids.item_ref(item.id),
        "created_at": iso(item.created_at),
        "team": item.team_key,
        "kind": item.kind,
        "urgency": item.urgency,
        "status": item.status,
        "outcome": item.outcome,
        "rule_outcome": item.rule_outcome,
        "summary": item.summary,
        "details": item.details,
        "customers": item.customers,
        "customer_names": NAMES_SEPARATOR.join(item.customer_names),
        "reporter": item.reporter_id,
        "owner": item.owner_id,
        "first_update_at": iso(item.first_update_at),
        # the latest customer update (informed_at starts at creation: only once there was one)
        "last_update_at": iso(item.informed_at) if item.first_update_at else None,
        "resolved_at": iso(item.resolved_at),
        "waited_business_hours": waited_business_hours(item, cal, now),
        "card_link": item.card_permalink,
        "merged_into": ids.item_ref(item.merged_into_id) if item.merged_into_id else None,
    }


def report_row(report: ExportReport) -> Row:
    return {
        "report_id": report.id,
        "item_id": ids.item_ref(report.item_id),
        "created_at": iso(report.created_at),
        "team": report.team_key,
        "customer": report.customer,
        "quote": report.quote,
        "agent": report.agent_id,
        "source_link": report.source_permalink,
        "status": report.status,
        "outcome": report.outcome,
    }


def csv_cell(value: Cell) -> str | int | float:
    """A cell as CSV writes it: None is empty, formula-looking text gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class Writer:
    """Writes rows of the given columns as CSV (header first) or JSON Lines to a text stream."""

    def __init__(self, out: TextIO, columns: Sequence[str], fmt: Format) -> None:
        self.out = out
        self.columns = tuple(columns)
        self.fmt = fmt
        self._csv = csv.writer(out) if fmt == "csv" else None
        if self._csv is not None:
            self._csv.writerow(self.columns)

    def write(self, rows: Sequence[Row]) -> None:
        if self._csv is not None:
            self._csv.writerows([csv_cell(row.get(c)) for c in self.columns] for row in rows)
            return
        for row in rows:
            self.out.write(json.dumps({c: row.get(c) for c in self.columns}, ensure_ascii=False))
            self.out.write("\n")


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
