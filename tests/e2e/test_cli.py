"""`frontline` as an admin runs it: clear refusals, HTTP mode serving Slack, database commands."""

from __future__ import annotations

import pytest

from tests.support.bot_process import (
    env_for,
    free_port,
    run_cli,
    start_bot,
    stop_bot,
    wait_until_serving,
)
from tests.support.slack_requests import SlackSender
from tests.support.world import BOT_TOKEN, SIGNING_SECRET


@pytest.mark.parametrize(
    "tokens,expected",
    [
        ({"SLACK_SIGNING_SECRET": SIGNING_SECRET}, "SLACK_BOT_TOKEN is not set"),
        (
            {"SLACK_BOT_TOKEN": "not-a-token", "SLACK_SIGNING_SECRET": SIGNING_SECRET},
            "SLACK_BOT_TOKEN must be a bot token starting with xoxb-",
        ),
        ({"SLACK_BOT_TOKEN": BOT_TOKEN}, "SLACK_SIGNING_SECRET is not set"),
        (
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": "xoxb-wrong"},
            "SLACK_APP_TOKEN must be an app-level token",
        ),
    ],
)
def test_run_without_good_tokens_exits_2_with_one_line(tmp_path, config_file, tokens, expected):
    result = run_cli(["run"], env_for(tmp_path, config_file, **tokens))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "value,expected",
    [
        ("'#billing'", "must be a Slack channel id"),
        ("#billing", "is empty (an unquoted # starts a YAML comment"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, config_file, value, expected):
    config_file.write_text(config_file.read_text().replace("C0BILLING", value))
    env = env_for(
        tmp_path, config_file, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET
    )
    result = run_cli(["config", "check"], env)
    assert result.returncode == 2
    assert f"{config_file}: teams[0] (billing).channel: {expected}" in result.stderr
    assert "Traceback" not in result.stderr
    assert run_cli(["run"], env).returncode == 2


def test_db_upgrade_and_current(tmp_path, config_file):
    env = env_for(tmp_path, config_file)
    assert "empty" in run_cli(["db", "current"], env).stdout
    from alembic.script import ScriptDirectory

    from storage.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    up = run_cli(["db", "upgrade"], env)
    assert up.returncode == 0 and f"database at {head}" in up.stdout
    assert run_cli(["db", "current"], env).stdout.strip() == head


def test_run_serves_slack_events_and_healthz_over_http(tmp_path, config_file, fake_slack):
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
    proc = start_bot(env)
    try:
        assert wait_until_serving(proc, port) == (200, b'{"status": "ok"}')
        sender = SlackSender(
            f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, fake_slack.base + "/response/"
        )
        reply = sender.command("Customer wants invoices as CSV #billing")
        assert reply.status == 200 and "FB-1" in reply.json()["text"]
        fake_slack.wait_for("chat.postMessage")
        assert sender.command("help", secret="x" * 32).status == 401
        assert fake_slack.calls_to("auth.test"), "the bot token is checked against Slack at start"
    finally:
        code = stop_bot(proc)
    assert code == 0
