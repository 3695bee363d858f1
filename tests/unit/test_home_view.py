"""App Home stays inside Slack's 100 blocks however much waits, and says how much it left out;
cards of items logged before routing reasons were plain words show no score."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.config import parse_config
from bot.slack import views
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


def home(owned: int, owned_total: int, waiting: int, waiting_total: int, logged: int) -> dict:
    data = views.HomeData(
        owned=[make_item(i, owner_id="U1") for i in range(1, owned + 1)],
        owned_total=owned_total,
        waiting=[make_item(1000 + i) for i in range(waiting)],
        waiting_total=waiting_total,
        logged=[make_item(5000 + i, status="resolved") for i in range(logged)],
        team_names={"billing": "Billing <!channel>"},
        links={},
    )
    return views.home_view(data, NOW)


def test_a_full_home_fits_in_100_blocks_and_counts_what_it_left_out():
    view = home(owned=30, owned_total=100, waiting=30, waiting_total=250, logged=20)
    assert len(view["blocks"]) <= 100
    text = block_text(view["blocks"])
    assert "…and 70 more, each with a card" in text
    assert "…and 220 more, each with a card" in text
    assert "Billing &lt;!channel&gt;" in text and "<!channel>" not in text  # team names inert
    assert all(len(block_text([b])) <= 3000 for b in view["blocks"])


def test_no_more_line_when_everything_is_shown():
    text = block_text(home(owned=2, owned_total=2, waiting=3, waiting_total=3, logged=1)["blocks"])
    assert "more, each with a card" not in text


def test_empty_home_explains_each_section():
    text = block_text(home(owned=0, owned_total=0, waiting=0, waiting_total=0, logged=0)["blocks"])
    assert "Nothing waiting on you." in text
    assert "Right now there are none." in text
    assert "Nothing logged yet." in text


def test_cards_of_items_logged_before_plain_reasons_show_no_score():
    team = parse_config(CONFIG, "test.yml").team("billing")
    item = make_item(1, routing_reason="Matched “refund”, “invoice” (score 91).")
    text = block_text(views.card_blocks(item, views.CardContext(team=team, now=NOW)))
    assert "Matched “refund”, “invoice”." in text and "score" not in text
