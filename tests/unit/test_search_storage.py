"""storage.search on SQLite: the FTS5 index follows items and their reports; queries are safe."""

from __future__ import annotations

from storage import reports, search
from storage.values import ItemStatus
from tests.support.stored import stored_item

add = stored_item


def ids(found: list) -> list[int | None]:
    return [getattr(row, "item_id", None) or row.id for row in found]


def test_every_word_must_match_and_the_summary_weighs_most(memory_session):
    in_details = add(memory_session, "Slow payouts", details="the refund export never finishes")
    in_summary = add(memory_session, "Refund export times out")
    add(memory_session, "Refund approved quickly")
    found = search.search_items(memory_session, team_id="T1", words="refund export")
    assert ids(found) == [in_summary.id, in_details.id]


def test_words_are_stemmed_and_accents_ignored(memory_session):
    item = add(memory_session, "Café owners want refunds", customer="Crème Brûlée Ltd")
    assert ids(search.search_items(memory_session, team_id="T1", words="cafe refund")) == [item.id]
    assert ids(search.search_items(memory_session, team_id="T1", words="creme")) == [item.id]


def test_when_no_item_has_every_word_any_word_counts(memory_session):
    item = add(memory_session, "Dark mode for the dashboard")
    found = search.search_items(memory_session, team_id="T1", words="dashboard unicorn")
    assert ids(found) == [item.id]


def test_a_moved_report_is_found_on_the_item_it_moved_to(memory_session):
    target = add(memory_session, "Invoices are wrong")
    source = add(memory_session, "Billing mistake", details="Globex saw a duplicated chargeback")
    moved = [r.id for r in reports.reports_of(memory_session, item_id=source.id)]
    reports.move_reports(memory_session, report_ids=moved, to_item_id=target.id)
    source.status = ItemStatus.MERGED
    memory_session.add(source)
    memory_session.flush()
    assert ids(search.search_items(memory_session, team_id="T1", words="chargeback")) == [target.id]
    # and the customer of a moved report too
    add(memory_session, "Other", customer="Initech")
    other = add(memory_session, "Another one", customer="Initech")
    moved = [r.id for r in reports.reports_of(memory_session, item_id=other.id)]
    reports.move_reports(memory_session, report_ids=moved, to_item_id=target.id)
    assert target.id in ids(search.search_items(memory_session, team_id="T1", words="initech"))


def test_edits_and_deletes_keep_the_index_right(memory_session):
    item = add(memory_session, "Export is slow", details="Acme asked twice")
    item.summary = "Import is slow"
    memory_session.add(item)
    memory_session.flush()
    assert search.search_items(memory_session, team_id="T1", words="export") == []
    assert ids(search.search_items(memory_session, team_id="T1", words="import")) == [item.id]
    for report in reports.reports_of(memory_session, item_id=item.id):
        memory_session.delete(report)
    memory_session.flush()
    memory_session.delete(item)
    memory_session.flush()
    assert search.search_items(memory_session, team_id="T1", words="import") == []


def test_other_workspaces_are_never_searched(memory_session):
    add(memory_session, "Refund export fails", team_id="T_OTHER")
    assert search.search_items(memory_session, team_id="T1", words="refund") == []


def test_fts_syntax_is_just_words(memory_session):
    item = add(memory_session, "Near the bar: foo fighters")
    for typed in ('"foo" OR bar*', "NEAR(", 'foo" OR "', "bar*", "summary:foo", "-foo", "^foo"):
        found = search.search_items(memory_session, team_id="T1", words=typed)
        assert ids(found) == [item.id], typed
    for typed in ("", "   ", '"" * ( ) : ^ -', "the and of", "NEAR(", "*"):
        if not search.words_of(typed):
            assert search.search_items(memory_session, team_id="T1", words=typed) == []


def test_limit_and_across_teams(memory_session):
    for n in range(15):
        add(memory_session, f"Refund case {n}", team_key="billing" if n % 2 else "support")
    found = search.search_items(memory_session, team_id="T1", words="refund")
    assert len(found) == 10
    assert {item.team_key for item in found} == {"billing", "support"}


def test_candidates_are_open_items_of_one_team_matching_any_word(memory_session):
    same = add(memory_session, "Refunds take too long for card payments")
    add(memory_session, "Refunds take too long", team_key="support")
    add(memory_session, "Refunds take too long", status=ItemStatus.RESOLVED)
    add(memory_session, "Refunds take too long", team_id="T_OTHER")
    also = add(memory_session, "Card payments declined")
    add(memory_session, "Dark mode please")
    new = add(memory_session, "Refund is slow, customers wait a week")
    found = search.candidates(
        memory_session,
        team_id="T1",
        team_key="billing",
        text="Refund is slow, customers wait a week for card payments",
        exclude_id=new.id,
        limit=50,
    )
    assert set(ids(found)) == {same.id, also.id}


def test_candidates_follow_status_changes(memory_session):
    item = add(memory_session, "Refunds take too long")
    kwargs = {"team_id": "T1", "team_key": "billing", "exclude_id": None, "limit": 5}
    assert ids(search.candidates(memory_session, text="refunds", **kwargs)) == [item.id]
    item.status = ItemStatus.RESOLVED
    memory_session.add(item)
    memory_session.flush()
    assert search.candidates(memory_session, text="refunds", **kwargs) == []
    assert search.candidates(memory_session, text="the a of !!", **kwargs) == []


def test_telling_words_keep_the_longest_when_there_are_too_many():
    words = search.telling_words("a bb ccc dddd " + " ".join(f"w{n:02d}x" for n in range(20)))
    assert len(words) == search.MAX_CANDIDATE_WORDS
    assert "bb" not in words and "a" not in words
