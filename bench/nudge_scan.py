"""Nudge scan at scale: 100,000 open items, a few hundred of them due, on SQLite and PostgreSQL.

For each database: a fresh database (a SQLite temp file; a private PostgreSQL 15 on a Unix
socket), the real migrations, N open items bulk-inserted with SQLAlchemy Core in batches, ANALYZE.
Then it measures

  (a) the scan alone: `bot.nudges.scan(session, now, margin)`, best and median of --repeat runs;
  (b) one full nudge job, `run_job(fl, "nudges")`, with a Frontline from `create_app(...)` talking
      to a FakeSlack (a real HTTP fake of the Web API on 127.0.0.1): total time split into scan,
      the rest of the plan, the claim/outbox writes, and delivery (with the Slack HTTP time inside
      it), plus messages posted and every Web API call by method, SQL statements and commits;
  (c) the same job again right away: everything is claimed, so it must post nothing;

and prints the query plan of the exact SQL the scan emits (captured from the engine, run again
under SQLite `EXPLAIN QUERY PLAN` / PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)` with the same binds),
checking that it is served by `ix_item_open_due`.

The data: items spread over the configured teams (tests/support/world.py CONFIG), workspace T0ACME,
unique client keys, informed in the past, every one with a posted card; --due of them are due for
a nudge at --now (three quarters overdue by up to 3 hours, the rest inside the warn-before window),
the others due after the window (up to 14 days out). About 20% are owned by the teams' members, the
rest unowned (nudged in the team channel). `now` defaults to Tue 2026-11-24 15:00Z, 10:00 in New
York, inside business hours (the fake answers users.info with America/New_York).

    uv run python bench/nudge_scan.py [--items 100000] [--due 200] [--database sqlite|postgresql|both]

Exit status 0 when every check passed (scan uses the index, run 1 claimed every due item, run 2
posted nothing), 1 when a check failed, 2 when the setup failed. Loopback and temp files only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import event, func, insert, select  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bot.app import create_app  # noqa: E402
from bot.core.config import FrontlineConfig, parse_config  # noqa: E402
from bot.schedule import nudges  # noqa: E402
from bot.schedule.jobs import run_job  # noqa: E402
from bot.settings import Settings  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Item, ItemEvent, Outbox  # noqa: E402
from tests.support.fake_slack import FakeSlack  # noqa: E402
from tests.support.postgres import scratch_database  # noqa: E402
from tests.support.world import CONFIG, MEMBERS  # noqa: E402

WORKSPACE = "T0ACME"
BOT_TOKEN = "xoxb-0000-0000-frontline-nudge-bench"
SIGNING_SECRET = "0123456789abcdef0123456789abcdef"
DEFAULT_NOW = "2026-11-24T15:00:00+00:00"  # Tuesday 10:00 in New York
INDEX = "ix_item_open_due"
TARGET_SCAN_MS = 1000.0
OWNED_SHARE = 0.2
OVERDUE_SHARE = 0.75

CUSTOMERS = ("Globex", "Initech", "Umbrella", "Hooli", "Stark Ind.", "Wayne Ent.", "Acme Corp")
SUMMARIES = (
    "Refund for a double charge on the annual plan",
    "Invoice CSV export misses the VAT column",
    "Wants the usage dashboard as a weekly report",
    "Integration with Salesforce drops custom fields",
    "Unsure which macro covers outage questions",
    "Customer would love dark mode on tablets",
    "Escalation policy for enterprise accounts is unclear",
)


def note(msg: str) -> None:
    print(f"nudge_scan: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# data


@dataclass
class Dataset:
    rows: list[dict[str, Any]]
    due: int  # rows the scan must return
    overdue: int
    owned_due: int
    recipients: set[str]  # DM users and team channels the due items go to
    cards: list[tuple[str, str]]  # (channel, ts) of the due items' cards, seeded into the fake


def make_rows(
    n: int, due: int, now: datetime, margin: timedelta, config: FrontlineConfig, seed: int
) -> Dataset:
    rng = random.Random(seed)
    teams = list(config.teams)
    due_ids = set(rng.sample(range(n), due))
    rows: list[dict[str, Any]] = []
    recipients: set[str] = set()
    cards: list[tuple[str, str]] = []
    overdue = owned_due = 0
    for i in range(n):
        team = teams[i % len(teams)]
        members = MEMBERS.get(team.channel, [])
        owner = rng.choice(members) if members and rng.random() < OWNED_SHARE else None
        urgency = "high" if rng.random() < 0.1 else "normal"
        if i in due_ids:
            if rng.random() < OVERDUE_SHARE:  # overdue by 1 minute .. 3 hours
                due_at = now - timedelta(seconds=rng.randint(60, 3 * 3600))
                overdue += 1
            else:  # inside the warn-before window: the scan returns it, plan warns
                due_at = now + timedelta(seconds=rng.randint(0, int(margin.total_seconds())))
            owned_due += owner is not None
            recipients.add(owner or team.channel)
        else:  # after the window: never read by the scan
            due_at = now + margin + timedelta(seconds=rng.randint(60, 14 * 86400))
        informed_at = min(now, due_at) - timedelta(seconds=rng.randint(3600, 5 * 86400))
        ts = f"{1_760_000_000 + i}.{i % 1_000_000:06d}"
        channel = team.channel
        if i in due_ids:
            cards.append((channel, ts))
        customer = CUSTOMERS[i % len(CUSTOMERS)]
        summary = f"{SUMMARIES[rng.randrange(len(SUMMARIES))]} ({customer} #{i})"
        rows.append(
            {
                "slack_team_id": WORKSPACE,
                "client_key": f"bench:{seed}:{i}",
                "team_key": team.key,
                "summary": summary,
                "details": "Customer wrote in via chat; transcript linked in the source message.",
                "customer": customer,
                "kind": rng.choice(("suggestion", "problem", "rigid_rule", "praise")),
                "urgency": urgency,
                "reporter_id": f"UREP{i % 40:03d}",
                "source_permalink": f"https://acme.slack.com/archives/C0FLOOR/p{1_759_000_000 + i}000100",
                "status": "open",
                "owner_id": owner,
                "routing_reason": f"matched a keyword of {team.name}",
                "created_at": informed_at,
                "updated_at": informed_at,
                "informed_at": informed_at,
                "due_at": due_at,
                "snoozed_until": None,
                "nudged_for_due_at": None,
                "escalated_for_due_at": None,
                "resolved_at": None,
                "outcome": None,
                "resolution_note": "",
                "card_channel": channel,
                "card_ts": ts,
                "card_permalink": f"https://acme.slack.com/archives/{channel}/p{ts.replace('.', '')}",
                "moves": 0,
            }
        )
    return Dataset(rows, due, overdue, owned_due, recipients, cards)


def load(engine: Engine, rows: list[dict[str, Any]], batch: int) -> tuple[float, float]:
    """Core bulk insert in batches (one transaction), then ANALYZE; (insert s, analyze s)."""
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for start in range(0, len(rows), batch):
            conn.execute(insert(Item.__table__), rows[start : start + batch])
    t1 = time.perf_counter()
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return t1 - t0, time.perf_counter() - t1


# --------------------------------------------------------------------------------------------
# databases


def database(kind: str, tmp: Path) -> contextlib.AbstractContextManager[str]:
    return scratch_database(kind, tmp, "nudge_scan")


def server_version(engine: Engine) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return "SQLite " + str(conn.exec_driver_sql("select sqlite_version()").scalar())
        version = str(conn.exec_driver_sql("show server_version").scalar())
        return "PostgreSQL " + version.split()[0]


# --------------------------------------------------------------------------------------------
# the scan and its plan


@contextlib.contextmanager
def capture_sql(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def listener(conn: Any, cursor: Any, statement: str, params: Any, ctx: Any, many: bool) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def scan_once(engine: Engine, now: datetime, margin: timedelta) -> tuple[float, int]:
    """One scan as plan() runs it (a fresh session); (seconds, rows)."""
    t0 = time.perf_counter()
    with Session(engine, expire_on_commit=False) as session:
        rows = nudges.scan(session, now, margin)
    return time.perf_counter() - t0, len(rows)


def inline(statement: str, params: Any) -> str:
    """The statement with its binds written in, for reading (EXPLAIN runs with real binds)."""

    def lit(v: Any) -> str:
        return str(v) if isinstance(v, int | float) else "'" + str(v).replace("'", "''") + "'"

    if isinstance(params, dict):
        return statement % {k: lit(v) for k, v in params.items()}
    out = statement
    for v in params or ():
        out = out.replace("?", lit(v), 1)
    return out


def explain(engine: Engine, now: datetime, margin: timedelta) -> dict[str, Any]:
    """Capture the SQL nudges.scan emits and explain exactly that, with the same binds."""
    with capture_sql(engine) as seen:
        scan_once(engine, now, margin)
    statement, params = next((s, p) for s, p in seen if "FROM item" in s and "due_at" in s)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
            depth: dict[int, int] = {0: 0}
            lines = ["QUERY PLAN"]
            for node, parent, _, detail in rows:
                depth[node] = depth.get(parent, 0) + 1
                lines.append("  " * (depth[node] - 1) + "`--" + detail)
            uses_index = any(f"USING INDEX {INDEX}" in r[3] for r in rows) or any(
                f"USING COVERING INDEX {INDEX}" in r[3] for r in rows
            )
            sorts = any("TEMP B-TREE" in r[3] for r in rows)
        else:
            sql = "EXPLAIN (ANALYZE, BUFFERS) " + statement
            lines = [r[0] for r in conn.exec_driver_sql(sql, params).all()]
            uses_index = any(f"Index Scan using {INDEX}" in ln for ln in lines)
            sorts = any(ln.lstrip().startswith(("Sort", "->  Sort")) for ln in lines)
    return {
        "sql": " ".join(statement.split()),
        "params": [str(p) for p in (params.values() if isinstance(params, dict) else params)],
        "sql_inline": " ".join(inline(statement, params).split()),
        "plan": lines,
        "uses_index": uses_index,
        "sorts": sorts,
    }


# --------------------------------------------------------------------------------------------
# the full job, instrumented from outside (nothing in the app is changed)


@dataclass
class Probe:
    phases: dict[str, float] = field(default_factory=dict)
    slack: Counter[str] = field(default_factory=Counter)
    slack_s: float = 0.0
    statements: int = 0
    commits: int = 0


@contextlib.contextmanager
def instrument(fl: Any, engine: Engine) -> Iterator[Probe]:
    """Time scan/plan/send/deliver and every Web API call; count SQL statements and commits."""
    probe = Probe()
    job, delivery, scan = fl.nudges, fl.delivery, nudges.scan

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*a: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                probe.phases[name] = probe.phases.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    api_call = fl.slack.client.api_call

    def slack_call(api_method: str, *a: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return api_call(api_method, *a, **kw)
        finally:
            probe.slack_s += time.perf_counter() - t0
            probe.slack[api_method] += 1

    def on_statement(*_: Any) -> None:
        probe.statements += 1

    def on_commit(*_: Any) -> None:
        probe.commits += 1

    nudges.scan = timed("scan", scan)  # NudgeService.plan looks `scan` up at call time
    job.plan = timed("plan", job.plan)  # on the instance: the job's run() calls these
    job.send = timed("send", job.send)
    delivery.send = timed("deliver", delivery.send)
    fl.slack.client.api_call = slack_call
    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        yield probe
    finally:
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "before_cursor_execute", on_statement)
        del fl.slack.client.api_call
        del delivery.send, job.send, job.plan
        nudges.scan = scan


def nudge_run(fl: Any, engine: Engine, fake: FakeSlack) -> dict[str, Any]:
    before = len(fake.calls_to("chat.postMessage"))
    with instrument(fl, engine) as probe:
        t0 = time.perf_counter()
        report = run_job(fl, "nudges")
        total = time.perf_counter() - t0
    ms = {k: round(v * 1000, 1) for k, v in probe.phases.items()}
    deliver_s = probe.phases.get("deliver", 0.0)
    return {
        "total_ms": round(total * 1000, 1),
        "scan_ms": ms.get("scan", 0.0),
        "plan_rest_ms": round(ms.get("plan", 0.0) - ms.get("scan", 0.0), 1),
        "send_ms": ms.get("send", 0.0),  # claims, events, outbox rows (DB only)
        "deliver_ms": ms.get("deliver", 0.0),  # outbox claims + Slack calls + finishes
        "slack_http_ms": round(probe.slack_s * 1000, 1),  # all Web API calls, any phase
        "deliver_db_ms": round((deliver_s - probe.slack_s) * 1000, 1),
        "messages": len(fake.calls_to("chat.postMessage")) - before,
        "slack_calls": dict(sorted(probe.slack.items())),
        "sql_statements": probe.statements,
        "commits": probe.commits,
        "queued": report.queued,
        "sent": report.sent,
        "failed": report.failed,
        "planned_lines": len(report.lines),
    }


def db_state(engine: Engine, now: datetime, margin: timedelta) -> dict[str, int]:
    with Session(engine) as session:
        claimed = session.scalar(
            select(func.count())
            .select_from(Item)
            .where(Item.nudged_for_due_at == Item.due_at, Item.due_at <= now + margin)
        )
        events = session.scalar(select(func.count()).select_from(ItemEvent))
        outbox = session.scalar(select(func.count()).select_from(Outbox))
        pending = session.scalar(
            select(func.count()).select_from(Outbox).where(Outbox.status != "done")
        )
    return {"claimed": claimed or 0, "events": events or 0, "outbox": outbox or 0,
            "outbox_not_done": pending or 0}  # fmt: skip


def slow_down(fake: FakeSlack, delay: float) -> None:
    """Make every fake Web API call take `delay` seconds more, like the real Slack."""
    handle = fake._handle

    def slow(method: str, call_args: dict[str, Any], token: str | None) -> Any:
        time.sleep(delay)
        return handle(method, call_args, token)

    fake._handle = slow  # type: ignore[method-assign]


# --------------------------------------------------------------------------------------------


def bench_database(kind: str, args: argparse.Namespace, config: FrontlineConfig) -> dict[str, Any]:
    now = datetime.fromisoformat(args.now).astimezone(UTC)
    margin = timedelta(minutes=config.nudges.warn_before_minutes)
    data = make_rows(args.items, args.due, now, margin, config, args.seed)
    result: dict[str, Any] = {"database": kind, "items": args.items, "due": args.due}
    fake = FakeSlack().start()
    if args.slack_latency > 0:
        slow_down(fake, args.slack_latency / 1000)
    fake.channel_members.update({k: list(v) for k, v in MEMBERS.items()})
    for card in data.cards:  # the due items' cards exist in Slack, so refreshes find them
        fake.messages[card] = {"text": "card"}
    t_setup = time.perf_counter()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="frontline-nudge-") as tmp,
            database(kind, Path(tmp)) as url,
        ):
            t0 = time.perf_counter()
            upgrade(url)
            result["migrate_s"] = round(time.perf_counter() - t0, 2)
            settings = Settings(
                slack_bot_token=BOT_TOKEN,
                slack_signing_secret=SIGNING_SECRET,
                slack_api_url=fake.url,
                database_url=url,
                frontline_config=Path(tmp) / "unused.yml",
            )
            app = create_app(settings, config, listeners=[], verify_token=False, now=lambda: now)
            fl, engine = app.frontline, app.engine
            try:
                result["server"] = server_version(engine)
                insert_s, analyze_s = load(engine, data.rows, args.batch)
                result["insert_s"], result["analyze_s"] = round(insert_s, 2), round(analyze_s, 2)
                note(f"{kind}: {args.items} items in {insert_s:.1f} s (+ANALYZE {analyze_s:.2f} s)")

                scan_once(engine, now, margin)  # warm the pool and the caches
                times, counts = [], set()
                for _ in range(args.repeat):
                    seconds, rows = scan_once(engine, now, margin)
                    times.append(seconds * 1000)
                    counts.add(rows)
                result["scan_rows"] = sorted(counts)
                result["scan_best_ms"] = round(min(times), 2)
                result["scan_median_ms"] = round(statistics.median(times), 2)
                result["scan_all_ms"] = [round(t, 2) for t in times]
                result["explain"] = explain(engine, now, margin)

                result["run1"] = nudge_run(fl, engine, fake)
                result["state_after_run1"] = db_state(engine, now, margin)
                result["run2"] = nudge_run(fl, engine, fake)
                result["state_after_run2"] = db_state(engine, now, margin)
            finally:
                engine.dispose()
    finally:
        fake.stop()
    result["wall_s"] = round(time.perf_counter() - t_setup, 1)
    result["expect"] = {
        "due": data.due,
        "overdue": data.overdue,
        "owned_due": data.owned_due,
        "nudge_messages": len(data.recipients),
    }
    result["checks"] = checks(result)
    return result


def checks(r: dict[str, Any]) -> dict[str, bool]:
    e = r["expect"]
    return {
        "scan_returns_due": r["scan_rows"] == [e["due"]],
        "scan_under_target": r["scan_median_ms"] < TARGET_SCAN_MS,
        "index_used": bool(r["explain"]["uses_index"]),
        "no_sort": not r["explain"]["sorts"],
        "run1_claimed_all_due": r["state_after_run1"]["claimed"] == e["due"],
        "run1_one_message_per_recipient": r["run1"]["messages"] == e["nudge_messages"],
        "run1_nothing_failed": r["run1"]["failed"] == 0,
        "run2_posts_nothing": r["run2"]["messages"] == 0 and r["run2"]["queued"] == 0,
    }


# --------------------------------------------------------------------------------------------
# report


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def render(results: list[dict[str, Any]], info: dict[str, Any], args: argparse.Namespace) -> str:
    out = [
        f"nudge scan: {args.items} open items, {args.due} due at {args.now}, "
        f"fake Slack +{args.slack_latency:g} ms/call (nproc {info['nproc']}, "
        f"Python {info['python']})",
        "",
        f"{'database':<11}{'items':>8}{'due':>6}{'scan best':>11}{'median':>9}"
        f"{'run 1':>10}{'msgs':>6}{'run 2':>9}  index",
    ]
    for r in results:
        if "error" in r:
            out.append(f"{r['database']:<11}  setup failed: {r['error']}")
            continue
        out.append(
            f"{r['database']:<11}{r['items']:>8}{r['due']:>6}{r['scan_best_ms']:>8.1f} ms"
            f"{r['scan_median_ms']:>6.1f} ms{r['run1']['total_ms']:>7.0f} ms"
            f"{r['run1']['messages']:>6}{r['run2']['total_ms']:>6.0f} ms  "
            f"{'yes' if r['explain']['uses_index'] else 'NO'}"
        )
    for r in results:
        if "error" in r:
            continue
        out += ["", f"--- {r['database']} ({r['server']}) ---"]
        out.append(
            f"load: migrate {r['migrate_s']} s, insert {r['insert_s']} s, "
            f"ANALYZE {r['analyze_s']} s; scan runs (ms): {r['scan_all_ms']}"
        )
        for name in ("run1", "run2"):
            x = r[name]
            calls = ", ".join(f"{m} x{n}" for m, n in x["slack_calls"].items()) or "none"
            out.append(
                f"{name}: total {x['total_ms']} ms = scan {x['scan_ms']} + plan rest "
                f"{x['plan_rest_ms']} + send (DB) {x['send_ms']} + deliver {x['deliver_ms']} "
                f"(Slack HTTP {x['slack_http_ms']} ms in all); queued {x['queued']}, "
                f"sent {x['sent']}, failed {x['failed']}; {x['sql_statements']} SQL statements, "
                f"{x['commits']} commits; Web API: {calls}"
            )
        out.append("scan SQL: " + r["explain"]["sql_inline"])
        out += ["plan:", *("  " + ln for ln in r["explain"]["plan"])]
        bad = [k for k, ok in r["checks"].items() if not ok]
        out.append("checks: " + ("all passed" if not bad else "FAILED " + ", ".join(bad)))
    return "\n".join(out)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bench/nudge_scan.py",
        description="Nudge scan and nudge job timings over many open items (SQLite, PostgreSQL).",
    )
    p.add_argument("--items", type=int, default=100_000, help="open items (100000)")
    p.add_argument("--due", type=int, default=200, help="of them due for a nudge at --now (200)")
    p.add_argument(
        "--database", choices=("sqlite", "postgresql", "both"), default="both", help="(both)"
    )
    p.add_argument("--now", default=DEFAULT_NOW, help=f"ISO time the job runs at ({DEFAULT_NOW})")
    p.add_argument("--repeat", type=int, default=5, help="timed scans (5), after one warm-up")
    p.add_argument("--batch", type=int, default=10_000, help="rows per bulk INSERT (10000)")
    p.add_argument(
        "--slack-latency", type=float, default=0.0, metavar="MS",
        help="added to every fake Slack call, to see real-Slack run times (0)",
    )  # fmt: skip
    p.add_argument("--seed", type=int, default=20261124, help="data generator seed")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 0 < args.due <= args.items or args.repeat < 1 or args.batch < 1:
        print("nudge_scan: need 0 < --due <= --items, --repeat >= 1, --batch >= 1", file=sys.stderr)
        return 2
    config = parse_config(CONFIG, "tests/support/world.py CONFIG")
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    info = machine()
    results: list[dict[str, Any]] = []
    setup_failed = False
    for kind in kinds:
        try:
            results.append(bench_database(kind, args, config))
        except RuntimeError as exc:
            note(f"{kind}: {exc}")
            results.append({"database": kind, "error": str(exc)})
            setup_failed = True
    if args.json:
        print(json.dumps({"machine": info, "args": vars(args), "results": results}, indent=2))
    else:
        print(render(results, info, args))
    if any(not all(r["checks"].values()) for r in results if "checks" in r):
        return 1
    return 2 if setup_failed else 0


if __name__ == "__main__":
    sys.exit(main())
