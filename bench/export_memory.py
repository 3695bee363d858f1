"""Export at scale: 1,000,000 items to a CSV file, and how much resident memory that takes.

For each database (a SQLite temp file; a private PostgreSQL on a Unix socket): the tables
(SQLModel metadata: the export reads only `item` and `report`, so the full-text index of
migration 0005 is left out to keep the load fast), N items bulk-inserted with SQLAlchemy Core in
batches, one report each plus a second report on every tenth item, about 70% of the items with a
first customer update, 40% resolved, spread over the configured teams and the last 180 days.

The export runs in a fresh child process (this script with --child), as `frontline export
--output` would: the real engine (storage.db.make_engine) and the real ExportService writing CSV
(or JSON Lines) to a file. The child first exports two pages to /dev/null (imports, the
connection and the calendars warmed up), reads VmRSS from /proc/self/status (the baseline), then
exports everything and reads VmHWM (the peak resident set of its whole life). Growth = peak -
baseline: what the export of N rows added on top of a small one. Target: < 50 MB.

    uv run python bench/export_memory.py [--items 1000000] [--database sqlite|postgresql|both]
        [--format csv|jsonl] [--reports]

Exit 0 when every database met the target, 1 when one did not, 2 when the setup failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET_MB = 50.0
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
BATCH = 20_000
CUSTOMERS = ("Globex", "Initech", "Umbrella", "Hooli", "Stark Ind.", "Wayne Ent.", "Acme Corp", "")
SUMMARIES = (
    "Refund for a double charge on the annual plan",
    "Wants invoices as CSV, not PDF",
    "Dashboard export to PDF cuts off the last column",
    "Policy says no refunds after 30 days; customer moved house",
    "=cmd|' /C calc'!A0 pasted from a customer's email",
)


def proc_status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


# --- the child: one export, measured ---------------------------------------------------------
def child(url: str, out: str, fmt: str, reports: bool) -> dict[str, Any]:
    from bot.core.config import parse_config
    from bot.insights.export import ExportService
    from storage.db import make_engine
    from storage.export import ExportFilter
    from tests.support.world import CONFIG

    config = parse_config(CONFIG, "bench")
    engine = make_engine(url)
    service = ExportService(config, engine, lambda: NOW)
    where = ExportFilter()
    pages = service.pages(where, reports=reports)
    with open(os.devnull, "w", encoding="utf-8") as sink:
        for _, page in zip(range(2), pages, strict=False):
            sink.write(str(len(page)))
    pages.close()
    baseline = proc_status_kb("VmRSS")
    hwm_before = proc_status_kb("VmHWM")
    t0 = time.perf_counter()
    with open(out, "w", encoding="utf-8", newline="") as f:
        rows = service.write(f, where, fmt=fmt, reports=reports)  # type: ignore[arg-type]
    seconds = time.perf_counter() - t0
    peak = proc_status_kb("VmHWM")
    engine.dispose()
    return {
        "rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds) if seconds else None,
        "file_mb": round(os.path.getsize(out) / 1e6, 1),
        "baseline_rss_mb": round(baseline / 1024, 1),
        "hwm_before_mb": round(hwm_before / 1024, 1),
        "peak_rss_mb": round(peak / 1024, 1),
        "growth_mb": round((peak - baseline) / 1024, 1),
    }


# --- the parent: data, databases, children ---------------------------------------------------
def item_rows(n: int, start: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    teams = ("billing", "product", "support-ops")
    for i in range(start, start + n):
        created = NOW - timedelta(minutes=rng.randrange(180 * 24 * 60))
        updated = created + timedelta(hours=rng.uniform(0.5, 60))
        has_update = rng.random() < 0.7 and updated < NOW
        resolved = rng.random() < 0.4
        resolved_at = min(NOW, created + timedelta(hours=rng.uniform(1, 300))) if resolved else None
        yield {
            "id": i,
            "slack_team_id": "T0ACME",
            "client_key": f"bench:{i}",
            "team_key": teams[i % 3],
            "summary": SUMMARIES[i % len(SUMMARIES)],
            "details": "" if i % 4 else "The customer wrote a longer email about it. " * 5,
            "customer": CUSTOMERS[i % len(CUSTOMERS)],
            "kind": "problem",
            "urgency": "normal" if i % 10 else "high",
            "reporter_id": f"UAGENT{i % 50}",
            "status": "resolved" if resolved else "open",
            "owner_id": f"UOWNER{i % 20}" if i % 5 == 0 else None,
            "routing_reason": "",
            "created_at": created,
            "updated_at": created,
            "informed_at": (updated if has_update else created),
            "due_at": (created + timedelta(days=1)),
            "resolved_at": resolved_at if resolved_at else None,
            "outcome": "done" if resolved else None,
            "resolution_note": "",
            "card_channel": "C0BILLING",
            "card_ts": f"1760000000.{i:06d}",
            "card_permalink": f"https://acme.slack.com/archives/C0BILLING/p1760000000{i:06d}",
            "moves": 0,
            "customers": 2 if i % 10 == 0 else 1,
            "first_update_at": updated if has_update else None,
        }


def report_rows(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        extra = [CUSTOMERS[(item["id"] + 3) % (len(CUSTOMERS) - 1)]] if item["id"] % 10 == 0 else []
        for customer in [item["customer"], *extra]:
            yield {
                "slack_team_id": "T0ACME",
                "item_id": item["id"],
                "customer": customer,
                "customer_key": " ".join(customer.split()).casefold(),
                "quote": item["summary"],
                "agent_id": item["reporter_id"],
                "source_permalink": None,
                "created_at": item["created_at"],
            }


def load(url: str, n: int) -> float:
    from sqlalchemy import insert
    from sqlmodel import SQLModel

    from storage.db import make_engine
    from storage.models import Item, Report

    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    rng = random.Random(7)
    t0 = time.perf_counter()
    done = 0
    with engine.begin() as conn:
        for start in range(1, n + 1, BATCH):
            batch = list(item_rows(min(BATCH, n + 1 - start), start, rng))
            conn.execute(insert(Item.__table__), batch)  # type: ignore[arg-type]
            conn.execute(insert(Report.__table__), list(report_rows(batch)))  # type: ignore[arg-type]
            done += len(batch)
            if done % 200_000 == 0:
                print(f"  loaded {done:,} items", file=sys.stderr, flush=True)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return time.perf_counter() - t0


def database(kind: str, tmp: Path) -> contextlib.AbstractContextManager[str]:
    from tests.support.postgres import scratch_database

    return scratch_database(kind, tmp, "export_bench")


def run_child(url: str, out: Path, fmt: str, reports: bool) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", url, "--out", str(out), "--format", fmt]
    if reports:
        cmd.append("--reports")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--format", choices=("csv", "jsonl"), default="csv")
    parser.add_argument("--reports", action="store_true")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.out, args.format, args.reports)))
        return 0
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    failed = False
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp_name:
            tmp = Path(tmp_name)
            try:
                with database(kind, tmp) as url:
                    print(f"{kind}: loading {args.items:,} items", file=sys.stderr, flush=True)
                    load_s = load(url, args.items)
                    result = run_child(
                        url, tmp / f"export.{args.format}", args.format, args.reports
                    )
            except RuntimeError as exc:
                print(f"{kind}: setup failed: {exc}", file=sys.stderr)
                return 2
        ok = result["growth_mb"] < TARGET_MB
        failed |= not ok
        result.update(database=kind, items=args.items, load_s=round(load_s, 1), target_met=ok)
        print(json.dumps(result))
        print(
            f"{kind}: {result['rows']:,} rows in {result['seconds']} s "
            f"({result['rows_per_s']:,} rows/s, {result['file_mb']} MB file); resident memory "
            f"{result['baseline_rss_mb']} MB → peak {result['peak_rss_mb']} MB: "
            f"growth {result['growth_mb']} MB (target < {TARGET_MB:.0f} MB) "
            f"{'ok' if ok else 'MISSED'}",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
