"""The storage repository functions against an in-memory SQLite: lookups, the keyset nudge
scan, and the claims that make two processes send once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from bot.schedule.nudge_plan import scan
from storage import events, items, outbox, people, tips_shown
from storage.models import Item, Outbox
from storage.values import ItemEventKind, ItemStatus, OutboxKind

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def add_item(session: Session, key: str, due: datetime, **fields: Any) -> Item:
    item = Item(
        slack_team_id=fields.pop("team", "T1"),
        client_key=key,
        team_key="billing",
        summary=f"summary {key}",
        reporter_id="U_REP",
        created_at=T0,
        updated_at=T0,
        informed_at=T0,
        due_at=due,
        **fields,
    )
    assert items.insert_item(session, item=item)
    return item


# items --------------------------------------------------------------------------------------


def test_insert_item_once_per_client_key(memory_session):
    first = add_item(memory_session, "k1", T0)
    twin = Item(**{**first.model_dump(), "id": None, "summary": "the retry"})
    assert not items.insert_item(memory_session, item=twin)
    found = items.get_item_by_client_key(memory_session, client_key="k1")
    assert found is not None and found.id == first.id and found.summary == "summary k1"
    assert items.get_item_by_client_key(memory_session, client_key="nope") is None


def test_get_and_lock_item_stay_in_their_workspace(memory_session):
    item = add_item(memory_session, "k1", T0, team="T1")
    assert items.get_item(memory_session, item_id=item.id) is item
    assert items.get_item(memory_session, item_id=None) is None
    assert items.lock_item(memory_session, item_id=item.id or 0, team_id="T1") is item
    assert items.lock_item(memory_session, item_id=item.id or 0, team_id="T2") is None
    assert items.lock_item(memory_session, item_id=999, team_id="T1") is None


def test_open_items_leaves_resolved_out(memory_session):
    add_item(memory_session, "open", T0)
    add_item(memory_session, "done", T0, status=ItemStatus.RESOLVED)
    assert [i.client_key for i in items.open_items(memory_session)] == ["open"]


def test_open_items_due_filters_in_sql(memory_session):
    due = T0 + timedelta(hours=1)
    add_item(memory_session, "fresh", due)
    add_item(memory_session, "later", T0 + timedelta(days=1))
    add_item(memory_session, "resolved", due, status=ItemStatus.RESOLVED)
    add_item(memory_session, "both-done", due, nudged_for_due_at=due, escalated_for_due_at=due)
    add_item(memory_session, "nudged-only", due, nudged_for_due_at=due)
    add_item(memory_session, "old-deadline", due, nudged_for_due_at=T0, escalated_for_due_at=T0)
    page = items.open_items_due(memory_session, until=due, after=None, limit=100)
    assert sorted(i.client_key for i in page) == ["fresh", "nudged-only", "old-deadline"]


def test_open_items_due_keyset_pages_cover_everything_once_in_order(memory_session):
    # ties on due_at are broken by id, so a page boundary inside a tie loses nothing
    dues = [
        T0,
        T0,
        T0 + timedelta(minutes=5),
        T0,
        T0 + timedelta(minutes=5),
        T0 - timedelta(days=3),
    ]
    for n, due in enumerate(dues):
        add_item(memory_session, f"k{n}", due)
    until = T0 + timedelta(hours=1)
    everything = items.open_items_due(memory_session, until=until, after=None, limit=100)
    expected = [(i.due_at, i.id) for i in everything]
    assert expected == sorted(expected) and len(expected) == len(dues)

    seen: list[tuple[datetime, int | None]] = []
    after: tuple[datetime, int] | None = None
    while True:
        page = items.open_items_due(memory_session, until=until, after=after, limit=2)
        assert len(page) <= 2
        seen += [(i.due_at, i.id) for i in page]
        if len(page) < 2:
            break
        after = (page[-1].due_at, page[-1].id or 0)
    assert seen == expected


def test_the_nudge_scan_reads_every_page(memory_session):
    for n in range(7):
        add_item(memory_session, f"k{n}", T0 + timedelta(minutes=n % 3))
    found = scan(memory_session, T0, timedelta(minutes=10), page=3)
    assert sorted(i.client_key for i in found) == [f"k{n}" for n in range(7)]
    assert [(i.due_at, i.id) for i in found] == sorted((i.due_at, i.id) for i in found)


def test_claim_nudge_is_granted_once_per_deadline(memory_session):
    item = add_item(memory_session, "k1", T0)
    claim = {"item_id": item.id, "due_at": T0}
    assert items.claim_nudge(memory_session, **claim, column="nudged_for_due_at")
    assert not items.claim_nudge(memory_session, **claim, column="nudged_for_due_at")
    # the escalation is a separate claim on the same deadline
    assert items.claim_nudge(memory_session, **claim, column="escalated_for_due_at")
    assert not items.claim_nudge(memory_session, **claim, column="escalated_for_due_at")
    memory_session.refresh(item)
    assert item.nudged_for_due_at == T0 and item.escalated_for_due_at == T0
    assert items.open_items_due(memory_session, until=T0, after=None, limit=10) == []


def test_claim_nudge_refuses_a_moved_deadline_or_a_resolved_item(memory_session):
    moved = add_item(memory_session, "moved", T0 + timedelta(hours=2))
    resolved = add_item(memory_session, "resolved", T0, status=ItemStatus.RESOLVED)
    col = "nudged_for_due_at"
    assert not items.claim_nudge(memory_session, item_id=moved.id, due_at=T0, column=col)
    assert not items.claim_nudge(memory_session, item_id=resolved.id, due_at=T0, column=col)
    # a new deadline can be claimed again after the old one was
    renewed = add_item(memory_session, "renewed", T0 + timedelta(hours=1), nudged_for_due_at=T0)
    assert items.claim_nudge(
        memory_session, item_id=renewed.id, due_at=T0 + timedelta(hours=1), column=col
    )


# events -------------------------------------------------------------------------------------


def test_record_event_once_per_dedupe_key(memory_session):
    item = add_item(memory_session, "k1", T0)
    kwargs: dict[str, Any] = {"item": item, "actor_id": "U1", "now": T0, "dedupe_key": "view:1"}
    first = events.record_event(memory_session, kind=ItemEventKind.RESOLVED, note="n", **kwargs)
    assert first is not None and first.id and first.note == "n" and first.data == {}
    assert events.record_event(memory_session, kind=ItemEventKind.RESOLVED, **kwargs) is None
    assert events.event_by_dedupe_key(memory_session, dedupe_key="view:1") is first
    assert events.event_by_dedupe_key(memory_session, dedupe_key="view:2") is None
    # without a key every call is a new event
    plain = {"item": item, "kind": ItemEventKind.TAKEN, "actor_id": "U1", "now": T0}
    a = events.record_event(memory_session, **plain)
    b = events.record_event(memory_session, **plain)
    assert a is not None and b is not None and a.id != b.id


def test_moves_between_reads_the_window_with_items_oldest_first(memory_session):
    item = add_item(memory_session, "k1", T0)
    other = add_item(memory_session, "k2", T0)

    def add(target: Item, kind: ItemEventKind, at: datetime) -> int:
        return events.add_event(
            memory_session,
            item_id=target.id or 0,
            team_id="T1",
            kind=kind,
            actor_id=None,
            now=at,
        )

    add(item, ItemEventKind.TAKEN, T0 - timedelta(days=2))  # before the window
    inside = [
        add(other, ItemEventKind.RESOLVED, T0),  # the window's edges count
        add(item, ItemEventKind.NUDGED, T0 + timedelta(hours=1)),  # not a move
        add(item, ItemEventKind.TAKEN, T0 + timedelta(hours=2)),
        add(item, ItemEventKind.SNOOZED, T0 + timedelta(hours=3)),
    ]
    add(item, ItemEventKind.TAKEN, T0 + timedelta(days=2))  # after it
    rows = events.moves_between(
        memory_session,
        since=T0,
        until=T0 + timedelta(hours=3),
        kinds=(ItemEventKind.TAKEN, ItemEventKind.RESOLVED, ItemEventKind.SNOOZED),
    )
    assert [e.id for e, _ in rows] == [inside[0], inside[2], inside[3]]
    assert [i.client_key for _, i in rows] == ["k2", "k1", "k1"]


# tips_shown ---------------------------------------------------------------------------------


def test_tip_day_is_claimed_once_per_channel(memory_session):
    day = date(2026, 3, 2)
    where = {"team_id": "T1", "channel": "C1"}
    assert tips_shown.shown_on(memory_session, **where, day=day) is None
    assert tips_shown.claim_day(memory_session, **where, day=day, tip_id="a", cycle=0)
    assert not tips_shown.claim_day(memory_session, **where, day=day, tip_id="b", cycle=0)
    shown = tips_shown.shown_on(memory_session, **where, day=day)
    assert shown is not None and shown.tip_id == "a"
    # another channel or workspace has its own day
    assert tips_shown.claim_day(
        memory_session, team_id="T1", channel="C2", day=day, tip_id="b", cycle=0
    )
    assert tips_shown.claim_day(
        memory_session, team_id="T2", channel="C1", day=day, tip_id="c", cycle=0
    )


def test_shown_in_channel_is_oldest_day_first_and_per_channel(memory_session):
    for n, tip in ((3, "c"), (1, "a"), (2, "b")):
        assert tips_shown.claim_day(
            memory_session, team_id="T1", channel="C1", day=date(2026, 3, n), tip_id=tip, cycle=0
        )
    tips_shown.claim_day(
        memory_session, team_id="T1", channel="C9", day=date(2026, 3, 1), tip_id="z", cycle=0
    )
    rows = tips_shown.shown_in_channel(memory_session, team_id="T1", channel="C1")
    assert [r.tip_id for r in rows] == ["a", "b", "c"]


# items: what delivery reads and records ------------------------------------------------------


def test_card_is_recorded_only_for_the_current_move(memory_session):
    item = add_item(memory_session, "k1", T0)
    # a card that got out after the item moved on records nothing
    item.moves = 1
    memory_session.add(item)
    memory_session.flush()
    stale = {"item_id": item.id, "move": 0}
    assert not items.record_card(memory_session, **stale, card_channel="C_OLD", card_ts="1.0")
    assert not items.record_card_permalink(memory_session, **stale, permalink="https://old")
    memory_session.refresh(item)
    assert item.card_ts is None and item.card_channel is None and item.card_permalink is None
    # the current move's card is recorded, and a late stale one never overwrites it
    now = {"item_id": item.id, "move": 1}
    assert items.record_card(memory_session, **now, card_channel="C_NEW", card_ts="2.0")
    assert items.record_card_permalink(memory_session, **now, permalink="https://new")
    assert not items.record_card(memory_session, **stale, card_channel="C_OLD", card_ts="1.0")
    assert not items.record_card_permalink(memory_session, **stale, permalink="https://old")
    memory_session.refresh(item)
    assert (item.card_channel, item.card_ts, item.card_permalink) == ("C_NEW", "2.0", "https://new")


def test_a_late_permalink_is_recorded_only_for_the_card_it_belongs_to(memory_session):
    item = add_item(memory_session, "k1", T0, card_channel="C1", card_ts="2.0")
    late = {"item_id": item.id, "permalink": "https://old"}
    assert not items.record_permalink_for_card(memory_session, **late, card_ts="1.0")
    memory_session.refresh(item)
    assert item.card_permalink is None
    assert items.record_permalink_for_card(
        memory_session, item_id=item.id, card_ts="2.0", permalink="https://card"
    )
    memory_session.refresh(item)
    assert item.card_permalink == "https://card"


def test_delivery_reads_events_and_outbox_rows_by_id(memory_session):
    item = add_item(memory_session, "k1", T0)
    event_id = events.add_event(
        memory_session,
        item_id=item.id or 0,
        team_id="T1",
        kind=ItemEventKind.TAKEN,
        actor_id="U1",
        now=T0,
    )
    event = items.get_item_event(memory_session, event_id=event_id)
    assert event is not None and event.kind == ItemEventKind.TAKEN and event.actor_id == "U1"
    assert items.get_item_event(memory_session, event_id=None) is None
    assert items.get_item_event(memory_session, event_id=999) is None
    row = outbox.enqueue(memory_session, key="k", kind=OutboxKind.POST, team_id="T1", now=T0)
    assert row is not None and row.id is not None
    assert items.get_outbox_row(memory_session, row_id=row.id) is row
    assert items.get_outbox_row(memory_session, row_id=999) is None


# people -------------------------------------------------------------------------------------


def test_ensure_person_inserts_once_per_workspace_and_user(memory_session):
    assert people.get_person(memory_session, team_id="T1", user_id="U1") is None
    first = people.ensure_person(memory_session, team_id="T1", user_id="U1")
    assert first.id is not None and first.tz is None
    assert (first.digest_mode, first.nudge_mode, first.away_until) == ("needed", "each", None)
    assert people.ensure_person(memory_session, team_id="T1", user_id="U1").id == first.id
    assert people.get_person(memory_session, team_id="T1", user_id="U1") is first
    # the same user id in another workspace is another person
    other = people.ensure_person(memory_session, team_id="T2", user_id="U1")
    assert other.id != first.id


def test_set_timezone_caches_the_zone_and_when(memory_session):
    person = people.ensure_person(memory_session, team_id="T1", user_id="U1")
    people.set_timezone(memory_session, person_id=person.id, tz="Europe/Paris", now=T0)
    memory_session.refresh(person)
    assert person.tz == "Europe/Paris" and person.tz_fetched_at == T0
    later = T0 + timedelta(days=8)
    people.set_timezone(memory_session, person_id=person.id, tz="Asia/Tokyo", now=later)
    memory_session.refresh(person)
    assert person.tz == "Asia/Tokyo" and person.tz_fetched_at == later
    # nobody else's row changed
    other = people.ensure_person(memory_session, team_id="T1", user_id="U2")
    assert other.tz is None and other.tz_fetched_at is None


def test_with_preferences_lists_only_people_off_the_defaults(memory_session):
    people.ensure_person(memory_session, team_id="T1", user_id="U1").digest_mode = "on"
    people.ensure_person(memory_session, team_id="T1", user_id="U2")  # all defaults
    people.ensure_person(memory_session, team_id="T1", user_id="U3").nudge_mode = "batched"
    people.ensure_person(memory_session, team_id="T2", user_id="U9").away_until = date(2026, 12, 1)
    people.ensure_person(memory_session, team_id="T2", user_id="U8").digest_mode = "off"
    memory_session.flush()
    found = people.with_preferences(memory_session)
    assert sorted((p.slack_team_id, p.user_id) for p in found) == [
        ("T1", "U1"),
        ("T1", "U3"),
        ("T2", "U8"),
        ("T2", "U9"),
    ]


def test_enqueue_many_queues_each_key_once(memory_session):
    first = outbox.enqueue_many(
        memory_session,
        rows=[(OutboxKind.DM, "weekly:a", {"user": "U1"}), (OutboxKind.DM, "weekly:b", {})],
        team_id="T1",
        now=T0,
    )
    assert len(first) == 2
    again = outbox.enqueue_many(
        memory_session,
        rows=[(OutboxKind.DM, "weekly:b", {"user": "other"}), (OutboxKind.FILE, "weekly:c", {})],
        team_id="T1",
        now=T0,
    )
    assert len(again) == 1 and again[0] not in first  # only weekly:c was new
    stored = memory_session.get(Outbox, first[0])
    assert stored is not None and stored.key == "weekly:a" and stored.payload == {"user": "U1"}
    assert stored.status == "pending" and stored.next_attempt_at == T0
