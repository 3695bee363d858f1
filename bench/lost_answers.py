"""Duplicate cards when Slack's answer to the card post is lost: a torture measurement.

Each trial sends one signed `/feedback "Refund took weeks #billing"` to the real bot (a
`frontline run --no-scheduler` subprocess on a loopback port, a fresh database), and the fake
Slack Web API stores the card post but the bot never learns its outcome:

- hang:   Slack answers after 11 s, beyond the bot's 10 s client timeout;
- drop:   Slack closes the connection without answering;
- kill:   the bot gets SIGKILL while chat.postMessage is in flight;
- outage: (PostgreSQL only) the bot's database refuses connections from the moment Slack took
          the post (ALTER DATABASE ... ALLOW_CONNECTIONS false + pg_terminate_backend) until
          about a second later.

Once the live bot no longer holds the card's outbox row, the bot is stopped and one
`frontline jobs run deliveries --at T` runs, T being just past the row's lease (status
'sending') or its next attempt (otherwise). Then the cards are counted: top-level messages in
C0BILLING that mention FB-1. A trial is "doubled" with more than one card, "lost" with none.

`--repo DIR` runs DIR/.venv/bin/frontline (bot and job), so the same measurement runs against
an older checkout (a git worktree); the fake Slack always comes from this repository. The
outbox row is read with plain SQL that works on old schemas too.

Exit status: 0 when no trial was doubled or lost, 1 otherwise, 2 when the setup failed.
Stdlib only, plus the project's own packages and tests/support helpers.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.fake_slack import FakeSlack, wall_clock  # noqa: E402
from tests.support.slack_requests import SlackSender  # noqa: E402

CASES = ("hang", "drop", "kill", "outage")
BOT_TOKEN = "xoxb-0000-0000-frontline-bench"
SIGNING_SECRET = "5f0c1e2d3b4a59687766554433221100"
CHANNEL = "C0BILLING"
TEXT = "Refund took weeks #billing"
CARD_REF = re.compile(r"\bFB-1\b")

HANG_SECONDS = 11.0  # the bot's send client gives up after 10 s
OUTAGE_SECONDS = 1.0  # the database comes back this long after Slack took the post
HEALTH_TIMEOUT = 30.0
POST_TIMEOUT = 15.0  # from the command until the fake sees the card post
SETTLE_TIMEOUT = 40.0  # from the card post until the live bot has let go of the row
OUTAGE_QUIET = 3.0  # after the database is back, a row still 'sending' is left behind
STOP_GRACE = 10.0
JOB_TIMEOUT = 120.0


class SetupError(Exception):
    """The measurement could not run (bot did not start, no PostgreSQL, ...): exit 2."""


def note(message: str) -> None:
    print(f"lost_answers: {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(path: Path) -> None:
    import yaml

    from tests.support.world import CONFIG

    path.write_text(yaml.safe_dump(CONFIG), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# databases


class Databases:
    """A fresh database per trial: a SQLite file, or a database on a private PostgreSQL."""

    def __init__(self, tmp: Path, postgres: bool) -> None:
        self.tmp = tmp
        self.label = "postgres" if postgres else "sqlite"
        self.server: Any = None
        self._count = 0
        if postgres:
            from tests.support.postgres import PostgresServer, find_pg_bin

            bin_dir = find_pg_bin()
            if bin_dir is None:
                raise SetupError(
                    "--postgres: no initdb/pg_ctl found (install PostgreSQL or PG_BIN)"
                )
            note(f"starting a private PostgreSQL from {bin_dir}")
            try:
                self.server = PostgresServer(bin_dir).start()
            except RuntimeError as exc:
                raise SetupError(str(exc)) from None

    @contextlib.contextmanager
    def fresh(self, case: str) -> Iterator[tuple[str, str]]:
        """(SQLAlchemy URL, database name) for one trial; dropped afterwards."""
        self._count += 1
        name = f"lost_{case}_{self._count}"
        if self.server is None:
            yield f"sqlite:///{self.tmp / (name + '.db')}", name
            return
        url = self.server.create_database(name)
        try:
            yield url, name
        finally:
            with contextlib.suppress(Exception):
                self.allow(name)
            self.server.drop_database(name)

    def _admin(self, sql: str, *params: Any) -> None:
        import psycopg

        with psycopg.connect(**self.server.connect_kwargs(), autocommit=True) as conn:
            conn.execute(sql, params or None)

    def refuse(self, name: str) -> None:
        """The database goes away for the bot: no new connections, existing ones terminated."""
        self._admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        self._admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            name,
        )

    def allow(self, name: str) -> None:
        self._admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None


@dataclass
class CardRow:
    status: str
    next_attempt_at: datetime | None
    lease_until: datetime | None

    def retry_at(self) -> datetime:
        """When a deliveries run may take the row again, plus a second."""
        base = self.lease_until if self.status == "sending" else self.next_attempt_at
        if base is None:
            base = self.next_attempt_at or self.lease_until
        if base is None:
            raise SetupError(f"the card row has neither next_attempt_at nor lease_until: {self}")
        return base + timedelta(seconds=1)


def _utc(value: Any) -> datetime | None:
    """Columns hold naive UTC; SQLite hands back text, PostgreSQL a naive datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def read_card_row(url: str) -> CardRow | None:
    """The card's outbox row, by plain SQL (the same on old and new schemas); None if absent."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT status, next_attempt_at, lease_until FROM outbox WHERE kind = 'card'")
            ).first()
    except Exception:  # no table yet, or the database is refusing connections (outage)
        return None
    finally:
        engine.dispose()
    if row is None:
        return None
    return CardRow(str(row[0]), _utc(row[1]), _utc(row[2]))


# --------------------------------------------------------------------------------------------
# the bot and the job, from the checkout under test


class Bot:
    """`frontline run --no-scheduler` on a free loopback port; output to a log file."""

    def __init__(self, frontline: Path, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(frontline), "run", "--no-scheduler"],
            cwd=frontline.parents[2],  # the checkout under test
            env={**env, "HOST": "127.0.0.1", "PORT": str(self.port), "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + HEALTH_TIMEOUT
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SetupError(f"the bot exited with {self.proc.returncode}\n{self.log_tail()}")
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
        raise SetupError(
            f"/healthz not 200 within {HEALTH_TIMEOUT:.0f}s ({last})\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError, ValueError):
            self._log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no bot log)"
        return "--- bot log tail ---\n" + "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                note(f"the bot ignored SIGTERM for {STOP_GRACE:.0f}s: killing it")
                self.proc.kill()
                self.proc.wait(STOP_GRACE)
        self._log.close()


def run_deliveries(frontline: Path, env: dict[str, str], at: datetime, log_path: Path) -> None:
    cmd = [str(frontline), "jobs", "run", "deliveries", "--at", at.astimezone(UTC).isoformat()]
    try:
        done = subprocess.run(
            cmd, cwd=frontline.parents[2], env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=JOB_TIMEOUT,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise SetupError(f"{' '.join(cmd[1:])} did not finish in {JOB_TIMEOUT:.0f}s") from None
    with open(log_path, "a", encoding="utf-8") as log:
        log.write(f"\n--- {' '.join(cmd[1:])} (exit {done.returncode}) ---\n")
        log.write(done.stdout + done.stderr)
    if done.returncode != 0:
        raise SetupError(
            f"{' '.join(cmd[1:])} exited {done.returncode}\n{(done.stdout + done.stderr)[-2000:]}"
        )


# --------------------------------------------------------------------------------------------
# one trial


def cards(fake: FakeSlack) -> int:
    """Top-level messages in the team channel that are FB-1's card (old and new code alike)."""
    found = 0
    for (channel, _ts), message in list(fake.messages.items()):
        if channel != CHANNEL or message.get("thread_ts"):
            continue
        text = str(message.get("text") or "") + json.dumps(message.get("blocks") or [])
        if CARD_REF.search(text):
            found += 1
    return found


@dataclass
class Trial:
    cards: int
    status_before_job: str
    detail: str = ""


@dataclass
class Tally:
    trials: int = 0
    once: int = 0
    doubled: int = 0
    lost: int = 0
    skipped: str = ""
    notes: list[str] = field(default_factory=list)

    def add(self, trial: Trial) -> None:
        self.trials += 1
        if trial.cards == 1:
            self.once += 1
        elif trial.cards > 1:
            self.doubled += 1
        else:
            self.lost += 1


def wait_until(check: Callable[[], Any], timeout: float, step: float = 0.1) -> Any:
    """Poll `check` until it returns something truthy or `timeout` passes; the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


def trial(
    case: str,
    fake: FakeSlack,
    dbs: Databases,
    frontline: Path,
    base_env: dict[str, str],
    tmp: Path,
) -> Trial:
    from tests.support.world import MEMBERS

    fake.reset()
    fake.channel_members.update({k: list(v) for k, v in MEMBERS.items()})
    fake.clock = wall_clock  # the bot runs on the system clock: message ts follow it
    with dbs.fresh(case) as (url, name):
        log_path = tmp / f"{name}.log"
        env = {**base_env, "DATABASE_URL": url}
        bot = Bot(frontline, env, log_path)
        timers: list[threading.Timer] = []
        back = threading.Event()
        try:
            bot.wait_healthy()
            if case == "hang":
                fake.lose_next_answer("chat.postMessage", how="hang", seconds=HANG_SECONDS)
            elif case == "drop":
                fake.lose_next_answer("chat.postMessage", how="drop")
            elif case == "kill":
                fake.lose_next_answer(
                    "chat.postMessage", how="drop", before_reply=lambda: bot.proc.kill()
                )
            else:  # outage

                def come_back() -> None:
                    try:
                        dbs.allow(name)
                    finally:
                        back.set()

                def outage() -> None:
                    dbs.refuse(name)
                    timer = threading.Timer(OUTAGE_SECONDS, come_back)
                    timer.daemon = True
                    timers.append(timer)
                    timer.start()

                fake.lose_next_answer(
                    "chat.postMessage", how="hang", seconds=0.0, before_reply=outage
                )
            sender = SlackSender(bot.base + "/slack/events", SIGNING_SECRET, fake.response_url(""))
            try:
                ack = sender.command(TEXT)
            except OSError as exc:
                # killed mid-post, the bot may not have flushed its ack yet: that is fine here
                if case != "kill":
                    raise SetupError(f"/feedback got no ack: {exc!r}\n{bot.log_tail()}") from None
            else:
                if ack.status != 200 or b"FB-1" not in ack.body:
                    raise SetupError(f"/feedback not acked with FB-1: {ack.status} {ack.body!r}")
            if not wait_until(lambda: fake.calls_to("chat.postMessage"), POST_TIMEOUT):
                raise SetupError(f"no card post within {POST_TIMEOUT:.0f}s\n{bot.log_tail()}")

            # until the live bot has let go of the card's row
            if case == "kill":
                try:
                    bot.proc.wait(POST_TIMEOUT)
                except subprocess.TimeoutExpired:
                    raise SetupError("the bot survived SIGKILL") from None
            elif case == "outage":
                if not back.wait(SETTLE_TIMEOUT):
                    raise SetupError("the database did not come back")
                # the failed write after the post is immediate; give the bot a moment to finish
                # its after-ack work now that the database answers again
                wait_until(
                    lambda: (r := read_card_row(url)) is not None and r.status != "sending",
                    OUTAGE_QUIET,
                )
            else:
                row = wait_until(
                    lambda: (r := read_card_row(url)) is not None and r.status != "sending" and r,
                    SETTLE_TIMEOUT,
                )
                if not row:
                    raise SetupError(
                        f"the card row stayed 'sending' with a live bot\n{bot.log_tail()}"
                    )
        finally:
            bot.stop()
            for timer in timers:
                timer.join(OUTAGE_SECONDS + 5)
        row = read_card_row(url)
        if row is None:
            raise SetupError(f"no card row in the outbox\n{bot.log_tail()}")
        at = row.retry_at()
        run_deliveries(frontline, env, at, log_path)
        found = cards(fake)
        posts = len(fake.calls_to("chat.postMessage"))
        lookups = len(fake.calls_to("conversations.history"))
        detail = (
            f"row {row.status} -> deliveries --at {at.isoformat(timespec='seconds')}; "
            f"chat.postMessage x{posts}, conversations.history x{lookups}, cards {found}"
        )
        return Trial(found, row.status, detail)


# --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bench/lost_answers.py",
        description="Count duplicate (and missing) cards when Slack's answer to a post is lost.",
    )
    p.add_argument("--trials", type=int, default=4, help="trials per case (default 4)")
    p.add_argument(
        "--cases",
        default="hang,drop,kill,outage",
        help="comma-separated, of: hang, drop, kill, outage (outage needs --postgres)",
    )
    p.add_argument(
        "--postgres", action="store_true", help="fresh databases on a private PostgreSQL"
    )
    p.add_argument(
        "--repo",
        type=Path,
        default=REPO,
        help="checkout whose .venv/bin/frontline runs the bot and the job (default: this one)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="one stderr line per trial")
    p.add_argument("--keep-logs", metavar="DIR", type=Path, help="copy bot/job logs here")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in CASES]
    if unknown or not cases or args.trials < 1:
        note(f"--cases takes {', '.join(CASES)}; --trials >= 1 (got {args.cases!r}, {args.trials})")
        return 2
    frontline = args.repo.resolve() / ".venv" / "bin" / "frontline"
    if not frontline.is_file():
        note(f"{frontline} not found (run `uv sync` in {args.repo})")
        return 2

    fake = FakeSlack().start()
    if fake._server is not None:  # a hung answer written to a client that gave up: expected
        fake._server.handle_error = lambda request, address: None  # type: ignore[method-assign]
    tallies: dict[str, Tally] = {}
    label = "postgres" if args.postgres else "sqlite"
    try:
        with tempfile.TemporaryDirectory(prefix="frontline-lost-") as tmpdir:
            tmp = Path(tmpdir)
            config = tmp / "frontline.yml"
            write_config(config)
            base_env = {
                k: v
                for k, v in os.environ.items()
                if not k.startswith("SLACK_") and k not in ("DATABASE_URL", "FRONTLINE_CONFIG")
            }
            base_env.update(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                SLACK_API_URL=fake.url,
                FRONTLINE_CONFIG=str(config),
            )
            dbs = Databases(tmp, args.postgres)
            try:
                for case in cases:
                    tally = tallies[case] = Tally()
                    if case == "outage" and not args.postgres:
                        tally.skipped = "PostgreSQL only (--postgres)"
                        continue
                    for n in range(args.trials):
                        result = trial(case, fake, dbs, frontline, base_env, tmp)
                        tally.add(result)
                        if args.verbose:
                            note(f"{case} {label} #{n + 1}: {result.detail}")
            finally:
                dbs.close()
                if args.keep_logs:
                    args.keep_logs.mkdir(parents=True, exist_ok=True)
                    for log in tmp.glob("*.log"):
                        (args.keep_logs / log.name).write_bytes(log.read_bytes())
    except SetupError as exc:
        note(f"setup failed: {exc}")
        print_tallies(tallies, label)
        return 2
    finally:
        fake.stop()
    print_tallies(tallies, label)
    bad = any(t.doubled or t.lost for t in tallies.values())
    return 1 if bad else 0


def print_tallies(tallies: dict[str, Tally], label: str) -> None:
    for case, t in tallies.items():
        if t.skipped:
            print(f"{case:<7}{label:<9}skipped: {t.skipped}")
            continue
        print(
            f"{case:<7}{label:<9}trials {t.trials}  cards posted once {t.once}  "
            f"doubled {t.doubled}  lost {t.lost}",
            flush=True,
        )


if __name__ == "__main__":
    sys.exit(main())
