"""Shared fixtures: a fake Slack Web API, SQLite and a real PostgreSQL, the app over HTTP."""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.fake_slack import FakeSlack
from tests.support.postgres import PostgresServer, find_pg_bin

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-1234-5678-testtoken"

CONFIG: dict[str, Any] = {
    "timezone": "America/New_York",
    "triage_team": "support-ops",
    "business_hours": {
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "end": "17:00",
    },
    "holidays": ["2026-12-25"],
    "nudges": {"every_minutes": 5, "warn_before_minutes": 60},
    "digest": {"time": "08:45"},
    "tips": {
        "channels": ["C0TIPS", "C0FLOOR"],
        "time": "09:30",
        "extra": [
            {
                "id": "acme-1",
                "title": "Our own tip",
                "theme": "teamwork",
                "body": "Ask the person next to you how they would have handled your last call.",
            }
        ],
    },
    "teams": [
        {
            "key": "billing",
            "name": "Billing",
            "channel": "C0BILLING",
            "leads": ["ULEADB"],
            "keywords": ["invoice", "refund", "charge", "payment", "billing", "receipt"],
            "inform_within_hours": {"normal": 24, "high": 4},
        },
        {
            "key": "product",
            "name": "Product",
            "channel": "C0PRODUCT",
            "leads": ["ULEADP"],
            "keywords": ["feature", "export", "dashboard", "report", "integration"],
            "inform_within_hours": 40,
        },
        {
            "key": "support-ops",
            "name": "Support Ops",
            "channel": "C0SUPPORT",
            "leads": ["ULEADS"],
            "keywords": ["macro", "policy", "process"],
            "inform_within_hours": 8,
        },
    ],
}

MEMBERS = {
    "C0BILLING": ["UBILL1", "UBILL2", "UAGENT"],
    "C0PRODUCT": ["UPROD1"],
    "C0SUPPORT": ["USUP1", "UAGENT"],
}

_names = itertools.count(1)

# Tuesday 2026-11-24 10:00 in New York: inside business hours, so the customer's clock runs.
START = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


class Clock:
    """The app's notion of now, moved by tests (Slack request signatures still use real time)."""

    def __init__(self, at: datetime = START) -> None:
        self.at = at
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self.at

    def set(self, at: datetime) -> None:
        with self._lock:
            self.at = at

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self.at += delta
            return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack) -> FakeSlack:
    fake_slack_server.reset()
    fake_slack_server.channel_members.clear()
    fake_slack_server.channel_members.update({k: list(v) for k, v in MEMBERS.items()})
    return fake_slack_server


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        yield None
        return
    server = PostgresServer(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'frontline.db'}"
        return
    server = request.getfixturevalue("postgres")
    if server is None:
        pytest.skip("no PostgreSQL server binaries (initdb/pg_ctl) on this machine; set PG_BIN")
    name = f"fl_{os.getpid()}_{next(_names)}"
    url = server.create_database(name)
    yield url
    server.drop_database(name)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "frontline.yml"
    path.write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
    return path


class Running:
    """The real app served over HTTP by waitress, as `frontline run` serves it."""

    def __init__(self, app: Any, server: Any, thread: threading.Thread, sender: Any) -> None:
        self.app = app
        self.server = server
        self.thread = thread
        self.slack = sender
        self.frontline = app.frontline
        self.engine = app.engine

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.effective_port}"


def start_app(database_url: str, config_file: Path, fake: FakeSlack, **create_kw: Any) -> Running:
    from bot.app import create_app
    from bot.config import load_config
    from bot.server import make_server
    from bot.settings import Settings
    from storage.migrate import upgrade
    from tests.support.slack_requests import SlackSender

    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.url,
        database_url=database_url,
        frontline_config=config_file,
    )
    upgrade(database_url)
    app = create_app(settings, load_config(config_file), **create_kw)
    server = make_server(app.bolt, app.engine, "127.0.0.1", 0, threads=8)

    def serve() -> None:
        # closing the listening socket from the test thread ends the loop with EBADF
        with contextlib.suppress(OSError):
            server.run()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    sender = SlackSender(
        f"http://127.0.0.1:{server.effective_port}/slack/events",
        SIGNING_SECRET,
        fake.base + "/response/",
    )
    return Running(app, server, thread, sender)


@pytest.fixture
def running(
    database_url: str, config_file: Path, fake_slack: FakeSlack, clock: Clock
) -> Iterator[Running]:
    run = start_app(database_url, config_file, fake_slack, now=clock.now)
    yield run
    run.server.close()
    run.thread.join(timeout=5)
    run.frontline.close()  # let after-ack work finish before the fake Slack goes away
    run.engine.dispose()


@pytest.fixture
def cli(
    database_url: str,
    config_file: Path,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Any:
    """`frontline …` in this process, with the environment an admin would set."""
    from bot.cli import main

    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("FRONTLINE_CONFIG", str(config_file))
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)

    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(list(args))
        return code, capsys.readouterr().out

    return run
