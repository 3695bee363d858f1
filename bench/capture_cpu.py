"""Where the CPU of one `/feedback` goes: thread CPU time per step of the capture path.

ack_latency.py measures the whole bot from outside; this says which step costs what, so work
on the lean path goes where the time is. It runs in one process: the real app (`create_app`,
as `frontline run` builds it) against a FakeSlack on loopback and a throwaway SQLite file (or
--database URL), and dispatches N correctly signed `/feedback` requests to Bolt one at a time,
waiting for each one's after-ack work (card, follow-up) before the next: no contention, so the
figures are each step's own cost (under 20 concurrent requests the bot spends ~20% more).

Each step is timed by wrapping the function with `time.thread_time()` (the CPU of the thread
that runs it, including the C code that releases the GIL, such as SQLite's, which py-spy's
`--gil` mode misses). Steps nest: "card post" is part of "delivery", which is part of
"after the ack". The process line also holds the FakeSlack's own work.

    uv run python bench/capture_cpu.py [-n 1000] [--database URL] [--json]
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import logging
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.ack_latency import TEXTS  # noqa: E402
from tests.support import world  # noqa: E402
from tests.support.app import start_app  # noqa: E402
from tests.support.fake_slack import FakeSlack  # noqa: E402
from tests.support.slack_requests import sign  # noqa: E402

# (label, module, attribute path): the steps, outermost first within each group.
STEPS: tuple[tuple[str, str, str], ...] = (
    ("Bolt dispatch (request thread)", "slack_bolt.app.app", "App.dispatch"),
    ("ack: /feedback listener", "bot.services.capture", "CaptureService.capture_command"),
    ("  store (one transaction)", "bot.capture.intake", "store"),
    ("    retry lookup (client key)", "storage.items", "get_item_by_client_key"),
    ("    routing", "bot.capture.intake", "route_draft"),
    ("    insert item", "storage.items", "insert_item"),
    ("    insert report", "storage.reports", "add_report"),
    ("    insert event", "storage.events", "add_event"),
    ("    queue card", "storage.outbox", "queue"),
    ("after the ack", "bot.services.capture", "CaptureService.tell_where_it_went"),
    ("  delivery (claim, card, record)", "bot.slack.delivery.sender", "Delivery.send"),
    ("    claim", "storage.outbox", "claim"),
    ("    read item", "bot.slack.delivery.cards", "read_item"),
    ("    read quotes", "bot.slack.delivery.cards", "CardSenders.context"),
    ("    card blocks", "bot.slack.views.card", "card_blocks"),
    ("    card post (chat.postMessage)", "bot.slack.delivery.cards", "post_once"),
    ("    record card", "storage.items", "record_card"),
    ("    mark sent", "storage.outbox", "finish"),
    ("  similar open items", "bot.services.capture", "CaptureService.suggestions"),
    ("  follow-up blocks", "bot.slack.views.merge", "suggestion_blocks"),
    ("follow-up (response_url)", "slack_bolt.context.respond.respond", "Respond.__call__"),
)


class Steps:
    """Thread CPU per step, summed over the run."""

    def __init__(self) -> None:
        self.cpu: collections.defaultdict[str, float] = collections.defaultdict(float)
        self.calls: collections.Counter[str] = collections.Counter()
        self.on = False

    def wrap(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                if self.on:
                    self.cpu[label] += time.thread_time() - started
                    self.calls[label] += 1

        return timed

    def install(self) -> None:
        """Wrap every step where it is looked up: its module and the modules that imported it
        by name (a function imported with `from m import f` is called through the importer)."""
        import importlib

        for label, module_name, path in STEPS:
            module = importlib.import_module(module_name)
            owner_name, _, attr = path.rpartition(".")
            owner: Any = getattr(module, owner_name) if owner_name else module
            original = getattr(owner, attr)
            timed = self.wrap(label, original)
            setattr(owner, attr, timed)
            if owner_name:
                continue
            for other in list(sys.modules.values()):
                if getattr(other, attr, None) is original and other is not module:
                    setattr(other, attr, timed)


def command(fake: FakeSlack, i: int) -> Any:
    from slack_bolt.request import BoltRequest

    body = urlencode(
        {
            "token": "unused",
            "team_id": "T0ACME",
            "team_domain": "acme",
            "channel_id": "C0GENERAL",
            "channel_name": "general",
            "user_id": "UAGENT",
            "user_name": "agent",
            "command": "/feedback",
            "text": f"{TEXTS[i % len(TEXTS)][0]} ({i})",
            "api_app_id": "A0FRONTLINE",
            "is_enterprise_install": "false",
            "response_url": fake.response_url(str(i)),
            "trigger_id": f"13345224609.738474920.{i}",
        }
    )
    ts = str(int(time.time()))
    return BoltRequest(
        body=body,
        headers={
            "content-type": ["application/x-www-form-urlencoded"],
            "x-slack-request-timestamp": [ts],
            "x-slack-signature": [sign(world.SIGNING_SECRET, ts, body.encode())],
        },
    )


def run(n: int, database: str | None) -> dict[str, Any]:
    import resource

    logging.disable(logging.WARNING)  # one line per request would be measured too
    steps = Steps()
    steps.install()
    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory(prefix="frontline-capture-cpu-") as tmp:
        config = Path(tmp) / "frontline.yml"
        config.write_text(yaml.safe_dump(world.CONFIG))
        running = start_app(database or f"sqlite:///{tmp}/frontline.db", config, fake)
        try:
            bolt = running.app.bolt
            for i in range(20):  # warm-up: imports, caches, the workspace URL
                bolt.dispatch(command(fake, i))
            running.settle(10)
            requests = [command(fake, i) for i in range(1000, 1000 + n)]
            steps.on = True
            before = resource.getrusage(resource.RUSAGE_SELF)
            for request in requests:
                response = bolt.dispatch(request)
                if response.status != 200 or "FB-" not in response.body:
                    raise SystemExit(f"capture_cpu: the ack was {response.status} {response.body}")
                running.settle(10)
            after = resource.getrusage(resource.RUSAGE_SELF)
            steps.on = False
        finally:
            running.stop()
            fake.stop()
    process = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "n": n,
        "database": "postgresql" if database and database.startswith("postgresql") else "sqlite",
        "process_ms_per_request": round(process * 1000 / n, 3),
        "steps": [
            {
                "step": label,
                "ms_per_request": round(steps.cpu[label] * 1000 / n, 3),
                "calls_per_request": round(steps.calls[label] / n, 2),
            }
            for label, _, _ in STEPS
        ],
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=1000, help="measured requests (default 1000)")
    p.add_argument("--database", help="a database URL (default: a throwaway SQLite file)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args()
    result = run(args.n, args.database)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"capture CPU, n={result['n']}, {result['database']}, one request at a time")
    print(f"process (bot + fake Slack): {result['process_ms_per_request']:.2f} ms per request")
    for step in result["steps"]:
        print(
            f"{step['ms_per_request']:8.3f} ms  {step['calls_per_request']:5.2f}x  {step['step']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
