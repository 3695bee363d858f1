"""`frontline jobs run` beside a running bot, on one SQLite file: nothing doubled, nothing locked.

SQLite stays on one host, where an admin runs the bot and cron jobs on the same file (README,
"Scheduled jobs"). This starts the real bot (`frontline run --no-scheduler`, HTTP mode) and,
while agents keep logging feedback with `/feedback`, runs `frontline jobs run deliveries`,
`nudges` and `digest` as separate processes, all three at once, round after round. Then:

- every `/feedback` was answered with its item, and no answer, log line or job output says the
  database was locked or unavailable;
- every item is stored once and its card posted once; no message (card, nudge, escalation,
  digest) reached Slack twice; each item was nudged and escalated once; each lead got one digest;
- every job and the bot exited 0.

The bot runs on the wall clock; the nudges and digest jobs run `--at` a working day a month
ahead, when every item is overdue, so they write (claims, events, outbox rows) on every run
while the bot writes captures. The deliveries job runs on the wall clock, as cron runs it, and
races the bot for the same outbox rows.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from storage.db import make_engine
from storage.models import ItemEvent
from tests.support.bot_process import (
    FRONTLINE,
    env_for,
    free_port,
    start_bot,
    stop_bot,
    wait_until_serving,
)
from tests.support.fake_slack import FakeSlack, wall_clock
from tests.support.helpers import items
from tests.support.slack_requests import SlackSender
from tests.support.world import BOT_TOKEN, CONFIG, NY, SIGNING_SECRET

ROUNDS = 2  # rounds of the three jobs while requests flow
AGENTS = 3  # threads sending /feedback
PAUSE = 0.3  # seconds between one agent's commands
TEAMS = ["billing", "product", "support-ops"]
LEADS = sorted(lead for team in CONFIG["teams"] for lead in team["leads"])
# What a user or an admin must never see from these runs.
TROUBLE = re.compile(
    r"locked|database unavailable|cannot reach its database|not saved|went wrong|Traceback", re.I
)


def working_day_at(start: datetime, hour: int, minute: int) -> datetime:
    """The first working day (Mon-Fri, not a configured holiday) on or after `start`, in NY."""
    day = start.astimezone(NY).date()
    while day.weekday() >= 5 or day.isoformat() in CONFIG["holidays"]:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NY)


@dataclass
class Ran:
    job: str
    code: int
    out: str


@dataclass
class Flow:
    """What the agents sent and what the bot answered."""

    sent: list[str] = field(default_factory=list)
    answers: list[tuple[int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Bot:
    """The bot process, with its output drained in the background (a full pipe would block it)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = start_bot(env)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def stop(self) -> int:
        code = stop_bot(self.proc)
        self._reader.join(timeout=5)
        return code

    @property
    def log(self) -> str:
        return "".join(self.lines)


def start_job(env: dict[str, str], job: str, at: datetime | None) -> subprocess.Popen[str]:
    assert FRONTLINE, "the frontline console script is not installed (uv sync)"
    args = [FRONTLINE, "jobs", "run", job, *(["--at", at.isoformat()] if at else [])]
    return subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def run_jobs(env: dict[str, str], jobs: list[tuple[str, datetime | None]]) -> list[Ran]:
    """Start the jobs at once, each a process of its own; wait for all of them."""
    procs = [(job, start_job(env, job, at)) for job, at in jobs]
    ran = []
    for job, proc in procs:
        try:
            out, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        ran.append(Ran(job, proc.returncode, out))
    return ran


def agent(sender: SlackSender, flow: Flow, who: int, stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        summary = f"Customer {who}-{n} asks for a refund by invoice #{TEAMS[n % len(TEAMS)]}"
        reply = sender.command(summary, user=f"UAGENT{who}")
        with flow.lock:
            flow.sent.append(summary.rsplit(" #", 1)[0])
            flow.answers.append((reply.status, reply.body.decode("utf-8", "replace")))
        time.sleep(PAUSE)


def cards_out(fake: FakeSlack, total: int, timeout: float = 10) -> None:
    """Wait (at most `timeout` s) until the bot has posted a card for each of FB-1 … FB-total."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(posted_keys(fake)[f"card:{n}:0"] for n in range(1, total + 1)):
            return
        time.sleep(0.05)


def posted_keys(fake: FakeSlack) -> Counter[str]:
    """How often each outbox key reached Slack in a successful chat.postMessage."""
    found: Counter[str] = Counter()
    for call in fake.calls_to("chat.postMessage"):
        meta = call.args.get("metadata") or {}
        key = (meta.get("event_payload") or {}).get("key") if isinstance(meta, dict) else None
        if not call.failed and key:
            found[key] += 1
    return found


def test_jobs_beside_a_running_bot_on_one_sqlite_file(
    tmp_path: Path, config_file: Path, fake_slack: FakeSlack
) -> None:
    port = free_port()
    env = env_for(
        tmp_path,
        config_file,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.url,
        PORT=str(port),
        HOST="127.0.0.1",
    )
    fake_slack.clock = wall_clock  # the bot and the cron-style jobs run on the system clock
    ahead = working_day_at(wall_clock() + timedelta(days=30), 0, 0)
    nudge_at = ahead.replace(hour=10)  # in business hours: every item is long overdue
    digest_at = ahead.replace(hour=8, minute=50)  # just after digest.time (08:45)
    jobs = [("deliveries", None), ("nudges", nudge_at), ("digest", digest_at)]

    bot = Bot(env)
    ran: list[Ran] = []
    flow = Flow()
    stop = threading.Event()
    try:
        assert wait_until_serving(bot.proc, port)[0] == 200
        sender = SlackSender(
            f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake_slack.base + "/response/"
        )
        agents = [
            threading.Thread(target=agent, args=(sender, flow, who, stop), daemon=True)
            for who in range(1, AGENTS + 1)
        ]
        for t in agents:
            t.start()
        try:
            for _ in range(ROUNDS):
                ran += run_jobs(env, jobs)
        finally:
            stop.set()
            for t in agents:
                t.join(timeout=15)
        # the last items: nudged, then (a second run) escalated; the bot sends their cards
        ran += run_jobs(env, [("nudges", nudge_at)])
        ran += run_jobs(env, [("nudges", nudge_at), ("deliveries", None)])
        cards_out(fake_slack, len(flow.sent))  # checked below, after what went wrong (if anything)
    finally:
        stop.set()
        code = bot.stop()

    # every job and the bot ended well, and nobody was told about a lock
    assert code == 0, bot.log
    for r in ran:
        assert r.code == 0, f"`frontline jobs run {r.job}` exited {r.code}:\n{r.out}"
        assert not TROUBLE.search(r.out), f"{r.job}:\n{r.out}"
    assert not TROUBLE.search(bot.log), bot.log
    replies = [c.args for c in fake_slack.calls_to("response_url")] + [
        c.args for c in fake_slack.calls_to("chat.postEphemeral")
    ]
    assert not [r for r in replies if TROUBLE.search(str(r))]
    total = len(flow.sent)
    assert total >= 20, "too few /feedback requests overlapped the jobs"
    assert all(status == 200 for status, _ in flow.answers), flow.answers
    refs = Counter(m for _, body in flow.answers for m in set(re.findall(r"FB-\d+", body)))
    assert set(refs) == {f"FB-{n}" for n in range(1, total + 1)}, refs
    assert all(not TROUBLE.search(body) for _, body in flow.answers)

    # stored once, carded once, nothing doubled in Slack
    engine = make_engine(env["DATABASE_URL"])
    try:
        stored = items(engine)
        with Session(engine) as s:
            kinds = Counter(
                (e.item_id, e.kind)
                for e in s.exec(
                    select(ItemEvent).where(col(ItemEvent.kind).in_(["nudged", "escalated"]))
                ).all()
            )
    finally:
        engine.dispose()
    assert sorted(i.summary for i in stored) == sorted(flow.sent)
    assert all(i.card_ts for i in stored)
    keys = posted_keys(fake_slack)
    assert [k for k, n in keys.items() if n > 1] == []
    assert all(keys[f"card:{i.id}:0"] == 1 for i in stored)
    cards = [c for c in keys if c.startswith("card:")]
    assert len(cards) == total
    for item in stored:  # each nudged and escalated once, for its one deadline
        assert kinds[(item.id, "nudged")] == 1 and kinds[(item.id, "escalated")] == 1, item.id
        assert item.nudged_for_due_at == item.due_at == item.escalated_for_due_at
    assert sum(1 for k in keys if k.startswith("nudge:")) >= ROUNDS  # a nudge in every round
    assert sorted(k.split(":")[2] for k in keys if k.startswith("digest:")) == LEADS
    assert sum(1 for k in keys if k.startswith("escalate:")) == total  # one lead per team
