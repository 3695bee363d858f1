"""A reaction storm across two real bot processes sharing PostgreSQL: one item, 20 answers.

Twenty people add :memo: to the same message within a second; Slack delivers each event to
one of two `frontline run` processes (HTTP mode) behind a load balancer, both on one
PostgreSQL. The message is logged once, its card posted once, and every reactor is told
privately: one "logged as FB-1", nineteen "already FB-1".
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from storage.db import make_engine
from tests.support.bot_process import env_for, free_port, start_bot, stop_bot, wait_until_serving
from tests.support.fake_slack import FakeSlack, wall_clock
from tests.support.helpers import eventually, items
from tests.support.slack_requests import SlackSender, reaction_event
from tests.support.world import BOT_TOKEN, SIGNING_SECRET

REACTORS = 20
MESSAGE = "Customer can't find where to download last year's invoices"


def test_twenty_reactors_on_two_bot_processes_make_one_item(
    database_url: str, tmp_path: Path, config_file: Path, fake_slack: FakeSlack
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two processes share PostgreSQL; SQLite stays one process (README, Database)")
    fake_slack.clock = wall_clock  # the bots run on the system clock
    ports = [free_port(), free_port()]
    bots = [
        start_bot(
            env_for(
                tmp_path,
                config_file,
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                SLACK_API_URL=fake_slack.url,
                DATABASE_URL=database_url,
                PORT=str(port),
                HOST="127.0.0.1",
            )
        )
        for port in ports
    ]
    try:
        for bot, port in zip(bots, ports, strict=True):
            assert wait_until_serving(bot, port)[0] == 200
        senders = [
            SlackSender(
                f"http://127.0.0.1:{port}/slack/events",
                SIGNING_SECRET,
                fake_slack.base + "/response/",
            )
            for port in ports
        ]
        ts = fake_slack.seed_message("C0AGENTS", MESSAGE)
        people = [f"US{n:02d}" for n in range(REACTORS)]
        start = threading.Barrier(REACTORS)
        statuses: list[int] = []

        def react(n: int, user: str) -> None:
            start.wait()  # all twenty at once
            reply = senders[n % 2].event(reaction_event("C0AGENTS", ts, user=user))
            statuses.append(reply.status)

        threads = [threading.Thread(target=react, args=(n, u)) for n, u in enumerate(people)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses == [200] * REACTORS

        def answers() -> list[dict[str, str]]:
            return [
                c.args
                for c in fake_slack.calls_to("chat.postEphemeral")
                if not c.failed and c.args.get("channel") == "C0AGENTS"
            ]

        eventually(lambda: len(answers()) >= REACTORS, timeout=20)
        assert sorted(a["user"] for a in answers()) == sorted(people)  # each told once
        engine = make_engine(database_url)
        try:
            [item] = items(engine)
        finally:
            engine.dispose()
        ref = f"FB-{item.id}"  # racing inserts may use up sequence numbers on PostgreSQL
        logged = [a for a in answers() if "already" not in a["text"]]
        assert len(logged) == 1 and ref in logged[0]["text"]
        assert all(ref in a["text"] for a in answers())
        cards = [
            c
            for c in fake_slack.calls_to("chat.postMessage")
            if not c.failed and c.args.get("channel") == "C0BILLING"
        ]
        assert len(cards) == 1
    finally:
        codes = [stop_bot(bot) for bot in bots]
    assert codes == [0, 0]
