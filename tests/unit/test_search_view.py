"""The `/feedback search` answer: what each match shows, user text inert, within Slack's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.config import parse_config
from bot.insights.search import SearchService
from bot.slack import views
from storage import reports
from storage.models import Item
from tests.support.world import CONFIG

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def line(**kw) -> views.SearchLine:
    fields = {
        "ref": "FB-12",
        "summary": "Refunds are slow",
        "team_name": "Billing",
        "status_label": "Open",
        "customers": 3,
        "age_days": 4,
        "card_permalink": "https://acme.slack.com/archives/C1/p1",
    }
    return views.SearchLine(**{**fields, **kw})


def test_a_match_shows_id_link_team_status_customers_and_age():
    reply = views.search_reply("refund", [line()])
    assert reply["response_type"] == "ephemeral"
    text = str(reply["blocks"])
    assert "<https://acme.slack.com/archives/C1/p1|FB-12>" in text
    assert "Billing · Open · 3 customers · 4 days old" in text
    assert "1 customer ·" in str(views.search_reply("x", [line(customers=1)])["blocks"])
    assert "logged today" in str(views.search_reply("x", [line(age_days=0)])["blocks"])
    assert "1 day old" in str(views.search_reply("x", [line(age_days=1)])["blocks"])


def test_without_a_card_the_id_is_plain():
    text = str(views.search_reply("refund", [line(card_permalink=None)])["blocks"])
    assert "*FB-12*" in text and "card not posted yet" in text


def test_user_text_is_inert_and_long_text_fits():
    evil = "<!channel> <https://evil.example|click> &" + "x" * 5000
    reply = views.search_reply(evil, [line(summary=evil, team_name=evil) for _ in range(60)])
    text = str(reply["blocks"])
    assert "<!channel>" not in text and "<https://evil" not in text
    assert len(reply["blocks"]) <= views.MAX_MESSAGE_BLOCKS
    for block in reply["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= views.SECTION_LIMIT


def test_nothing_found_is_a_friendly_sentence():
    reply = views.search_reply("zebra", [])
    assert "Nothing matches “zebra”" in reply["text"]


def test_every_answer_says_how_to_log_feedback_that_starts_with_search():
    """“/feedback search results are slow” is a search: the answer shows the way to log it."""
    for reply in (views.search_reply("results are slow", []), views.search_reply("x", [line()])):
        last = reply["blocks"][-1]
        assert last["type"] == "context"
        assert "`/feedback` alone" in last["elements"][0]["text"]


def test_the_service_reads_team_names_status_and_age_from_the_clock(engine, memory_session):
    item = Item(
        slack_team_id="T1",
        client_key="k1",
        team_key="product",
        summary="Export the dashboard to PDF",
        reporter_id="U1",
        customers=2,
        created_at=NOW - timedelta(days=4, hours=3),
        updated_at=NOW,
        informed_at=NOW,
        due_at=NOW,
    )
    memory_session.add(item)
    memory_session.flush()
    reports.add_report(
        memory_session,
        item=item,
        customer="",
        quote=item.summary,
        agent_id="U1",
        source_permalink=None,
        now=NOW,
    )
    memory_session.commit()
    service = SearchService(parse_config(CONFIG, "test.yml"), engine, lambda: NOW)
    [found] = service.find("T1", "pdf dashboard")
    assert (found.ref, found.team_name, found.status_label, found.customers, found.age_days) == (
        f"FB-{item.id}",
        "Product",
        "Open",
        2,
        4,
    )
    assert service.find("T2", "pdf") == []
    assert "Nothing matches" in service.reply("T1", "zebra")["text"]
