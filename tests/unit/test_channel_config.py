"""`channels:` in frontline.yml: what is accepted, what is refused (and where), and what a
capture in a mapped channel becomes (intake.store on in-memory SQLite, no HTTP)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from sqlmodel import Session

from bot.capture import intake
from bot.capture.intake import Draft
from bot.core.config import ConfigError, FrontlineConfig, parse_config
from bot.slack import views
from tests.support.world import CONFIG, Clock

ACME = "C0ACMESHARE"
CHANNELS = [
    {"channel": ACME, "team": "billing", "customer": "Acme Corp"},
    {"channel": "G0GLOBEX", "customer": "Globex"},
    {"channel": "C0PRODASKS", "team": "product"},
]


def with_channels(channels: Any, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(CONFIG)
    data["channels"] = copy.deepcopy(channels)
    data.update(copy.deepcopy(changes))
    return data


def problems(data: Any) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_config(data, "frontline.yml")
    return str(raised.value).splitlines()


CFG = parse_config(with_channels(CHANNELS), "test.yml")


# --- accepted ---------------------------------------------------------------------------------
def test_no_channels_section_means_no_channel_belongs_to_anyone():
    config = parse_config(CONFIG, "test.yml")
    assert config.channels == []
    assert config.channel_owner(ACME) is None and config.channel_team(ACME) is None


def test_team_and_customer_are_each_optional():
    assert [(c.channel, c.team, c.customer) for c in CFG.channels] == [
        (ACME, "billing", "Acme Corp"),
        ("G0GLOBEX", None, "Globex"),
        ("C0PRODASKS", "product", None),
    ]
    assert CFG.channel_team(ACME).name == "Billing"
    assert CFG.channel_team("G0GLOBEX") is None
    assert CFG.channel_owner("C0ELSEWHERE") is None and CFG.channel_owner(None) is None


def test_customer_is_trimmed():
    config = parse_config(with_channels([{"channel": ACME, "customer": "  Acme  "}]), "t.yml")
    assert config.channels[0].customer == "Acme"


# --- refused, with the entry's path -----------------------------------------------------------
@pytest.mark.parametrize(
    "entry,expected",
    [
        (
            {"channel": "#acme", "team": "billing"},
            "frontline.yml: channels[0] (#acme).channel: '#acme' is not a Slack channel id",
        ),
        (
            {"channel": "D0DIRECT", "team": "billing"},
            "frontline.yml: channels[0] (D0DIRECT).channel: 'D0DIRECT' is not a Slack channel id",
        ),
        (
            {"channel": "U0PERSON", "customer": "Acme"},
            "frontline.yml: channels[0] (U0PERSON).channel: 'U0PERSON' is not a Slack channel id",
        ),
        ({"team": "billing"}, "frontline.yml: channels[0].channel: is required"),
        (
            {"channel": ACME},
            f"frontline.yml: channels[0] ({ACME}): names neither a team nor a customer",
        ),
        (
            {"channel": ACME, "team": None, "customer": "Acme"},  # `team: #billing` unquoted
            f"frontline.yml: channels[0] ({ACME}).team: is empty (an unquoted # starts a YAML",
        ),
        (
            {"channel": ACME, "customer": "   "},
            f"frontline.yml: channels[0] ({ACME}).customer: is empty",
        ),
        (
            {"channel": ACME, "team": "billing", "custmer": "Acme"},
            f"frontline.yml: channels[0] ({ACME}).custmer: is not a known setting",
        ),
        (
            {"channel": ACME, "team": "legal"},
            f"frontline.yml: channels[0] ({ACME}).team: 'legal' is not one of the teams "
            "(billing, product, support-ops)",
        ),
    ],
)
def test_a_bad_entry_is_named_with_its_path(entry, expected):
    [line] = problems(with_channels([entry]))
    assert line.startswith(expected), line


def test_a_channel_listed_twice_is_refused_at_the_second_entry():
    [line] = problems(with_channels([*CHANNELS, {"channel": ACME, "customer": "Acme Inc"}]))
    assert line == (
        f"frontline.yml: channels[3] ({ACME}).channel: {ACME} is already listed as channels[0]; "
        "list each channel once"
    )


def test_a_mapped_channel_whose_team_was_removed_is_refused():
    data = with_channels(CHANNELS)
    data["teams"] = [t for t in data["teams"] if t["key"] != "product"]
    [line] = problems(data)
    assert line.startswith(
        "frontline.yml: channels[2] (C0PRODASKS).team: 'product' is not one of the teams "
        "(billing, support-ops)"
    )


def test_every_problem_is_reported_even_next_to_a_bad_team():
    data = with_channels(
        [{"channel": ACME, "team": "legal"}, {"channel": ACME, "customer": "x"}, {"channel": "x"}]
    )
    data["teams"][0]["channel"] = "#billing"  # a field error elsewhere: the model check is skipped
    lines = problems(data)
    assert any("teams[0] (billing).channel" in line for line in lines)
    assert any(f"channels[0] ({ACME}).team: 'legal'" in line for line in lines)
    assert any(f"channels[1] ({ACME}).channel: {ACME} is already listed" in line for line in lines)
    assert any("channels[2] (x).channel" in line for line in lines)
    assert len(lines) == 4, lines


def test_channels_must_be_a_list_of_mappings():
    [line] = problems(with_channels({"channel": ACME}))
    assert line.startswith("frontline.yml: channels: ")


# --- what a capture in a mapped channel becomes -------------------------------------------------
def store(session: Session, draft: Draft, key: str, config: FrontlineConfig = CFG):
    return intake.store(
        session,
        draft,
        config,
        team_id="T1",
        reporter_id="UAGENT",
        client_key=key,
        now=Clock().now(),
    )


def test_the_channel_routes_and_fills_the_customer(memory_session):
    captured = store(memory_session, Draft("The hold music is too loud", capture_channel=ACME), "a")
    assert (captured.team.key, captured.item.customer) == ("billing", "Acme Corp")
    assert captured.decision is not None and captured.decision.how == "channel"
    assert captured.item.routing_reason == f"Logged in <#{ACME}>, which belongs to Billing."


def test_the_agents_tag_and_customer_win(memory_session):
    draft = Draft("Dashboard is slow", customer="Initech", team_key="product", capture_channel=ACME)
    captured = store(memory_session, draft, "b")
    assert (captured.team.key, captured.item.customer) == ("product", "Initech")
    assert captured.item.routing_reason == "You tagged it `#product`."


def test_a_customer_only_channel_routes_by_the_words(memory_session):
    captured = store(memory_session, Draft("Wants a refund", capture_channel="G0GLOBEX"), "c")
    assert (captured.team.key, captured.item.customer) == ("billing", "Globex")
    assert captured.decision is not None and captured.decision.how == "keywords"


def test_a_capture_elsewhere_is_unchanged(memory_session):
    captured = store(memory_session, Draft("Wants a refund", capture_channel="C0OTHER"), "d")
    assert (captured.team.key, captured.item.customer) == ("billing", "")


# --- what the agent sees ------------------------------------------------------------------------
def test_the_reason_shows_the_channel_as_a_mention_and_escapes_the_rest():
    reason = f"Logged in <#{ACME}>, which belongs to R&D <team>."
    assert views.reason_md(reason, 500) == (
        f"Logged in <#{ACME}>, which belongs to R&amp;D &lt;team&gt;."
    )


def test_the_form_is_filled_from_the_channel():
    draft = views.CaptureDraft(source_channel=ACME, customer="Acme Corp", team_key="billing")
    view = views.capture_modal(CFG, draft)
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert by_id["fb_customer"]["element"]["initial_value"] == "Acme Corp"
    assert by_id["fb_team"]["element"]["initial_option"]["value"] == "billing"
    assert json.loads(view["private_metadata"]) == {"channel": ACME}
    plain = views.capture_modal(CFG)
    assert "initial_option" not in plain["blocks"][-1]["element"]
    assert json.loads(plain["private_metadata"]) == {}
