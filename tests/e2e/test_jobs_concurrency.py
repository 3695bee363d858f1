"""Two bot processes run the same scheduled job at once against one PostgreSQL database.

The requirement: every job is idempotent and safe when several processes run it together. Each
test builds its data the real way (signed requests to the app over HTTP), then starts
`python -m bot.cli jobs run <job> --at …` twice. While both start up, the test holds an EXCLUSIVE
lock on the table the job claims in (reads go on, writes wait) and lets go only once both
processes are queued on that lock: so both have planned the same work and race for every claim,
on every run, instead of only when the scheduler happens to line them up. Then it counts the
Slack calls the fake received against recipients worked out from the data the test created.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, col, select

from storage.models import ItemEvent, Outbox, TipShown
from tests.support.app import Running, log_via_modal, start_app
from tests.support.fake_slack import FakeSlack
from tests.support.helpers import block_text, eventually, items, outbox_rows
from tests.support.postgres import PostgresServer
from tests.support.slack_requests import TEAM_ID
from tests.support.world import BOT_TOKEN, CONFIG, SIGNING_SECRET, Clock, ny

ROOT = Path(__file__).resolve().parents[2]
PROCESS_TIMEOUT = 60
BOTH_WAITING_TIMEOUT = 30

# FB-1 … FB-6: billing, high urgency (4 business hours: logged Tue 10:00, due Tue 14:00).
BILLING = [
    ("Refund missing for order 1001", None),
    ("Invoice shows the wrong VAT number", "UBILL1"),
    ("Charged twice for the annual plan", None),
    ("Payment declined with a valid card", "UBILL1"),
    ("Receipt email never arrived", "UBILL2"),
    ("Billing address cannot be edited", None),
]
# FB-7 … FB-10: product, normal urgency (40 business hours: not due this week).
PRODUCT = [
    ("Dashboard export to PDF cuts columns", "UPROD1"),
    ("Feature idea: saved filters", None),
    ("Integration with Zendesk drops tags", None),
    ("Weekly report misses Sunday", "UPROD1"),
]
BILLING_REPORTER = "UAGENT"
PRODUCT_REPORTER = "USUP1"
OPTED_IN = "UQUIET"  # "/feedback digest on": a digest with only the tip of the day
LEADS = [lead for team in CONFIG["teams"] for lead in team["leads"]]


def ref(n: int) -> str:
    return f"FB-{n}"


def billing_refs(owner: str | None) -> list[str]:
    return [ref(n) for n, (_, o) in enumerate(BILLING, 1) if o == owner]


def owners() -> set[str]:
    return {o for _, o in BILLING + PRODUCT if o}


# --- the world: PostgreSQL, the app over HTTP, items logged and taken through Slack -------------


@dataclass
class World:
    run: Running
    fake: FakeSlack
    postgres: PostgresServer
    dbname: str
    env: dict[str, str]


def build_items(run: Running, fake: FakeSlack) -> None:
    for summary, _ in BILLING:
        log_via_modal(run, summary, "high", BILLING_REPORTER)
    for summary, _ in PRODUCT:
        log_via_modal(run, summary, "normal", PRODUCT_REPORTER)
    total = len(BILLING) + len(PRODUCT)
    eventually(
        lambda: len(items(run.engine)) == total and all(i.card_ts for i in items(run.engine))
    )
    stored = items(run.engine)
    assert [i.team_key for i in stored] == ["billing"] * len(BILLING) + ["product"] * len(PRODUCT)
    assert all(i.due_at == ny(24, 14) for i in stored[: len(BILLING)])
    assert all(i.due_at > ny(27, 17) for i in stored[len(BILLING) :])

    taken = {n: o for n, (_, o) in enumerate(BILLING + PRODUCT, 1) if o}
    for n, owner in taken.items():
        run.slack.block_action("feedback_take", ref(n), user=owner)
    eventually(lambda: {i.id: i.owner_id for i in items(run.engine) if i.owner_id} == taken)
    run.slack.command("digest on", user=OPTED_IN)

    # everything the app queued (cards, capture DMs, thread lines, card refreshes) went out
    eventually(lambda: all(r.status == "done" for r in outbox_rows(run.engine)), timeout=10)
    run.settle()  # and nothing is still on its way to Slack when the calls are forgotten
    fake.reset()


@pytest.fixture
def world(
    postgres: PostgresServer | None, tmp_path: Path, fake_slack: FakeSlack, clock: Clock
) -> Iterator[World]:
    if postgres is None:
        pytest.skip(
            "concurrent job runs need PostgreSQL: no server binaries (initdb/pg_ctl) found; "
            "install PostgreSQL or set PG_BIN"
        )
    dbname = f"fl_conc_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    url = postgres.create_database(dbname)
    config_file = tmp_path / "frontline.yml"
    config_file.write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SLACK_APP_TOKEN"}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.url,
        DATABASE_URL=url,
        FRONTLINE_CONFIG=str(config_file),
    )
    clock.set(ny(24, 10))  # Tuesday 10:00 in New York: inside business hours
    run = start_app(url, config_file, fake_slack, now=clock.now)
    try:
        build_items(run, fake_slack)
        yield World(run, fake_slack, postgres, dbname, env)
    finally:
        run.server.close()
        run.engine.dispose()
        postgres.drop_database(dbname)


# --- running jobs as separate processes -------------------------------------------------------


@dataclass
class Ran:
    code: int
    out: str
    err: str


def job_cmd(job: str, at: datetime) -> list[str]:
    return [sys.executable, "-m", "bot.cli", "jobs", "run", job, "--at", at.isoformat()]


def run_once(w: World, job: str, at: datetime) -> Ran:
    proc = subprocess.run(
        job_cmd(job, at),
        cwd=ROOT,
        env=w.env,
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )
    return Ran(proc.returncode, proc.stdout, proc.stderr)


def run_two_at_once(w: World, job: str, at: datetime, claim_table: str) -> list[Ran]:
    """Start the job in two processes; both plan, then race for the claims in `claim_table`.

    The test's own transaction holds LOCK TABLE … IN EXCLUSIVE MODE: plain SELECTs pass, every
    INSERT/UPDATE on that table waits. It is released only when both processes wait on it.
    """
    import psycopg
    from psycopg import sql

    kw = w.postgres.connect_kwargs(w.dbname)
    procs: list[subprocess.Popen[str]] = []
    try:
        with (
            psycopg.connect(**kw) as holder,
            psycopg.connect(**kw, autocommit=True) as watcher,
        ):
            holder.execute(
                sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(sql.Identifier(claim_table))
            )
            for _ in range(2):
                procs.append(
                    subprocess.Popen(
                        job_cmd(job, at),
                        cwd=ROOT,
                        env=w.env,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                )
            waiting = 0
            deadline = time.monotonic() + BOTH_WAITING_TIMEOUT
            try:
                while time.monotonic() < deadline and all(p.poll() is None for p in procs):
                    row = watcher.execute(
                        "SELECT count(DISTINCT pid) FROM pg_locks "
                        "WHERE relation = %s::regclass AND NOT granted",
                        (claim_table,),
                    ).fetchone()
                    waiting = row[0] if row else 0
                    if waiting >= 2:
                        break
                    time.sleep(0.02)
            finally:
                holder.rollback()  # let them go, whatever happened
        ran = []
        for p in procs:
            out, err = p.communicate(timeout=PROCESS_TIMEOUT)
            ran.append(Ran(p.returncode, out, err))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for r in ran:
        assert r.code == 0, f"`frontline jobs run {job}` exited {r.code}\n{r.out}\n{r.err}"
    assert waiting >= 2, (
        f"the two {job} processes never both waited to claim in {claim_table}:\n"
        + "\n---\n".join(f"{r.out}\n{r.err}" for r in ran)
    )
    return ran


def summary(r: Ran, job: str) -> tuple[int, int, int]:
    m = re.search(rf"^{job}: (\d+) queued, (\d+) sent, (\d+) failed$", r.out, re.M)
    assert m, r.out
    queued, sent, failed = (int(x) for x in m.groups())
    return queued, sent, failed


def top_level_posts(fake: FakeSlack) -> list:
    return [
        c for c in fake.calls_to("chat.postMessage") if not c.failed and not c.args.get("thread_ts")
    ]


def per_channel(fake: FakeSlack) -> Counter[str]:
    return Counter(str(c.args["channel"]) for c in top_level_posts(fake))


def assert_no_doubled_thread_lines(fake: FakeSlack) -> None:
    replies = Counter(
        (c.args["channel"], c.args["thread_ts"], c.args.get("text"))
        for c in fake.calls_to("chat.postMessage")
        if not c.failed and c.args.get("thread_ts")
    )
    assert all(n == 1 for n in replies.values()), replies


def refs_in(call) -> set[str]:
    return set(re.findall(r"FB-\d+", block_text(call.args["blocks"])))


# --- the jobs ---------------------------------------------------------------------------------


def test_nudges_from_two_processes_reach_each_recipient_once(world: World) -> None:
    # What one process sends at Tue 13:30 (due 14:00, warned 60 minutes before): one message per
    # recipient with all their items; product items are due next week and wait.
    expected = {
        "C0BILLING": billing_refs(None),
        **{o: billing_refs(o) for o in sorted(owners()) if billing_refs(o)},
    }
    assert set(expected) == {"C0BILLING", "UBILL1", "UBILL2"}
    plan_lines = [
        f"nudge {'channel' if r.startswith('C') else 'DM'} {r}: {', '.join(refs)}"
        for r, refs in sorted(expected.items())
    ]

    ran = run_two_at_once(world, "nudges", ny(24, 13, 30), claim_table="item")

    for r in ran:  # both planned every message: the claims decided who sent it
        assert r.out.splitlines()[: len(plan_lines)] == plan_lines, r.out
        assert summary(r, "nudges")[2] == 0
    assert per_channel(world.fake) == Counter(dict.fromkeys(expected, 1))
    for call in top_level_posts(world.fake):
        assert refs_in(call) == set(expected[call.args["channel"]])
    assert_no_doubled_thread_lines(world.fake)

    stored = items(world.run.engine)
    with Session(world.run.engine) as s:
        nudged = Counter(
            e.item_id for e in s.exec(select(ItemEvent).where(ItemEvent.kind == "nudged")).all()
        )
    for item in stored[: len(BILLING)]:
        assert item.nudged_for_due_at == item.due_at and nudged[item.id] == 1
    assert all(i.nudged_for_due_at is None for i in stored[len(BILLING) :])


def test_tips_from_two_processes_post_once_per_channel(world: World) -> None:
    channels = list(CONFIG["tips"]["channels"])
    day = "2026-11-25"

    ran = run_two_at_once(world, "tips", ny(25, 9, 30), claim_table="tip_shown")

    for r in ran:
        for channel in channels:
            assert re.search(rf"^tip \S+ \(.*\) to {channel} for {day}$", r.out, re.M), r.out
        assert summary(r, "tips")[2] == 0
    assert per_channel(world.fake) == Counter(dict.fromkeys(channels, 1))
    titles = {block_text(c.args["blocks"]).split("*")[1] for c in top_level_posts(world.fake)}
    assert len(titles) == 1  # the same tip of the day in every channel
    with Session(world.run.engine) as s:
        shown = s.exec(select(TipShown).where(TipShown.day == day)).all()
    assert sorted(t.channel for t in shown) == sorted(channels)
    assert sum(summary(r, "tips")[1] for r in ran) == len(channels)


def digest_people(*, day_after_logging: bool) -> set[str]:
    """Who gets a digest, from the data this module created (not from the code under test)."""
    people = owners() | set(LEADS) | {OPTED_IN}
    if day_after_logging:  # items were taken on Tuesday by someone other than their reporter
        if any(o for _, o in BILLING):
            people.add(BILLING_REPORTER)
        if any(o for _, o in PRODUCT):
            people.add(PRODUCT_REPORTER)
    return people


def test_digest_from_two_processes_reaches_each_person_once(world: World) -> None:
    people = digest_people(day_after_logging=True)
    assert people == {
        "UBILL1",
        "UBILL2",
        "UPROD1",
        "UAGENT",
        "USUP1",
        "ULEADB",
        "ULEADP",
        "ULEADS",
        "UQUIET",
    }

    ran = run_two_at_once(world, "digest", ny(25, 8, 45), claim_table="outbox")

    for r in ran:
        planned = set(re.findall(r"^digest DM (\S+):", r.out, re.M))
        assert planned == people, r.out
        assert summary(r, "digest")[2] == 0
    assert per_channel(world.fake) == Counter(dict.fromkeys(people, 1))
    assert sum(summary(r, "digest")[1] for r in ran) == len(people)
    posts = {c.args["channel"]: block_text(c.args["blocks"]) for c in top_level_posts(world.fake)}
    for owner in owners():
        mine = {ref(n) for n, (_, o) in enumerate(BILLING + PRODUCT, 1) if o == owner}
        due_today = mine & set(billing_refs(owner))
        assert due_today <= set(re.findall(r"FB-\d+", posts[owner])), posts[owner]
    assert "<@UBILL1> took it" in posts[BILLING_REPORTER]
    assert "<@UPROD1> took it" in posts[PRODUCT_REPORTER]
    assert "FB-" not in posts[OPTED_IN]


def test_digest_and_tips_refuse_to_run_without_the_workspace_id(world: World) -> None:
    """No claim is ever made under an unknown workspace: the job stops, a later run sends once."""
    people = digest_people(day_after_logging=True)
    for job, at in (("digest", ny(25, 8, 45)), ("tips", ny(25, 9, 30))):
        world.fake.fail_next("auth.test", error="internal_error")
        failed = run_once(world, job, at)
        assert failed.code == 1, failed.out + failed.err
        assert "could not ask Slack which workspace this is" in failed.err
        assert "Traceback" not in failed.err
    assert per_channel(world.fake) == Counter()
    with Session(world.run.engine) as s:
        assert s.exec(select(Outbox).where(col(Outbox.key).like("digest:%"))).all() == []

    run_two_at_once(world, "digest", ny(25, 8, 45), claim_table="outbox")
    assert per_channel(world.fake) == Counter(dict.fromkeys(people, 1))


# --- a sender that died between claim and send ------------------------------------------------


def test_deliveries_after_a_crash_send_every_pending_message_once(world: World) -> None:
    thursday = "2026-11-26"
    people = digest_people(day_after_logging=False)

    # Thursday's digest runs while Slack is down: every row stays pending, to be retried. (An
    # error answer, not HTTP 500: slack_sdk retries a 5xx after a back-off sleep, seconds a row.)
    world.fake.fail_next("chat.postMessage", error="internal_error", times=100)
    first = run_once(world, "digest", ny(26, 8, 45))
    assert first.code == 0, first.err
    assert summary(first, "digest") == (len(people), 0, len(people))
    assert per_channel(world.fake) == Counter()
    world.fake.reset()

    engine = world.run.engine
    with Session(engine) as s:
        rows = s.exec(select(Outbox).where(col(Outbox.key).like(f"digest:%:{thursday}"))).all()
        assert {r.payload["channel"] for r in rows} == people
        assert all(r.status == "pending" and r.attempts == 1 for r in rows)
        # a process claimed this one at 08:45, then died before Slack heard of it
        crashed = next(r for r in rows if r.payload["channel"] == "ULEADB")
        crashed.status, crashed.lease_until = "sending", ny(26, 8, 46, 30)
        s.add(crashed)
        s.add(
            Outbox(
                key="test:claimed-then-died",
                kind="post",
                slack_team_id=TEAM_ID,
                payload={"channel": "C0CRASH", "text": "sent by nobody yet"},
                status="sending",
                attempts=1,
                next_attempt_at=ny(26, 8, 40),
                lease_until=ny(26, 8, 41, 30),
                created_at=ny(26, 8, 40),
            )
        )
        # a live sender still holds this lease at 08:50: nobody else may touch it
        s.add(
            Outbox(
                key="test:still-being-sent",
                kind="post",
                slack_team_id=TEAM_ID,
                payload={"channel": "C0LIVE", "text": "in flight"},
                status="sending",
                attempts=1,
                next_attempt_at=ny(26, 8, 49),
                lease_until=ny(26, 8, 51),
                created_at=ny(26, 8, 49),
            )
        )
        s.commit()

    expected = people | {"C0CRASH"}
    ran = run_two_at_once(world, "deliveries", ny(26, 8, 50), claim_table="outbox")

    assert per_channel(world.fake) == Counter(dict.fromkeys(expected, 1))
    assert sum(summary(r, "deliveries")[1] for r in ran) == len(expected)
    assert all(summary(r, "deliveries")[2] == 0 for r in ran)
    assert_no_doubled_thread_lines(world.fake)
    by_key = {r.key: r for r in outbox_rows(engine)}
    live = by_key.pop("test:still-being-sent")
    assert live.status == "sending" and live.attempts == 1
    assert all(r.status == "done" for r in by_key.values()), [
        (r.key, r.status) for r in by_key.values() if r.status != "done"
    ]
    assert by_key["test:claimed-then-died"].attempts == 2
