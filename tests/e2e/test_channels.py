"""Channels that belong to a team or a customer (`channels:` in frontline.yml), end to end.

A capture made in a mapped channel goes to the channel's team unless the agent names another,
says so, and files the channel's customer unless the agent gives one. `frontline config check`
and `frontline run` refuse a bad `channels:` section with a line naming the entry.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, select

from bot.cli import main
from bot.settings import Settings
from storage.models import Report
from tests.support.bot_process import env_for, run_cli, socket_mode_env, start_bot, stop_bot
from tests.support.helpers import block_text, events, eventually, items
from tests.support.slack_requests import option_value, text_value
from tests.support.world import BOT_TOKEN, CONFIG, SIGNING_SECRET

ACME = "C0ACMESHARE"  # shared with Acme Corp, belongs to Billing
GLOBEX = "C0GLOBEXSHR"  # shared with Globex, no team: routed by the words
ASKS = "C0PRODASKS"  # Product's request channel, no customer

CHANNELS = [
    {"channel": ACME, "team": "billing", "customer": "Acme Corp"},
    {"channel": GLOBEX, "customer": "Globex"},
    {"channel": ASKS, "team": "product"},
]
ACME_REASON = f"Logged in <#{ACME}>, which belongs to Billing."


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "frontline.yml"
    path.write_text(yaml.safe_dump({**CONFIG, "channels": CHANNELS}), encoding="utf-8")
    return path


def reports_of(engine, item_id: int) -> list[Report]:
    with Session(engine) as s:
        return list(s.exec(select(Report).where(Report.item_id == item_id)).all())


def form_values(summary: str, customer: str, team: str | None) -> dict:
    return {
        "fb_summary": {"summary": text_value(summary)},
        "fb_details": {"details": text_value("")},
        "fb_customer": {"customer": text_value(customer)},
        "fb_kind": {"kind": option_value("problem")},
        "fb_urgency": {"urgency": option_value("normal", "radio_buttons")},
        "fb_team": {"team": option_value(team)},
    }


def opened_form(fake_slack) -> dict:
    [opened] = fake_slack.wait_for("views.open")
    return opened.args["view"]


def field(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]


def card_in(fake_slack, channel: str) -> str:
    posts = eventually(
        lambda: [
            c
            for c in fake_slack.calls_to("chat.postMessage")
            if c.args["channel"] == channel and not c.args.get("thread_ts")
        ]
    )
    return block_text(posts[0].args["blocks"])


# --- /feedback <text> -------------------------------------------------------------------------
def test_command_in_a_mapped_channel_goes_to_its_team_with_its_customer(running, fake_slack):
    ack = running.slack.command("The hold music is too loud", channel=ACME).json()
    assert "FB-1" in ack["text"] and "Billing" in ack["text"]
    assert ACME_REASON in ack["text"]

    [item] = items(running.engine)
    assert (item.team_key, item.customer) == ("billing", "Acme Corp")
    assert [r.customer for r in reports_of(running.engine, 1)] == ["Acme Corp"]
    [created] = events(running.engine, 1)
    assert created.data["how"] == "channel" and created.data["team"] == "billing"

    card = card_in(fake_slack, "C0BILLING")  # the card shows the channel as a mention
    assert ACME_REASON in card and "Acme Corp" in card
    [reply] = fake_slack.wait_for("response_url")
    assert ACME_REASON in reply.args["text"]


def test_a_tag_or_a_team_channel_mention_wins_over_the_channel(running, fake_slack):
    tagged = running.slack.command("Dashboard export is slow #product", channel=ACME).json()
    assert "Product" in tagged["text"] and "You tagged it `#product`" in tagged["text"]
    running.slack.command("Macro for refunds is outdated <#C0SUPPORT|support>", channel=ACME)
    first, second = items(running.engine)
    assert (first.team_key, first.customer) == ("product", "Acme Corp")
    assert (second.team_key, second.customer) == ("support-ops", "Acme Corp")
    assert events(running.engine, 1)[0].data["how"] == "explicit"


def test_an_unknown_tag_in_a_mapped_channel_stays_with_the_channels_team(running, fake_slack):
    ack = running.slack.command("Dashboard export to PDF please #nosuchteam", channel=ACME).json()
    assert "#nosuchteam" in ack["text"] and ACME_REASON in ack["text"]
    assert "routed by the words" not in ack["text"]
    assert items(running.engine)[0].team_key == "billing"


def test_a_customer_only_channel_routes_by_words_and_files_its_customer(running, fake_slack):
    running.slack.command("Asked twice for a refnd on the annual plan", channel=GLOBEX)
    running.slack.command("The hold music is too loud", channel=ASKS)
    running.slack.command("The hold music is too loud")  # a channel nobody mapped
    refund, asks, elsewhere = items(running.engine)
    assert (refund.team_key, refund.customer) == ("billing", "Globex")
    assert "refund" in refund.routing_reason
    assert (asks.team_key, asks.customer) == ("product", "")
    assert asks.routing_reason == f"Logged in <#{ASKS}>, which belongs to Product."
    assert (elsewhere.team_key, elsewhere.customer) == ("support-ops", "")


# --- the message shortcut and the capture form -------------------------------------------------
def test_shortcut_in_a_mapped_channel_prefills_customer_and_team(running, fake_slack):
    running.slack.message_action("Our invoices show the wrong address", channel=ACME)
    view = opened_form(fake_slack)
    assert field(view, "fb_customer")["initial_value"] == "Acme Corp"
    assert field(view, "fb_team")["initial_option"]["value"] == "billing"
    meta = view["private_metadata"]
    assert json.loads(meta)["channel"] == ACME

    # kept as filled in: the channel's team, and the reason names the channel (not a pick)
    resp = running.slack.view_submission(
        "feedback_capture",
        form_values("Our invoices show the wrong address", "Acme Corp", "billing"),
        private_metadata=meta,
    )
    assert resp.status == 200 and ACME_REASON in block_text(resp.json()["view"]["blocks"])
    item = eventually(lambda: (i := items(running.engine)[0]).source_permalink and i)
    assert (item.team_key, item.customer, item.routing_reason) == (
        "billing",
        "Acme Corp",
        ACME_REASON,
    )
    assert ACME in item.source_permalink
    assert events(running.engine, 1)[0].data["how"] == "channel"


def test_the_agent_changes_the_prefilled_customer_and_team(running, fake_slack):
    running.slack.message_action("Export to PDF cuts the last column", channel=ACME)
    meta = opened_form(fake_slack)["private_metadata"]
    resp = running.slack.view_submission(
        "feedback_capture",
        form_values("Export to PDF cuts the last column", "Initech", "product"),
        private_metadata=meta,
    )
    assert "You picked Product" in block_text(resp.json()["view"]["blocks"])
    [item] = items(running.engine)
    assert (item.team_key, item.customer) == ("product", "Initech")
    assert [r.customer for r in reports_of(running.engine, 1)] == ["Initech"]
    assert events(running.engine, 1)[0].data["how"] == "explicit"


def test_the_agent_may_clear_the_prefilled_customer(running, fake_slack):
    running.slack.message_action("A reseller asks for bulk invoices", channel=ACME)
    meta = opened_form(fake_slack)["private_metadata"]
    resp = running.slack.view_submission(
        "feedback_capture",
        form_values("A reseller asks for bulk invoices", "", "billing"),
        private_metadata=meta,
    )
    assert resp.status == 200
    [item] = items(running.engine)
    assert (item.team_key, item.customer) == ("billing", "")  # not Acme Corp again
    assert [r.customer for r in reports_of(running.engine, 1)] == [""]


def test_blank_command_form_in_a_customer_channel_prefills_the_customer(running, fake_slack):
    running.slack.command("", channel=GLOBEX)
    view = opened_form(fake_slack)
    assert field(view, "fb_customer")["initial_value"] == "Globex"
    assert "initial_option" not in field(view, "fb_team")  # the channel names no team
    resp = running.slack.view_submission(
        "feedback_capture",
        form_values("Wants a refund for the outage", "Globex", None),
        private_metadata=view["private_metadata"],
    )
    assert resp.status == 200
    [item] = items(running.engine)
    assert (item.team_key, item.customer) == ("billing", "Globex")

    # elsewhere the form is as before: nothing filled in
    running.slack.command("")
    plain = eventually(lambda: fake_slack.calls_to("views.open")[1:])[0].args["view"]
    assert "initial_value" not in field(plain, "fb_customer")
    assert "initial_option" not in field(plain, "fb_team")


# --- Socket Mode -------------------------------------------------------------------------------
def test_socket_mode_routes_by_the_channel_too(tmp_path, config_file, fake_slack, socket_mode):
    env = socket_mode_env(tmp_path, config_file, fake_slack.url)
    proc = start_bot(env)
    try:
        socket_mode.wait_connected(timeout=30)
        ack = socket_mode.push(
            "slash_commands",
            {
                "token": "legacy",
                "team_id": "T0ACME",
                "team_domain": "acme",
                "channel_id": ACME,
                "channel_name": "acme-shared",
                "user_id": "UAGENT",
                "user_name": "agent",
                "command": "/feedback",
                "text": "The hold music is too loud",
                "api_app_id": "A0FRONT",
                "response_url": fake_slack.response_url("smc1"),
                "trigger_id": "1334.smc.1",
            },
        )
        assert ACME_REASON in ack["payload"]["text"]
        [card] = fake_slack.wait_for("chat.postMessage", timeout=10)
        assert card.args["channel"] == "C0BILLING"
        assert "Acme Corp" in block_text(card.args["blocks"])
    finally:
        stop_bot(proc)


# --- frontline config check / frontline run ---------------------------------------------------
@pytest.mark.parametrize(
    "entries,expected",
    [
        (
            [{"channel": ACME, "team": "billing"}, {"channel": ACME, "customer": "Acme"}],
            f"channels[1] ({ACME}).channel: {ACME} is already listed as channels[0]",
        ),
        (
            [{"channel": ACME, "team": "legal", "customer": "Acme"}],
            f"channels[0] ({ACME}).team: 'legal' is not one of the teams "
            "(billing, product, support-ops)",
        ),
        (
            [{"channel": "#acme-shared", "team": "billing"}],
            "channels[0] (#acme-shared).channel: '#acme-shared' is not a Slack channel id",
        ),
        ([{"channel": ACME}], f"channels[0] ({ACME}): names neither a team nor a customer"),
    ],
    ids=["duplicate", "unknown-team", "not-a-channel-id", "names-nothing"],
)
def test_config_check_and_run_refuse_a_bad_channels_entry(
    tmp_path, monkeypatch, capsys, entries, expected
):
    """`frontline …` in this process (fast), with the environment an admin would set."""
    path = tmp_path / "frontline.yml"
    path.write_text(yaml.safe_dump({**CONFIG, "channels": entries}), encoding="utf-8")
    env = env_for(tmp_path, path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
        if name.upper() in env:
            monkeypatch.setenv(name.upper(), env[name.upper()])
    for command in (["config", "check"], ["run"]):  # the bot does not start on it either
        capsys.readouterr()
        assert main(command) == 2
        [line] = capsys.readouterr().err.strip().splitlines()  # one line, no traceback
        assert line.startswith(f"frontline: {path}: {expected}"), line


def test_a_mapped_channel_whose_team_was_removed_stops_the_bot(tmp_path):
    data = copy.deepcopy({**CONFIG, "channels": CHANNELS})
    data["teams"] = [t for t in data["teams"] if t["key"] != "billing"]  # Billing is gone
    path = tmp_path / "frontline.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    env = env_for(tmp_path, path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    for command in (["config", "check"], ["run"]):
        result = run_cli(command, env)
        assert result.returncode == 2
        assert f"{path}: channels[0] ({ACME}).team: 'billing' is not one of the teams" in (
            result.stderr
        )
    ok = dict(data, channels=CHANNELS[1:])
    path.write_text(yaml.safe_dump(ok), encoding="utf-8")
    good = run_cli(["config", "check"], env)
    assert good.returncode == 0 and "ok" in good.stdout
