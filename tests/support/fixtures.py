"""Shared fixtures, loaded as a pytest plugin by tests/conftest.py.

A fake Slack Web API, SQLite and a real PostgreSQL, the app over HTTP, and `frontline …` in
this process.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core.config import parse_config
from bot.slack.delivery import Delivery
from tests.support.app import Running, start_app
from tests.support.fake_gateway import FakeGateway
from tests.support.fake_slack import FakeSlack
from tests.support.fake_socket_mode import FakeSocketMode
from tests.support.memory_db import memory_engine
from tests.support.postgres import PostgresServer, find_pg_bin
from tests.support.world import BOT_TOKEN, CONFIG, MEMBERS, SIGNING_SECRET, Clock

_names = itertools.count(1)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine() -> Iterator[Engine]:
    """A fresh in-memory SQLite with every table (tests/support/memory_db.py)."""
    memory = memory_engine()
    yield memory
    memory.dispose()


@pytest.fixture
def memory_session(engine: Engine) -> Iterator[Session]:
    """A session on that in-memory database, for repository unit tests."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def slack(clock: Clock) -> FakeGateway:
    """The fake Slack gateway the domain's unit tier talks to, with the test channels' members."""
    return FakeGateway(clock.now, members=MEMBERS)


@pytest.fixture
def delivery(engine: Engine, slack: FakeGateway, clock: Clock) -> Delivery:
    """The real outbox sender, on the in-memory database and the fake gateway."""
    return Delivery(engine, slack, parse_config(CONFIG, "test.yml"), clock.now)


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack) -> FakeSlack:
    fake_slack_server.reset()
    fake_slack_server.users.clear()  # a time zone one test gave someone must not leak into the next
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


@pytest.fixture
def running(
    database_url: str, config_file: Path, fake_slack: FakeSlack, clock: Clock
) -> Iterator[Running]:
    run = start_app(database_url, config_file, fake_slack, now=clock.now)
    yield run
    run.stop()


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


@pytest.fixture
def socket_mode(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    """A fake Socket Mode server the fake Slack's apps.connections.open points at."""
    server = FakeSocketMode().start()
    fake_slack.socket_mode_url = server.url
    yield server
    fake_slack.socket_mode_url = None
    server.stop()
