"""One request, many customers: merging an item into the one it repeats, and undoing it.

A merge moves every report of the source onto the target, closes the source as merged and
records the moved report ids on both items' events, so an undo puts back exactly those reports.
Each is one transaction with its queued Slack posts (both cards refreshed, thread notes);
a retried click or submission (same dedupe key) changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.cards.workflow import Change, record, refresh_card
from bot.core import ids
from bot.core.items import is_open
from bot.slack import copy
from storage import events, items, outbox, reports
from storage.models import Item, ItemEvent
from storage.values import ItemEventKind, ItemStatus, OutboxKind


def lock_pair(
    session: Session, first_id: int, second_id: int, team_id: str
) -> tuple[Item | None, Item | None]:
    """Both items row-locked, lower id first, so two merges of one pair never deadlock."""
    locked: dict[int, Item | None] = {}
    for item_id in sorted({first_id, second_id}):
        locked[item_id] = items.lock_item(session, item_id=item_id, team_id=team_id)
    return locked[first_id], locked[second_id]


def target_problem(source: Item, target: Item | None, target_id: int) -> str | None:
    """Why this target cannot take the source's customers, or None."""
    ref = ids.item_ref(target_id)
    if target is None or target.slack_team_id != source.slack_team_id:
        return copy.err_merge_unknown(ref)
    if target.id == source.id:
        return copy.ERR_MERGE_SELF
    if target.status == ItemStatus.MERGED:
        return copy.err_merge_target_merged(ref, ids.item_ref(target.merged_into_id or 0))
    if not is_open(target):
        return copy.err_merge_target_closed(ref)
    return None


def merge(
    session: Session,
    source: Item,
    target: Item | None,
    target_id: int,
    actor: str,
    now: datetime,
    dedupe_key: str,
    *,
    field: str = "target",
) -> Change:
    """Move the source's reports to the target and close the source as merged into it.

    field: where a problem with the target shows (the form's pick or typed id).
    """
    if events.event_by_dedupe_key(session, dedupe_key=f"{dedupe_key}:merged"):
        return Change(target)  # this very click or submission merged it already
    source_ref = ids.item_ref(source.id or 0)
    if source.status == ItemStatus.MERGED:
        into = ids.item_ref(source.merged_into_id or 0)
        return Change(source, message=copy.merge_already(source_ref, into))
    if not is_open(source):
        return Change(source, message=copy.merge_source_closed(source_ref))
    problem = target_problem(source, target, target_id)
    if problem or target is None:
        return Change(source, errors={field: problem or copy.ERR_MERGE_TARGET_REQUIRED})
    assert source.id is not None and target.id is not None
    moved = [r.id for r in reports.reports_of(session, item_id=source.id) if r.id is not None]
    reports.move_reports(session, report_ids=moved, to_item_id=target.id)
    source.status, source.merged_into_id, source.updated_at = ItemStatus.MERGED, target.id, now
    target.updated_at = now
    session.add(source)
    reports.recount(session, item=source)
    reports.recount(session, item=target)
    _, rows = record(
        session,
        source,
        ItemEventKind.MERGED,
        actor,
        now,
        data={"target": target.id, "report_ids": moved},
        dedupe_key=f"{dedupe_key}:merged",
    )
    _, note_rows = record(
        session,
        target,
        ItemEventKind.MERGED_IN,
        actor,
        now,
        data={"source": source.id, "report_ids": moved},
        dedupe_key=f"{dedupe_key}:merged_in",
    )
    rows += note_rows + refresh_card(session, source, now) + refresh_card(session, target, now)
    message = copy.merged_done(
        source_ref, ids.item_ref(target.id), copy.customers_count(target.customers)
    )
    return Change(target, True, message=message, outbox_ids=rows)


def undo_key(merged_in: ItemEvent) -> str:
    return f"merge-undo:{merged_in.id}"


def undo(
    session: Session,
    merged_in: ItemEvent,
    source: Item | None,
    target: Item | None,
    actor: str,
    now: datetime,
) -> Change:
    """Put back exactly the reports this merge moved; both items stand as they were."""
    key = undo_key(merged_in)
    if events.event_by_dedupe_key(session, dedupe_key=f"{key}:target"):
        return Change(target, message=copy.MERGE_ALREADY_UNDONE)
    if source is None or target is None:
        return Change(target, message=copy.MERGE_UNKNOWN)
    if source.status != ItemStatus.MERGED or source.merged_into_id != target.id:
        return Change(target, message=copy.MERGE_ALREADY_UNDONE)
    target_ref = ids.item_ref(target.id or 0)
    if target.status == ItemStatus.MERGED:
        into = ids.item_ref(target.merged_into_id or 0)
        return Change(target, message=copy.undo_refused_moved_on(target_ref, into))
    if not is_open(target):
        return Change(target, message=copy.undo_refused_resolved(target_ref))
    assert source.id is not None and target.id is not None
    moved = [int(r) for r in (merged_in.data or {}).get("report_ids", [])]
    reports.move_reports(session, report_ids=moved, to_item_id=source.id)
    source.status, source.merged_into_id, source.updated_at = ItemStatus.OPEN, None, now
    target.updated_at = now
    session.add(source)
    session.add(target)
    reports.recount(session, item=source)
    reports.recount(session, item=target)
    data = {"merge_event": merged_in.id, "report_ids": moved}
    _, rows = record(
        session,
        source,
        ItemEventKind.MERGE_UNDONE,
        actor,
        now,
        data={**data, "other": target.id},
        dedupe_key=f"{key}:source",
    )
    _, target_rows = record(
        session,
        target,
        ItemEventKind.MERGE_UNDONE,
        actor,
        now,
        data={**data, "other": source.id},
        dedupe_key=f"{key}:target",
    )
    # the merge's note in the target's thread loses its undo button
    rows += outbox.queue(
        session,
        target,
        key=f"{key}:note",
        kind=OutboxKind.THREAD,
        now=now,
        payload={"event_id": merged_in.id, "replace": f"thread:{merged_in.id}"},
    )
    rows += target_rows + refresh_card(session, source, now) + refresh_card(session, target, now)
    message = copy.undone(ids.item_ref(source.id), target_ref)
    return Change(target, True, message=message, outbox_ids=rows)
