"""The export's rows and columns, and the writer that streams them as CSV or JSON Lines.

Split out of bot/insights/export.py: what a row holds and how a cell is written (times in UTC,
formula-looking CSV text made inert) is separate from what is exported to whom.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal, TextIO

from bot.core import ids
from bot.insights.export_clock import BusinessTime, waited_business_hours
from bot.schedule.clock import BusinessCalendar
from storage.export import ExportItem, ExportReport

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
NAMES_SEPARATOR = "; "


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC to the second, with Z; None stays None."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


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
