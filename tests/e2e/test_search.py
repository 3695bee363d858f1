"""`/feedback search <words>`: the best matches across teams, privately, over signed HTTP."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import text
from sqlmodel import Session

from bot.insights.similar import SimilarFinder
from storage import reports
from storage import search as storage_search
from storage.db import make_engine
from storage.migrate import alembic_config, upgrade
from storage.models import Item
from storage.search import search_items
from storage.values import ItemStatus
from tests.support.helpers import block_text, eventually, items


def capture(running, text: str, trigger: str) -> int:
    fields = running.slack.command_fields(text, trigger_id=trigger)
    ack = running.slack.form(fields).json()
    assert ack["response_type"] == "ephemeral"
    return max(item.id for item in items(running.engine))


def with_cards(running, count: int) -> list[Item]:
    """Every captured item, once each card is posted and its link stored."""

    def ready():
        rows = items(running.engine)
        return len(rows) == count and all(r.card_permalink for r in rows) and rows

    return eventually(ready)


def search(running, words: str) -> tuple[dict, str]:
    resp = running.slack.command(f"search {words}")
    assert resp.status == 200
    body = resp.json()
    assert body["response_type"] == "ephemeral"
    return body, block_text(body["blocks"])


def test_search_shows_the_best_matches_across_teams(running, fake_slack, clock):
    refund = capture(running, "Refund to the card takes nine days #billing", "t1")
    export = capture(running, "Refund report export is missing #product", "t2")
    capture(running, "Dark mode for the dashboard", "t3")
    rows = {r.id: r for r in with_cards(running, 3)}
    clock.advance(timedelta(days=4))

    body, shown = search(running, "refund")
    assert "FB-1" in shown and "FB-2" in shown and "FB-3" not in shown
    assert "Billing" in shown and "Product" in shown
    assert "Open" in shown and "1 customer" in shown and "4 days old" in shown
    assert f"<{rows[refund].card_permalink}|FB-{refund}>" in str(body["blocks"])
    assert f"<{rows[export].card_permalink}|FB-{export}>" in str(body["blocks"])

    # more words: only the item that has them all
    _, shown = search(running, "refund card")
    assert f"FB-{refund}" in shown and f"FB-{export}" not in shown
    assert len(items(running.engine)) == 3  # a search logs nothing


def test_a_quote_moved_to_another_item_is_found_there(running, fake_slack):
    target = capture(running, "Refunds are slow #billing", "m1")
    source = capture(running, "Globex waits on a chargeback #billing", "m2")
    with_cards(running, 2)
    with Session(running.engine) as session:
        moved = [r.id for r in reports.reports_of(session, item_id=source)]
        reports.move_reports(session, report_ids=moved, to_item_id=target)
        item = session.get(Item, source)
        item.status = ItemStatus.MERGED
        item.merged_into_id = target
        session.add(item)
        session.commit()
    _, shown = search(running, "chargeback")
    assert f"FB-{target}" in shown and f"FB-{source}" not in shown


def test_nothing_found_usage_and_fts_syntax_are_answered_kindly(running, fake_slack):
    capture(running, "Foo fighters near the bar want invoices #billing", "s1")
    with_cards(running, 1)
    _, shown = search(running, "zebra")
    assert "Nothing matches" in shown and "zebra" in shown
    usage = running.slack.command("search").json()
    assert "/feedback search" in usage["text"]
    for typed in ('"foo" OR bar*', "NEAR(", "bar* NEAR( foo", "summary:foo"):
        _, shown = search(running, typed)
        assert "FB-1" in shown, typed
    for typed in ('"" * ( )', "the of"):
        _, shown = search(running, typed)
        assert "Nothing matches" in shown, typed
    _, shown = search(running, "<!channel> *bold*")
    assert "<!channel>" not in shown and "&lt;!channel&gt;" in shown
    assert len(items(running.engine)) == 1


def test_other_workspaces_items_are_never_shown(running, fake_slack, clock):
    with Session(running.engine) as session:
        now = clock.now()
        other = Item(
            slack_team_id="T0OTHER",
            client_key="other-1",
            team_key="billing",
            summary="Invoices for Initech are wrong",
            reporter_id="U9",
            created_at=now,
            updated_at=now,
            informed_at=now,
            due_at=now,
        )
        session.add(other)
        session.flush()
        reports.add_report(
            session,
            item=other,
            customer="Initech",
            quote="Invoices for Initech are wrong",
            agent_id="U9",
            source_permalink=None,
            now=now,
        )
        session.commit()
    _, shown = search(running, "initech invoices")
    assert "Nothing matches" in shown


OLD_ITEM = (
    "INSERT INTO item (slack_team_id, client_key, team_key, summary, details, customer, kind,"
    " urgency, reporter_id, status, routing_reason, created_at, updated_at, informed_at, due_at,"
    " resolution_note, moves, customers) VALUES ('T1', 'k1', 'billing', 'Refunds are slow',"
    " 'Acme waited nine days', 'Acme', 'problem', 'normal', 'U1', 'open', '',"
    " '2026-11-01 10:00:00', '2026-11-01 10:00:00', '2026-11-01 10:00:00',"
    " '2026-11-02 10:00:00', '', 0, 1)"
)
OLD_REPORT = (
    "INSERT INTO report (slack_team_id, item_id, customer, customer_key, quote, agent_id,"
    " created_at) SELECT 'T1', id, 'Globex', 'globex', 'Globex wants a chargeback', 'U2',"
    " '2026-11-01 11:00:00' FROM item"
)


def test_migration_0005_indexes_existing_items_and_can_be_undone(database_url):
    upgrade(database_url, "0004")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(OLD_ITEM))
            conn.execute(text(OLD_REPORT))
        upgrade(database_url, "0005")
        with Session(engine) as session:
            for words in ("refund", "nine days", "acme", "globex chargeback"):
                assert [i.client_key for i in search_items(session, team_id="T1", words=words)] == [
                    "k1"
                ], words
        command.downgrade(alembic_config(database_url), "0004")
        upgrade(database_url)
        with Session(engine) as session:
            assert len(search_items(session, team_id="T1", words="globex")) == 1
    finally:
        engine.dispose()


def test_similar_open_items_follow_captures_status_and_merges(running, fake_slack):
    first = capture(running, "Refunds take too long to reach the card #billing", "x1")
    other = capture(running, "Refunds take too long to reach the card #product", "x2")
    new = capture(running, "Refunds take too long to reach their card #billing", "x3")
    with_cards(running, 3)
    finder = SimilarFinder(running.engine)
    by_id = {item.id: item for item in items(running.engine)}
    [found] = finder.similar_to(by_id[new])
    assert (found.item_id, found.ref, found.customers) == (first, f"FB-{first}", 1)
    assert found.card_permalink == by_id[first].card_permalink
    assert other not in [s.item_id for s in finder.similar_to(by_id[new], limit=3)]
    with Session(running.engine) as session:
        item = session.get(Item, first)
        item.status = ItemStatus.RESOLVED
        session.add(item)
        session.commit()
    assert finder.similar_to(by_id[new]) == []


def test_recent_items_are_ranked_first_and_older_ones_still_found(running, fake_slack, monkeypatch):
    monkeypatch.setattr(storage_search, "RECENT_ITEMS", 1)  # PostgreSQL: window of one item
    monkeypatch.setattr(storage_search, "RECENT_MATCHES", 1)  # SQLite: rank the newest match
    old = capture(running, "Invoice totals are wrong #billing", "r1")
    capture(running, "Dark mode please #product", "r2")
    new = capture(running, "Invoice numbering restarts #billing", "r3")
    with_cards(running, 3)
    _, shown = search(running, "invoice")
    assert f"FB-{new}" in shown
    if running.engine.dialect.name == "postgresql":  # fewer than 10 recent: the whole table
        assert f"FB-{old}" in shown
