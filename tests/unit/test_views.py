"""Block Kit builders stay inside Slack's limits and keep user text inert."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.core import ids
from bot.core.config import parse_config
from bot.schedule.tip_library import load_builtin_tips
from bot.slack import schedule_views, views
from storage.models import Item
from tests.support.helpers import mrkdwn_texts
from tests.support.world import CONFIG

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
CFG = parse_config(CONFIG, "test.yml")


def make_item(i: int = 1, **kw) -> Item:
    base = dict(
        id=i,
        slack_team_id="T0ACME",
        client_key=f"k{i}",
        team_key="billing",
        summary="Refund took weeks",
        reporter_id="UAGENT",
        informed_at=NOW - timedelta(hours=3),
        due_at=NOW + timedelta(minutes=50),
        created_at=NOW - timedelta(hours=3),
    )
    base.update(kw)
    return Item(**base)


def test_card_shows_clock_and_the_five_buttons():
    blocks = views.card_blocks(make_item(), views.CardContext(team=CFG.team("billing"), now=NOW))
    text = mrkdwn_texts(blocks)
    assert "Customer waiting 3h · update due in 50m" in text
    actions = next(b for b in blocks if b["type"] == "actions")
    assert actions["block_id"] == ids.BLOCK_CARD_ACTIONS
    assert [e["action_id"] for e in actions["elements"]] == [*ids.CARD_ACTIONS, ids.ACTION_MERGE]


def test_card_overdue_wording():
    item = make_item(due_at=NOW - timedelta(hours=2, minutes=5))
    text = mrkdwn_texts(
        views.card_blocks(item, views.CardContext(team=CFG.team("billing"), now=NOW))
    )
    assert "update overdue by 2h 5m" in text


def test_huge_user_text_is_truncated_with_ellipsis_not_refused():
    item = make_item(summary="S" * 300, details="<!channel> " + "d" * 5000, customer="C" * 200)
    blocks = views.card_blocks(item, views.CardContext(team=CFG.team("billing"), now=NOW))
    header = blocks[0]["text"]["text"]
    assert len(header) <= 150 and header.endswith("…")
    for block in blocks:
        for obj in [block.get("text") or {}, *block.get("fields", []), *block.get("elements", [])]:
            assert len(obj.get("text", "")) <= 3000
    assert "<!channel>" not in mrkdwn_texts(blocks)
    details = blocks[1]["text"]["text"]
    assert details.startswith("&lt;!channel&gt;") and details.endswith("…")


def test_resolved_card_has_no_buttons_and_shows_outcome():
    item = make_item(
        status="resolved",
        outcome="wont_do",
        owner_id="UBILL1",
        resolution_note="Policy stays; we explained why",
    )
    blocks = views.card_blocks(item, views.CardContext(team=CFG.team("billing"), now=NOW))
    assert not [b for b in blocks if b["type"] == "actions"]
    assert "Resolved (Won't do) by <@UBILL1>" in mrkdwn_texts(blocks)


def test_nudge_with_many_items_stays_under_50_blocks():
    many = [
        make_item(i, card_permalink=f"https://acme.slack.com/archives/C/p{i}") for i in range(1, 40)
    ]
    blocks = schedule_views.nudge_blocks(many, NOW, to_channel=True)
    assert len(blocks) <= 50
    assert "…and 19 more" in mrkdwn_texts(blocks)
    block_ids = [b.get("block_id") for b in blocks if b["type"] == "actions"]
    assert len(block_ids) == len(set(block_ids)) == 20
    assert block_ids[0] == f"{ids.BLOCK_NUDGE_ITEM}:1"


def test_message_over_50_blocks_is_cut_visibly():
    from slack_sdk.models.blocks import SectionBlock

    dicts = views.to_dicts([SectionBlock(text=views.md(f"line {i}")) for i in range(70)])
    assert len(dicts) == 50 and dicts[-1]["type"] == "context"


def test_modals_respect_title_and_metadata_limits():
    item = make_item()
    for view in (
        views.capture_modal(CFG),
        views.customer_update_modal(item),
        views.reassign_modal(item, CFG.teams),
        views.resolution_modal(item),
        views.snooze_modal(item, NOW),
    ):
        assert len(view["title"]["text"]) <= 24
        assert len(view.get("private_metadata", "")) <= 3000
        assert len(view["blocks"]) <= 100
    reassign = views.reassign_modal(item, CFG.teams)
    options = reassign["blocks"][1]["element"]["options"]
    assert "billing" not in [o["value"] for o in options]
    assert json.loads(reassign["private_metadata"]) == {"item": 1}


def test_reassign_with_no_other_team_explains_instead_of_an_empty_menu():
    only = parse_config({**CONFIG, "teams": [CONFIG["teams"][2]]}, "one.yml")
    view = views.reassign_modal(make_item(team_key="support-ops"), only.teams)
    assert "callback_id" not in view and "submit" not in view
    assert "no other team" in view["blocks"][0]["text"]["text"]


def test_tip_and_digest_blocks_render_every_tip():
    for tip in load_builtin_tips():
        blocks = schedule_views.tip_blocks(tip)
        assert tip.title in blocks[0]["text"]["text"]
    digest = schedule_views.digest_blocks(
        [make_item()], [], [], load_builtin_tips()[0], NOW, show_due=True
    )
    assert len(digest) <= 50
