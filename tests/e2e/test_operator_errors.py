"""What an operator sees when something is wrong: one line per problem naming what to fix, exit 2.

Each case runs the real `frontline` console script in a subprocess, as an admin would, against a
closed loopback port, a missing directory, a port already taken, the fake Slack or a real
PostgreSQL. No case may print a traceback.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from bot.core import ids
from bot.settings import Settings
from tests.support.bot_process import (
    APP_TOKEN,
    FRONTLINE,
    env_for,
    free_port,
    run_cli,
    stop_bot,
    wait_until_serving,
)
from tests.support.slack_requests import SlackSender
from tests.support.world import BOT_TOKEN, SIGNING_SECRET

SETTINGS_VARS = [name.upper() for name in Settings.model_fields]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def admin(monkeypatch, capsys):
    """`frontline …` in this process (fast), with exactly the environment given."""

    def run(args: list[str], env: dict[str, str]) -> Result:
        for name in SETTINGS_VARS:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            if name in SETTINGS_VARS:
                monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = main(args)
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return run


def closed_port() -> int:
    """A loopback port nothing listens on: connecting is refused at once."""
    return free_port()


def problems(result) -> list[str]:
    """The lines the CLI printed for the admin; nothing else may be on stderr."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("frontline: ") for line in lines), result.stderr
    return [line.removeprefix("frontline: ") for line in lines]


def one_problem(result, *expected: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    [line] = problems(result)
    for part in expected:
        assert part in line, line
    return line


def good_env(tmp_path: Path, config_file: Path, fake_slack, **extra: str) -> dict[str, str]:
    settings = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake_slack.url,
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
    }
    return env_for(tmp_path, config_file, **{**settings, **extra})


# --- Slack ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["run", "--no-scheduler"], ["jobs", "run", "nudges"]])
def test_slack_unreachable_names_slack_api_url(tmp_path, config_file, fake_slack, admin, command):
    url = f"http://127.0.0.1:{closed_port()}/api/"
    env = good_env(tmp_path, config_file, fake_slack, SLACK_API_URL=url)
    started = time.monotonic()
    result = run_cli(command, env) if command[0] == "run" else admin(command, env)
    line = one_problem(result, "Could not reach Slack", url, "SLACK_API_URL", "firewall")
    assert "Connection refused" in line
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("command", [["run", "--no-scheduler"], ["jobs", "run", "digest"]])
def test_rejected_bot_token_names_slack_bot_token(
    tmp_path, config_file, fake_slack, admin, command
):
    fake_slack.fail_next("auth.test", error="invalid_auth")
    result = admin(command, good_env(tmp_path, config_file, fake_slack))
    one_problem(result, "Slack refused SLACK_BOT_TOKEN (invalid_auth)", "OAuth & Permissions")
    assert not fake_slack.calls_to("chat.postMessage")


def test_rejected_app_token_names_slack_app_token_and_scope(
    tmp_path, config_file, fake_slack, admin
):
    # no Socket Mode server registered: the fake answers apps.connections.open with invalid_auth
    env = good_env(tmp_path, config_file, fake_slack, SLACK_APP_TOKEN=APP_TOKEN)
    result = admin(["run", "--no-scheduler"], env)
    one_problem(result, "Slack refused SLACK_APP_TOKEN (invalid_auth)", "connections:write")
    [opened] = fake_slack.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN


def test_slack_api_url_that_is_not_slack(tmp_path, config_file, fake_slack, admin):
    url = fake_slack.base + "/not-slack/"
    result = admin(["run"], good_env(tmp_path, config_file, fake_slack, SLACK_API_URL=url))
    one_problem(result, f"SLACK_API_URL {url} did not answer like Slack", "HTTP 404")


# --- environment variables -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "var,value,allowed",
    [
        ("PORT", "abc", "from 1 to 65535"),
        ("PORT", "0", "from 1 to 65535"),
        ("HTTP_THREADS", "many", "from 1 to 256"),
        ("HTTP_THREADS", "1000", "from 1 to 256"),
        ("SLACK_API_URL", "not a url", "http:// or https://"),
        ("SLACK_API_URL", "ftp://x", "http:// or https://"),
        ("LOG_FORMAT", "xml", "text or json"),
    ],
)
def test_bad_variable_is_named_with_what_is_allowed(
    tmp_path, config_file, fake_slack, admin, var, value, allowed
):
    env = good_env(tmp_path, config_file, fake_slack, **{var: value})
    for command in (["run"], ["db", "current"]):
        one_problem(admin(command, env), f"{var}={value!r} is not allowed", allowed)


def test_every_problem_is_reported_in_one_run(tmp_path, config_file, fake_slack):
    env = env_for(
        tmp_path,
        tmp_path,  # a directory, not the YAML file
        PORT="abc",
        HTTP_THREADS="0",
        SLACK_BOT_TOKEN="not-a-token",
        SLACK_SIGNING_SECRET="short",
        SLACK_APP_TOKEN="xoxb-wrong",
    )
    result = run_cli(["run"], env)
    assert result.returncode == 2
    lines = problems(result)
    assert len(lines) == 6, lines
    for part in ("PORT=", "HTTP_THREADS=", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        assert any(line.startswith(part) for line in lines), (part, lines)
    assert any(line.startswith("SLACK_APP_TOKEN must be an app-level token") for line in lines)
    assert any(line.startswith(f"{tmp_path}: is a directory") for line in lines)
    assert all("short" not in line and "not-a-token" not in line for line in lines), "secrets"


def test_config_that_is_a_directory(tmp_path, config_file, admin):
    result = admin(["config", "check"], env_for(tmp_path, tmp_path))
    one_problem(result, f"{tmp_path}: is a directory", "FRONTLINE_CONFIG")


def test_port_in_use_names_port(tmp_path, config_file, fake_slack, admin):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = good_env(tmp_path, config_file, fake_slack)
        env["PORT"] = str(port)
        one_problem(run_cli(["run", "--no-scheduler"], env), f"PORT {port}", "already in use")
        env.pop("PORT")
        result = admin(["run", "--no-scheduler", "--port", str(port)], env)
        one_problem(result, f"PORT {port}", "--port")


# --- the database ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url,expected",
    [
        ("garbage", "DATABASE_URL is not a database URL"),
        ("mysql://user:pw@localhost/frontline", "DATABASE_URL names 'mysql'"),
        ("postgresql+psycopg2://u:pw@localhost/x", "driver 'postgresql+psycopg2'"),
    ],
)
def test_database_url_that_cannot_work(tmp_path, config_file, admin, url, expected):
    env = env_for(tmp_path, config_file, DATABASE_URL=url)
    line = one_problem(admin(["db", "upgrade"], env), expected, "sqlite:///")
    assert "pw" not in line, "the password is never printed"


def test_sqlite_in_a_missing_directory(tmp_path, config_file, fake_slack, admin):
    missing = tmp_path / "no-such-dir"
    env = good_env(tmp_path, config_file, fake_slack, DATABASE_URL=f"sqlite:///{missing}/f.db")
    for command in (["db", "upgrade"], ["run"], ["outbox", "retry"]):
        one_problem(admin(command, env), "DATABASE_URL", str(missing), "does not exist")
    assert not missing.exists()


def test_postgres_that_does_not_answer(tmp_path, config_file, fake_slack, admin):
    url = f"postgres://frontline:secretpw@127.0.0.1:{closed_port()}/frontline"
    env = good_env(tmp_path, config_file, fake_slack, DATABASE_URL=url)
    for result in (run_cli(["db", "current"], env), admin(["jobs", "run", "nudges"], env)):
        line = one_problem(result, "DATABASE_URL", "PostgreSQL at 127.0.0.1", "did not answer")
        assert "secretpw" not in line


def _pg(postgres):
    if postgres is None:
        pytest.skip("no PostgreSQL server binaries (initdb/pg_ctl) on this machine; set PG_BIN")
    return postgres


@pytest.mark.parametrize("scheme", ["postgres://", "postgresql://"])
def test_postgres_urls_without_a_driver_are_accepted(
    tmp_path, config_file, postgres, admin, scheme
):
    server = _pg(postgres)
    name = f"fl_scheme_{scheme.strip(':/')}_{free_port()}"
    url = server.create_database(name).replace("postgresql+psycopg://", scheme)
    try:
        result = admin(["db", "upgrade"], env_for(tmp_path, config_file, DATABASE_URL=url))
        assert result.returncode == 0, result.stderr
        assert "database at 0" in result.stdout
    finally:
        server.drop_database(name)


def test_postgres_database_that_does_not_exist(tmp_path, config_file, postgres, admin):
    url = _pg(postgres).url("fl_never_created")
    result = admin(["db", "current"], env_for(tmp_path, config_file, DATABASE_URL=url))
    one_problem(result, "DATABASE_URL", "has no database 'fl_never_created'", "createdb")


def test_postgres_login_refused(tmp_path, config_file, postgres, admin):
    url = _pg(postgres).url("postgres").replace("postgres@", "nobody@", 1)
    result = admin(["db", "current"], env_for(tmp_path, config_file, DATABASE_URL=url))
    one_problem(result, "DATABASE_URL", "refused the login", "user name and password")


# --- version and logs ------------------------------------------------------------------------------
def test_version(tmp_path, config_file):
    result = run_cli(["--version"], env_for(tmp_path, config_file))
    assert result.returncode == 0
    assert result.stdout.strip().startswith("frontline ") and result.stdout.strip()[10:11].isdigit()


def test_db_commands_are_quiet(tmp_path, config_file):
    env = env_for(tmp_path, config_file)
    up = run_cli(["db", "upgrade"], env)
    assert up.returncode == 0
    again = run_cli(["db", "current"], env)
    for result in (up, again):
        assert "Context impl" not in result.stderr and "Will assume" not in result.stderr
    assert again.stderr == ""


def test_json_logs_one_line_per_request_without_customer_text(tmp_path, config_file, fake_slack):
    env = good_env(tmp_path, config_file, fake_slack)
    port = int(env["PORT"])
    proc = subprocess.Popen(  # with the scheduler: its start-up chatter must stay out of the log
        [FRONTLINE, "--log-format", "json", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert wait_until_serving(proc, port)[0] == 200
        sender = SlackSender(
            f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake_slack.base + "/response/"
        )
        assert sender.command("Customer zebrafinch wants CSV #billing").status == 200
        forged = sender.command("Customer okapi told us their card number", secret="x" * 32)
        assert forged.status == 401
        assert sender.block_action(ids.ACTION_TAKE, "FB-1", user="UBILL1").status == 200
    finally:
        stop_bot(proc)
    out = proc.stdout.read() if proc.stdout else ""
    records = [json.loads(line) for line in out.splitlines()]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    modes = [r for r in records if r["message"].startswith("HTTP mode: SLACK_APP_TOKEN is not set")]
    assert len(modes) == 1 and modes[0]["level"] == "INFO"
    requests = [r for r in records if r["logger"] == "frontline.requests"]
    summary = [(r["kind"], r["action"], r["item"], r["outcome"], r["status"]) for r in requests]
    assert summary == [
        ("command", "/feedback", "", "ok", 200),
        ("command", "/feedback", "", "refused", 401),
        ("action", ids.ACTION_TAKE, "FB-1", "ok", 200),
    ]
    assert all(isinstance(r["ms"], float | int) and r["ms"] >= 0 for r in requests)
    for secret_or_text in ("zebrafinch", "okapi", BOT_TOKEN, SIGNING_SECRET):
        assert secret_or_text not in out
    for chatter in ("Adding job tentatively", "Context impl", "Will assume"):
        assert chatter not in out


def test_refused_signature_body_is_not_logged(running, caplog):
    caplog.set_level(logging.INFO)
    reply = running.slack.command("Customer quokka shared a private address", secret="y" * 32)
    assert reply.status == 401
    assert "quokka" not in caplog.text
    [line] = [r for r in caplog.records if r.name == "frontline.requests"]
    assert line.fields["outcome"] == "refused" and line.fields["status"] == 401
    assert "refused (401)" in line.getMessage()


def test_request_lines_name_the_view_and_item_but_not_the_note(running, caplog):
    caplog.set_level(logging.INFO)
    assert running.slack.command("Customer wants invoices as CSV #billing").status == 200
    note = {"type": "plain_text_input", "value": "Told them about the capybara workaround"}
    reply = running.slack.view_submission(
        ids.VIEW_CUSTOMER_UPDATE,
        {"note": {"note": note}},
        user="UBILL1",
        private_metadata=json.dumps({"item": 1}),
    )
    assert reply.status == 200
    lines = [r for r in caplog.records if r.name == "frontline.requests"]
    assert [(r.fields["kind"], r.fields["action"], r.fields["item"]) for r in lines] == [
        ("command", "/feedback", ""),
        ("view", ids.VIEW_CUSTOMER_UPDATE, "FB-1"),
    ]
    assert f"slack view {ids.VIEW_CUSTOMER_UPDATE} FB-1: ok (200) in " in lines[1].getMessage()
    assert "capybara" not in caplog.text and "invoices" not in caplog.text
