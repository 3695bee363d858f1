"""Ack latency of `/feedback`: N concurrent, correctly signed slash commands against Frontline.

Self-contained (default): starts a FakeSlack as the Slack Web API, launches the real bot
(`python -m bot.cli run --no-scheduler`) as a subprocess on a free loopback port with a throwaway
SQLite file (or --database URL, or a private PostgreSQL with --postgres), warms it up, fires the
measured run, checks that every item was stored and every card posted, then tears it all down.

Against a running instance: `--url http://host:port/slack/events --signing-secret S` only fires
the requests; their response_url points at a local sink this script starts (or --response-url).

Latency is the client-side time from sending the request until the whole HTTP response has been
read (Slack's view of the ack). Percentiles are nearest-rank over the measured requests that got
a response or timed out (a timeout counts with the time it waited). An error is: no response
within --timeout (3 s, Slack's limit), a connection failure, any status other than 200, a 200
whose JSON body does not contain "FB-" (the item reference: nothing was logged), or an FB- ref
already acked to another request of the run.

Exit status: 0 when there were no errors (and, self-contained, nothing was lost; and p99 within
--max-p99 when given), 1 otherwise, 2 when the setup itself failed (the bot did not start, no
PostgreSQL binaries, bad arguments).

Stdlib only, plus the project's own packages and tests/support helpers.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.fake_slack import FakeSlack  # noqa: E402
from tests.support.slack_requests import SlackSender, sign  # noqa: E402

BOT_TOKEN = "xoxb-0000-0000-frontline-bench"
EVENTS_PATH = "/slack/events"
HEALTH_TIMEOUT = 30.0
CARDS_TIMEOUT = 20.0
STOP_GRACE = 5.0

# (template, how tests/support/world.py's CONFIG routes it): 3 #tag, 5 keyword-routed, 2 to triage.
# Every text sent is distinct: the request number and a run id are appended.
TEXTS: tuple[tuple[str, str], ...] = (
    ("Customer asks for invoice CSV export #billing", "explicit"),
    ("Refund for a double charge on the annual plan", "keywords"),
    ("Wants the usage dashboard as a weekly report", "keywords"),
    ("Customer says the mobile app logs them out every morning", "triage"),
    ("Please add SSO with Okta for the whole org #product", "explicit"),
    ("Receipt email is missing the VAT number", "keywords"),
    ("Agent unsure which macro to use for outage questions", "keywords"),
    ("Customer would love dark mode on tablets", "triage"),
    ("Escalation path for angry enterprise customers #support-ops", "explicit"),
    ("Integration with Salesforce drops custom fields", "keywords"),
)


# --------------------------------------------------------------------------------------------
# the client


@dataclass
class Result:
    latency: float  # seconds from sending until the response was read (or we gave up)
    status: int | None  # HTTP status, None when there was no response
    error: str | None  # None when the ack was good
    ref: str | None = None  # "FB-123" from the ack text


@dataclass
class Target:
    url: str  # full URL of /slack/events
    secret: str
    response_url: str  # base; each request gets base + a unique token
    timeout: float
    keepalive: bool
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    more_ports: tuple[int, ...] = ()  # other processes of the same app: workers spread over all

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SystemExit(f"ack_latency: --url {self.url!r} is not an http(s) URL")
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.sender = SlackSender(self.url, self.secret, self.response_url)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[http.client.HTTPConnection] = set()
        self._ports = (self.port, *self.more_ports)
        self._next_port = itertools.count()

    # one connection per worker thread, reused while the server keeps it alive
    def _connection(self, fresh: bool) -> tuple[http.client.HTTPConnection, bool]:
        conn = getattr(self._local, "conn", None)
        if conn is not None and not fresh and self.keepalive:
            return conn, True
        if conn is not None:
            conn.close()
        cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        if getattr(self._local, "port", None) is None:  # each worker sticks to one process
            with self._lock:
                self._local.port = self._ports[next(self._next_port) % len(self._ports)]
        conn = cls(self.host, self._local.port, timeout=self.timeout)
        self._local.conn = conn
        with self._lock:
            self._open.add(conn)
        return conn, False

    def close_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            with self._lock:
                self._open.discard(conn)

    def close_all(self) -> None:
        with self._lock:
            conns, self._open = list(self._open), set()
        for conn in conns:
            conn.close()

    def body(self, seq: int, label: str) -> bytes:
        template, _ = TEXTS[seq % len(TEXTS)]
        text = f"{template} {label}={seq} run={self.run_id}"
        trigger = f"{seq + 1}.{secrets.randbelow(10**9)}.{self.run_id}{secrets.token_hex(8)}"
        return urlencode(self.sender.command_fields(text, trigger_id=trigger)).encode()

    def send(self, body: bytes) -> Result:
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sign(self.secret, ts, body),
            "Content-Length": str(len(body)),
        }
        if not self.keepalive:
            headers["Connection"] = "close"
        start = time.perf_counter()
        for attempt in (0, 1):
            conn, reused = self._connection(fresh=attempt > 0)
            try:
                conn.request("POST", self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except TimeoutError:
                self.close_connection()
                return Result(time.perf_counter() - start, None, "timeout")
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close_connection()
                if reused and attempt == 0:
                    continue  # the server closed an idle keep-alive connection: resend once
                return Result(time.perf_counter() - start, None, f"connection: {exc!r}")
            except (OSError, http.client.HTTPException) as exc:
                self.close_connection()
                return Result(time.perf_counter() - start, None, f"connection: {exc!r}")
            elapsed = time.perf_counter() - start
            if resp.will_close or not self.keepalive:
                self.close_connection()
            return judge(elapsed, resp.status, data, self.timeout)
        raise AssertionError("unreachable")


def judge(elapsed: float, status: int, data: bytes, timeout: float) -> Result:
    if status != 200:
        return Result(elapsed, status, f"HTTP {status}: {data[:200]!r}")
    if elapsed > timeout:
        return Result(elapsed, status, "timeout")
    try:
        json.loads(data)
        body = data.decode()
    except ValueError:
        return Result(elapsed, status, f"200 but not JSON: {data[:200]!r}")
    start = body.find("FB-")
    if start < 0:
        return Result(elapsed, status, f"200 without FB-: {body[:200]!r}")
    end = start + 3
    while end < len(body) and body[end].isdigit():
        end += 1
    return Result(elapsed, status, None, body[start:end])


def fire(target: Target, count: int, concurrency: int, label: str) -> tuple[list[Result], float]:
    """Send `count` requests through `concurrency` workers; returns results and wall time."""
    bodies = [target.body(i, label) for i in range(count)]
    try:
        with ThreadPoolExecutor(concurrency, thread_name_prefix="bench") as pool:
            started = time.perf_counter()
            results = list(pool.map(target.send, bodies))
            wall = time.perf_counter() - started
    finally:
        target.close_all()
    seen: set[str] = set()
    for r in results:  # every request logs its own item: two acks naming one item lost one
        if r.ref is not None and r.ref in seen:
            r.error = f"duplicate ref: {r.ref} was already acked"
        elif r.ref is not None:
            seen.add(r.ref)
    return results, wall


# --------------------------------------------------------------------------------------------
# statistics and output


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarize(results: list[Result], wall: float) -> dict[str, Any]:
    """Latencies of requests that got a response or timed out; refused connections only count
    as errors (their near-zero times would flatter the percentiles)."""
    lat = sorted(r.latency * 1000 for r in results if r.status is not None or r.error == "timeout")
    kinds = Counter(kind(r.error) for r in results if r.error)

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {
        "n": len(results),
        "p50_ms": ms(percentile(lat, 50)),
        "p95_ms": ms(percentile(lat, 95)),
        "p99_ms": ms(percentile(lat, 99)),
        "max_ms": ms(lat[-1] if lat else None),
        "mean_ms": ms(statistics.fmean(lat) if lat else None),
        "errors": sum(kinds.values()),
        "error_kinds": dict(kinds),
        "throughput_rps": round(len(results) / wall, 1) if wall > 0 else None,
        "wall_s": round(wall, 3),
    }


def kind(error: str) -> str:
    """'HTTP 500', 'timeout', 'connection', '200 without FB-' ... for the error tally."""
    return error.split(":", 1)[0]


def report_text(summary: dict[str, Any], concurrency: int, database: str) -> str:
    def ms(key: str) -> str:
        value = summary[key]
        return "n/a" if value is None else f"{value:.1f} ms"

    rps = summary["throughput_rps"]
    lines = [
        f"ack latency: n={summary['n']} concurrency={concurrency} database={database}",
        f"p50 {ms('p50_ms')}  p95 {ms('p95_ms')}  p99 {ms('p99_ms')}  max {ms('max_ms')}  "
        f"mean {ms('mean_ms')}",
        f"errors {summary['errors']}   throughput {'n/a' if rps is None else f'{rps:.0f}'} req/s",
    ]
    if summary["error_kinds"]:
        kinds = ", ".join(f"{k} x{v}" for k, v in sorted(summary["error_kinds"].items()))
        lines[-1] += f"   ({kinds})"
    if "expected" in summary:
        checks = [
            f"{what} {summary[key]}/{summary['expected']}"
            for what, key in (
                ("items stored", "items_stored"),
                ("cards posted", "cards_posted"),
                ("follow-ups", "follow_ups"),
            )
            if summary.get(key) is not None
        ]
        if checks:
            lines.append(", ".join(checks))
        app = summary.get("app", "frontline")
        lines.append(
            f"{app} CPU per request {summary['cpu_ms_per_request']:.2f} ms (ack + after-ack)"
        )
    return "\n".join(lines)


def note(message: str) -> None:
    print(f"ack_latency: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# self-contained mode: fake Slack + the real bot in a subprocess


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(path: Path) -> None:
    import yaml

    try:
        from tests.support.world import CONFIG
    except ImportError:  # pytest missing (non-dev install): same shape, inline
        CONFIG = {
            "timezone": "America/New_York",
            "triage_team": "support-ops",
            "teams": [
                {"key": "billing", "name": "Billing", "channel": "C0BILLING",
                 "keywords": ["invoice", "refund", "charge", "payment", "billing", "receipt"]},
                {"key": "product", "name": "Product", "channel": "C0PRODUCT",
                 "keywords": ["feature", "export", "dashboard", "report", "integration"]},
                {"key": "support-ops", "name": "Support Ops", "channel": "C0SUPPORT",
                 "keywords": ["macro", "policy", "process"]},
            ],
        }  # fmt: skip
    path.write_text(yaml.safe_dump(CONFIG), encoding="utf-8")


class Bot:
    """`python -m bot.cli run --no-scheduler` on a free loopback port; output to a log file."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        repo: Path = REPO,
        spy: str | None = None,
        app: str = "frontline",
    ) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.base = f"http://127.0.0.1:{self.port}"
        full_env = {k: v for k, v in os.environ.items() if k.upper() != "SLACK_APP_TOKEN"}
        full_env.update(env, HOST="127.0.0.1", PORT=str(self.port), PYTHONUNBUFFERED="1")
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        cmd = [sys.executable, "-m", "bot.cli", "run", "--no-scheduler", "--port", str(self.port)]
        if app != "frontline":  # a yardstick app (bench/baseline_app.py) instead of Frontline
            cmd = [sys.executable, str(REPO / "bench" / "baseline_app.py"), app]
        if spy:  # py-spy samples every thread of the bot (the flame summary in docs/benchmarks.md)
            cmd = ["py-spy", "record", "--gil", "-r", "1000", "-f", "raw", "-o", spy, "--", *cmd]
        self.spy = spy
        self.proc = subprocess.Popen(
            cmd, cwd=repo, env=full_env, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_healthy(self, timeout: float = HEALTH_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the bot exited with {self.proc.returncode}\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return
                    last = f"HTTP {resp.status}"
            except urllib.error.HTTPError as err:
                last = f"HTTP {err.code}"
            except OSError as exc:
                last = repr(exc)
            time.sleep(0.1)
        raise RuntimeError(f"/healthz not 200 within {timeout:.0f}s ({last})\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        """User + system CPU the bot process has used so far (Linux /proc; 0.0 elsewhere)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            self._log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no bot log)"
        return "--- bot log tail ---\n" + "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            # py-spy writes its profile on SIGINT (and passes it on to the bot)
            self.proc.send_signal(signal.SIGINT if self.spy else signal.SIGTERM)
            try:
                self.proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                note(f"the bot ignored SIGTERM for {STOP_GRACE:.0f}s: killing it")
                self.proc.kill()
                self.proc.wait(STOP_GRACE)
        self._log.close()


def wait_count(fake: FakeSlack, method: str, count: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        seen = len(fake.calls_to(method))
        if seen >= count or time.monotonic() >= deadline:
            return seen
        time.sleep(0.05)


def count_items(database_url: str, run_id: str) -> int:
    """Items this run stored (every text carries `run=<id>`, so a reused database is fine)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            query = text("SELECT count(*) FROM item WHERE summary LIKE :pattern")
            return int(conn.execute(query, {"pattern": f"%run={run_id}%"}).scalar_one())
    finally:
        engine.dispose()


@contextlib.contextmanager
def database(args: argparse.Namespace, tmp: Path) -> Iterator[tuple[str, str]]:
    """(SQLAlchemy URL, label) for the run; a private PostgreSQL is torn down afterwards."""
    if args.postgres:
        from tests.support.postgres import PostgresServer, find_pg_bin

        bin_dir = find_pg_bin()
        if bin_dir is None:
            raise RuntimeError(
                "--postgres: no initdb/pg_ctl found (install PostgreSQL or set PG_BIN)"
            )
        note(f"starting a private PostgreSQL from {bin_dir}")
        server = PostgresServer(bin_dir).start()
        try:
            yield server.create_database("bench"), "postgresql"
        finally:
            server.stop()
        return
    if args.database in (None, "", "sqlite"):
        yield f"sqlite:///{tmp / 'bench.db'}", "sqlite"
        return
    yield args.database, args.database.split(":", 1)[0].split("+", 1)[0]


def slow_down(fake: FakeSlack, delay: float) -> None:
    """Make every fake Slack call (Web API and response_url) take `delay` seconds, like Slack."""
    handle = fake._handle

    def slow(method: str, call_args: dict[str, Any], token: str | None) -> Any:
        time.sleep(delay)
        return handle(method, call_args, token)

    fake._handle = slow  # type: ignore[method-assign]


def self_contained(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    secret = secrets.token_hex(16)
    fake = FakeSlack().start()
    if args.slack_latency > 0:
        slow_down(fake, args.slack_latency / 1000)
    with contextlib.suppress(ImportError):
        from tests.support.world import MEMBERS

        fake.channel_members.update({k: list(v) for k, v in MEMBERS.items()})
    try:
        with (
            tempfile.TemporaryDirectory(prefix="frontline-bench-") as tmpdir,
            database(args, Path(tmpdir)) as (db_url, label),
        ):
            config = Path(tmpdir) / "frontline.yml"
            write_config(config)
            env = {
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": secret,
                "SLACK_API_URL": fake.url,
                "DATABASE_URL": db_url,
                "FRONTLINE_CONFIG": str(config),
            }
            bots = [
                Bot(
                    env, Path(tmpdir) / f"bot{i}.log", Path(args.repo).resolve(), args.spy, args.app
                )
                for i in range(args.processes)
            ]
            try:  # the bots stop before their database and temp dir go away
                for bot in bots:
                    note(f"{args.app} starting on {bot.base} (database {label})")
                    bot.wait_healthy()
                target = Target(
                    bots[0].base + EVENTS_PATH, secret, fake.response_url(""), args.timeout,
                    not args.no_keepalive, more_ports=tuple(b.port for b in bots[1:]),
                )  # fmt: skip
                frontline = args.app == "frontline"
                posts = args.app not in ("bare", "store")
                warm_cpu = 0.0
                if args.warmup:  # warm-up, then let its after-ack work finish before the clock
                    warm(target, args)
                    if frontline:
                        wait_count(fake, "response_url", args.warmup, 5.0)
                    time.sleep(0.5)
                    warm_cpu = sum(b.cpu_seconds() for b in bots)
                results, wall = fire(target, args.n, args.c, "n")
                summary = summarize(results, wall)
                expected = args.warmup + args.n
                summary["expected"] = expected
                summary["cards_posted"] = (
                    wait_count(fake, "chat.postMessage", expected, CARDS_TIMEOUT) if posts else None
                )
                summary["follow_ups"] = (
                    wait_count(fake, "response_url", expected, 5.0)
                    if args.app in ("frontline", "floor")
                    else None
                )
                time.sleep(0.2 if frontline else 0.5)  # a baseline's last posts finish
                # CPU of the ack and all after-ack work (card, reply) per measured request
                summary["cpu_ms_per_request"] = round(
                    (sum(b.cpu_seconds() for b in bots) - warm_cpu) * 1000 / args.n, 2
                )
                summary["items_stored"] = count_items(db_url, target.run_id) if frontline else None
                summary["app"] = args.app
                summary["processes"] = args.processes
                return summary, label
            finally:
                for bot in bots:
                    bot.stop()
                if args.keep_log:
                    Path(args.keep_log).write_bytes(bots[0].log_path.read_bytes())
                    note(f"bot log kept at {args.keep_log}")
    finally:
        fake.stop()


def warm(target: Target, args: argparse.Namespace) -> None:
    done, _ = fire(target, args.warmup, min(args.c, args.warmup), "warmup")
    bad = [r for r in done if r.error]
    if bad:
        note(f"warm-up: {len(bad)}/{len(done)} failed, first: {bad[0].error}")


def measure(target: Target, args: argparse.Namespace) -> dict[str, Any]:
    if args.warmup:
        warm(target, args)
    results, wall = fire(target, args.n, args.c, "n")
    for r in [r for r in results if r.error][:5]:
        note(f"error after {r.latency * 1000:.0f} ms: {r.error}")
    return summarize(results, wall)


def external(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    secret = args.signing_secret or os.environ.get("SLACK_SIGNING_SECRET", "")
    if not secret:
        raise SystemExit("ack_latency: --url needs --signing-secret (or $SLACK_SIGNING_SECRET)")
    sink: FakeSlack | None = None
    response_url = args.response_url
    if not response_url:
        sink = FakeSlack().start()  # used only as a response_url sink
        response_url = sink.response_url("")
    try:
        target = Target(args.url, secret, response_url, args.timeout, not args.no_keepalive)
        return measure(target, args), "external"
    finally:
        if sink is not None:
            sink.stop()


# --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bench/ack_latency.py",
        description="p50/p95/p99 ack latency of signed /feedback slash commands.",
    )
    p.add_argument("--url", help="a running instance's /slack/events URL (skip self-contained)")
    p.add_argument("--signing-secret", help="with --url: the instance's signing secret")
    p.add_argument("--response-url", help="with --url: response_url base (default: local sink)")
    p.add_argument("-n", type=int, default=200, help="measured requests (default 200)")
    p.add_argument("-c", type=int, default=20, help="concurrent requests (default 20)")
    p.add_argument("--warmup", type=int, default=10, help="unmeasured requests first (10)")
    db = p.add_mutually_exclusive_group()
    db.add_argument(
        "--database", default="sqlite", help="'sqlite' (temp file, default) or a SQLAlchemy URL"
    )
    db.add_argument(
        "--postgres", action="store_true", help="start a private PostgreSQL for the run"
    )
    p.add_argument(
        "--slack-latency",
        type=float,
        default=0.0,
        metavar="MS",
        help="self-contained: each fake Slack API call takes this long (real Slack: ~50-300)",
    )
    p.add_argument("--timeout", type=float, default=3.0, help="per-request limit, s (3)")
    p.add_argument("--no-keepalive", action="store_true", help="new connection per request")
    p.add_argument("--keep-log", metavar="PATH", help="copy the bot's log here afterwards")
    p.add_argument(
        "--max-p99", type=float, metavar="MS", help="also exit 1 when p99 is above MS (gate)"
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument(
        "--repo",
        default=str(REPO),
        help="self-contained: run the bot from this checkout (before/after)",
    )
    p.add_argument("--spy", metavar="PATH", help="self-contained: py-spy record the bot to PATH")
    p.add_argument(
        "--app",
        choices=("frontline", "bare", "naive", "floor", "store"),
        default="frontline",
        help="self-contained: Frontline, or a yardstick: bare (Bolt acks only) or naive (acks, "
        "then posts the text once), floor (stores, acks, posts, records, replies) or store (the "
        "floor's ack alone) from bench/baseline_app.py",
    )
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        help="self-contained: run N bot processes on the one database; workers spread over them",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.n < 1 or args.c < 1 or args.warmup < 0 or args.timeout <= 0:
        print("ack_latency: -n and -c must be >= 1, --warmup >= 0, --timeout > 0", file=sys.stderr)
        return 2
    if args.processes < 1 or (
        args.processes > 1 and not args.postgres and args.database in ("sqlite", "")
    ):
        print(
            "ack_latency: --processes N > 1 needs PostgreSQL (SQLite is one process)",
            file=sys.stderr,
        )
        return 2
    if args.url and args.postgres:
        print("ack_latency: --postgres only applies without --url", file=sys.stderr)
        return 2
    try:
        summary, label = external(args) if args.url else self_contained(args)
    except RuntimeError as exc:
        print(f"ack_latency: {exc}", file=sys.stderr)
        return 2
    summary.update(concurrency=args.c, database=label, warmup=args.warmup)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(report_text(summary, args.c, label))
    lost = "expected" in summary and (
        summary.get("items_stored") not in (None, summary["expected"])
        or (summary.get("cards_posted") or summary["expected"]) < summary["expected"]
    )
    p99 = summary["p99_ms"]
    slow = args.max_p99 is not None and (p99 is None or p99 > args.max_p99)
    if lost:
        note("lost work: not every request left an item and a card behind")
    if slow:
        note(f"p99 {summary['p99_ms']} ms is above --max-p99 {args.max_p99:g} ms")
    return 1 if summary["errors"] or lost or slow else 0


if __name__ == "__main__":
    sys.exit(main())
