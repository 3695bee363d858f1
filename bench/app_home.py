"""App Home on a large workspace: p50/p95 of one Home open and of "Show more" clicks.

100 teams and 100,000 items (90 % open, one report and one event each) on SQLite or a private
PostgreSQL, timed through HomeService.home end to end (every query, membership from the fake
gateway, the view built), for a lead, a channel member and someone in no team.

    uv run python bench/app_home.py sqlite
    uv run python bench/app_home.py postgres
    uv run python bench/app_home.py sqlite --without-indexes   # drop migration 0006's indexes

Results: docs/benchmarks.md, "App Home".
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from bot.cards.membership import Membership
from bot.core.config import FrontlineConfig, parse_config
from bot.schedule.people import People
from bot.services.home import HomeService
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Item, ItemEvent, Report
from tests.support.fake_gateway import TEAM_ID, FakeGateway
from tests.support.world import CONFIG

TEAMS = 100
INDEXES = ("ix_item_team_open_due", "ix_report_agent", "ix_report_recent")
NOW = datetime(2026, 11, 24, 15, tzinfo=UTC)


def config() -> FrontlineConfig:
    teams = [
        {
            "key": f"t{n:03d}",
            "name": f"Team {n}",
            "channel": f"C{n:05d}",
            "leads": [f"ULEAD{n}"],
            "keywords": [f"kw{n}"],
            "inform_within_hours": 24,
        }
        for n in range(TEAMS)
    ]
    return parse_config({**CONFIG, "triage_team": "t000", "teams": teams}, "bench.yml")


def fill(engine: Any, n: int, without_indexes: bool) -> None:
    rnd = random.Random(1)
    items, reports, events = [], [], []
    for i in range(1, n + 1):
        created = NOW - timedelta(minutes=rnd.randint(0, 60 * 24 * 60))
        items.append(
            {
                "id": i,
                "slack_team_id": TEAM_ID,
                "client_key": f"k{i}",
                "team_key": f"t{i % TEAMS:03d}",
                "summary": f"Item {i}",
                "details": "",
                "customer": "c",
                "kind": "suggestion",
                "urgency": "normal",
                "reporter_id": f"UAG{i % 500}",
                "status": "open" if i % 10 else "resolved",
                "owner_id": None if i % 3 else f"UAG{(i * 7) % 500}",
                "routing_reason": "",
                "created_at": created,
                "updated_at": created,
                "informed_at": created,
                "due_at": created + timedelta(hours=rnd.randint(1, 200)),
                "moves": 0,
                "customers": 1 + i % 4,
            }
        )
        reports.append(
            {
                "slack_team_id": TEAM_ID,
                "item_id": i,
                "customer": "c",
                "customer_key": "c",
                "quote": "",
                "agent_id": f"UAG{i % 500}",
                "created_at": created,
            }
        )
        events.append(
            {
                "slack_team_id": TEAM_ID,
                "item_id": i,
                "kind": "created",
                "data": {},
                "note": "",
                "created_at": created,
            }
        )
    with engine.begin() as conn:
        for k in range(0, n, 5000):
            conn.execute(insert(Item.__table__), items[k : k + 5000])  # type: ignore[attr-defined]
            conn.execute(insert(Report.__table__), reports[k : k + 5000])  # type: ignore[attr-defined]
            conn.execute(insert(ItemEvent.__table__), events[k : k + 5000])  # type: ignore[attr-defined]
        if without_indexes:
            for name in INDEXES:
                conn.execute(text(f"DROP INDEX {name}"))
        conn.execute(text("ANALYZE"))


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, int(0.95 * len(times)) - 1)]


def run(url: str, n: int, reps: int, without_indexes: bool) -> None:
    upgrade(url)
    engine = make_engine(url)
    fill(engine, n, without_indexes)
    members = {f"C{t:05d}": [f"UAG{t}", f"UAG{t + 100}"] for t in range(TEAMS)}
    slack = FakeGateway(lambda: NOW, members=members)
    home = HomeService(
        config(), engine, lambda: NOW, Membership(slack), People(engine, slack, lambda: NOW)
    )
    for who in ("ULEAD5", "UAG7", "UNOBODY"):
        times = []
        for _ in range(reps):
            start = time.perf_counter()
            view = home.home(TEAM_ID, who)
            times.append((time.perf_counter() - start) * 1000)
        buttons = [b["elements"][0]["value"] for b in view["blocks"] if b["type"] == "actions"][1:]
        more = []
        for value in buttons * max(1, reps // 6):
            start = time.perf_counter()
            home.home(TEAM_ID, who, more=value)
            more.append((time.perf_counter() - start) * 1000)
        line = f"{engine.dialect.name} {who:8s} home p50 {statistics.median(times):6.1f} ms"
        line += f" p95 {p95(times):6.1f} ms"
        if more:
            line += f" | more p50 {statistics.median(more):6.1f} ms"
        print(f"{line}  ({len(view['blocks'])} blocks)")
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", choices=["sqlite", "postgres"])
    parser.add_argument("-n", type=int, default=100_000, help="items (default 100,000)")
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--without-indexes", action="store_true")
    args = parser.parse_args()
    if args.database == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{tmp}/bench.db", args.n, args.reps, args.without_indexes)
        return 0
    from tests.support.postgres import PostgresServer, find_pg_bin

    server = PostgresServer(find_pg_bin()).start()
    try:
        run(server.create_database("homebench"), args.n, args.reps, args.without_indexes)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
