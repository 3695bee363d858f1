"""App Home stays inside Slack's view limits however much waits, a page per list;
cards of items logged before routing reasons were plain words show no score."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.config import parse_config
from bot.slack import copy, views
from storage.models import Item
from tests.support.helpers import block_text
from tests.support.world import CONFIG

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def make_item(i: int, **kw) -> Item:
    base = dict(
        id=i,
        slack_team_id="T0ACME",
        client_key=f"k{i}",
        team_key="billing",
        summary="S" * 300,
        reporter_id="UAGENT",
        informed_at=NOW - timedelta(hours=3),
        due_at=NOW + timedelta(minutes=50),
        created_at=NOW - timedelta(hours=3),
        card_permalink=f"https://acme.slack.com/archives/C0BILLING/p{i}",
    )
    base.update(kw)
    return Item(**base)


def full_list(section: views.HomeSection, start: int, rows: int) -> views.HomeList:
    return views.HomeList(
        section=section,
        title=f"*{section.value}*",
        empty="Nothing here.",
        rows=[make_item(start + i, owner_id="U1", customers=i + 2) for i in range(rows)],
        first=11,
        total=10_000,
        more=f"{section.value}|20|2026-11-24T15:00:00+00:00|{start + rows}",
    )


def full_home(rows: int) -> dict:
    """Every list holding `rows` rows (more than a page), 100 long-named teams, long links."""
    lists = {s: full_list(s, 1000 * n, rows) for n, s in enumerate(views.HomeSection, 1)}
    shown = [item for page in lists.values() for item in page.rows]
    data = views.HomeData(
        owned=lists[views.HomeSection.OWNED],
        logged=lists[views.HomeSection.LOGGED],
        queue=[
            lists[s]
            for s in views.HomeSection
            if s not in (views.HomeSection.OWNED, views.HomeSection.LOGGED)
        ],
        team_names=["Billing <!channel> " + "N" * 80] * 11,
        item_teams={"billing": "Billing <!channel>"},
        links={i.id or 0: "https://acme.slack.com/archives/C0B/p" + "9" * 460 for i in shown},
    )
    return views.home_view(data, NOW)


def test_every_list_full_stays_inside_slacks_view_limits():
    view = full_home(rows=60)
    assert views.HOME_BLOCK_BUDGET <= 100
    assert len(view["blocks"]) <= 100
    for block in view["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["value"]) <= 2000 and len(element["text"]["text"]) <= 75
    text = block_text(view["blocks"])
    assert "Billing &lt;!channel&gt;" in text and "<!channel>" not in text  # team names inert
    for section, rows in views.HOME_PAGE.items():  # a page at most per list, and its button
        assert f"*{section.value}* · 11–{10 + rows} of 10000" in text
    assert text.count("|FB-") == sum(views.HOME_PAGE.values())
    buttons = [b for b in view["blocks"] if b["type"] == "actions"][1:]
    assert len(buttons) == len(views.HomeSection)


def test_empty_home_explains_each_section():
    empty = {
        s: views.HomeList(section=s, title=f"*{s.value}*", empty=f"No {s.value} yet.")
        for s in views.HomeSection
    }
    data = views.HomeData(
        owned=empty[views.HomeSection.OWNED],
        logged=empty[views.HomeSection.LOGGED],
        queue=[empty[views.HomeSection.OVERDUE], empty[views.HomeSection.TOP_ASKS]],
        team_names=["Billing"],
    )
    text = block_text(views.home_view(data, NOW)["blocks"])
    for s in (views.HomeSection.OWNED, views.HomeSection.OVERDUE, views.HomeSection.LOGGED):
        assert f"No {s.value} yet." in text
    assert not [b for b in views.home_view(data, NOW)["blocks"] if b["type"] == "actions"][1:]


def test_someone_in_no_team_is_told_where_the_queue_comes_from():
    empty = views.HomeList(section=views.HomeSection.OWNED, title="*o*", empty="-")
    text = block_text(views.home_view(views.HomeData(owned=empty, logged=empty), NOW)["blocks"])
    assert copy.HOME_NO_TEAMS in text


def test_cards_of_items_logged_before_plain_reasons_show_no_score():
    team = parse_config(CONFIG, "test.yml").team("billing")
    item = make_item(1, routing_reason="Matched “refund”, “invoice” (score 91).")
    text = block_text(views.card_blocks(item, views.CardContext(team=team, now=NOW)))
    assert "Matched “refund”, “invoice”." in text and "score" not in text
