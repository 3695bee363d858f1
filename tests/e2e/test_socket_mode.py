"""`frontline run` with SLACK_APP_TOKEN: Socket Mode, the default the manifest sets up."""

from __future__ import annotations

from tests.support.bot_process import APP_TOKEN, socket_mode_env, start_bot, stop_bot


def test_socket_mode_serves_feedback_without_a_public_url(
    tmp_path, config_file, fake_slack, socket_mode
):
    env = socket_mode_env(
        tmp_path, config_file, fake_slack.url
    )  # no signing secret: Socket Mode needs none
    proc = start_bot(env)
    try:
        socket_mode.wait_connected(timeout=30)
        # once to check the app token at start, once for the connection itself
        opened = fake_slack.calls_to("apps.connections.open")
        assert len(opened) == 2 and all(call.token == APP_TOKEN for call in opened)
        ack = socket_mode.push(
            "slash_commands",
            {
                "token": "legacy",
                "team_id": "T0ACME",
                "team_domain": "acme",
                "channel_id": "C0AGENTS",
                "channel_name": "agents",
                "user_id": "UAGENT",
                "user_name": "agent",
                "command": "/feedback",
                "text": "Customer asks for refunds by bank transfer",
                "api_app_id": "A0FRONT",
                "response_url": fake_slack.response_url("sm1"),
                "trigger_id": "1334.sm.1",
            },
        )
        assert "FB-1" in ack["payload"]["text"] and "Billing" in ack["payload"]["text"]
        [card] = fake_slack.wait_for("chat.postMessage", timeout=10)
        assert card.args["channel"] == "C0BILLING"
        [follow_up] = fake_slack.wait_for("response_url", timeout=10)
        assert "https://acme.slack.com/archives/C0BILLING/p" in follow_up.args["text"]
    finally:
        stop_bot(proc)
    log = proc.stdout.read() if proc.stdout else ""
    assert "INFO frontline: Socket Mode: SLACK_APP_TOKEN is set" in log
    assert "slack command /feedback: ok (200)" in log  # one line per request in Socket Mode too
    assert "bank transfer" not in log
