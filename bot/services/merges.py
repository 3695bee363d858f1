"""Merging an item into the one it repeats (from its card or a suggestion at capture), and
undoing it from the note in the target card's thread.

Who may act is checked first, outside any transaction (it may ask Slack); both items are then
locked, changed and committed together, and the Slack posts wait in the outbox for the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from bot.cards.workflow import Change
from bot.core import ids
from bot.core.text import inert
from bot.core.wallclock import Now
from bot.insights import merge
from bot.services.card_actions import CardActions
from bot.slack import copy, views
from storage import items
from storage.db import session_scope
from storage.engine import Engine
from storage.models import Item, ItemEvent
from storage.values import ItemEventKind

MAX_CHOICES = views.MAX_OPTIONS


@dataclass(frozen=True)
class MergeOpening:
    """The merge form to open, or what to tell the person who clicked instead."""

    view: dict[str, Any] | None = None
    message: str | None = None


class MergeService:
    def __init__(self, engine: Engine, now: Now, cards: CardActions) -> None:
        self._engine = engine
        self._now = now
        self._cards = cards

    # --- from the card ----------------------------------------------------------------------------
    def opening(self, team_id: str, user: str, ref: str) -> MergeOpening:
        """The card's Merge button: the form with the team's open items, most customers first."""
        opened = self._cards.opening(team_id, user, ref)
        item = opened.item
        if item is None or opened.message:
            return MergeOpening(message=opened.message)
        with Session(self._engine) as session:
            others = items.open_items_of_team(
                session,
                team_id=team_id,
                team_key=item.team_key,
                exclude_id=item.id,
                limit=MAX_CHOICES,
            )
        choices = [views.Candidate(o.id or 0, o.summary, o.customers) for o in others]
        return MergeOpening(view=views.merge_modal(item.id or 0, item.summary, choices))

    def merge_from_card(
        self, team_id: str, user: str, source_id: Any, picked: str, typed: str, key: str
    ) -> Change:
        """The form's answer: the picked item or the typed id (an error per field, else done)."""
        picked_id = ids.parse_item_ref(picked)
        typed = typed.strip()
        typed_id = ids.parse_item_ref(typed)
        if typed and typed_id is None:
            return Change(None, errors={"ref": copy.err_merge_unknown(inert(typed, 20))})
        if typed_id and picked_id and typed_id != picked_id:
            return Change(None, errors={"ref": copy.ERR_MERGE_TWO_TARGETS})
        target_id = typed_id or picked_id
        if target_id is None:
            return Change(None, errors={"ref": copy.ERR_MERGE_TARGET_REQUIRED})
        field = "ref" if typed_id else "target"
        return self._merge(
            team_id,
            user,
            source_id if isinstance(source_id, int) else None,
            target_id,
            key,
            field=field,
            may=self._cards.may_act,
        )

    # --- from the capture's suggestions -------------------------------------------------------------
    def merge_suggested(self, team_id: str, user: str, value: str, key: str) -> Change:
        """The agent who logged the new item, or its team, merges it into the suggested one."""
        source_id, target_id = views.parse_suggestion_value(value)
        if source_id is None or target_id is None:
            return Change(None, message=copy.item_not_found("that item"))

        def may(item: Item, who: str) -> bool:
            return who == item.reporter_id or self._cards.may_act(item, who)

        change = self._merge(
            team_id,
            user,
            source_id,
            target_id,
            key,
            field="target",
            may=may,
            refusal=lambda item: copy.merge_suggested_refused(ids.item_ref(item.id or 0)),
        )
        if change.errors:  # no form here: the reason goes to the person who clicked
            return Change(change.item, message=next(iter(change.errors.values())))
        return change

    # --- undo ---------------------------------------------------------------------------------------
    def undo(self, team_id: str, user: str, value: str) -> Change:
        """The thread note's button: both items back as they were, once."""
        event_id = int(value) if value.strip().isdigit() else None
        with Session(self._engine, expire_on_commit=False) as session:
            event = items.get_item_event(session, event_id=event_id)
        if event is None or event.slack_team_id != team_id or event.kind != ItemEventKind.MERGED_IN:
            return Change(None, message=copy.MERGE_UNKNOWN)
        target = self._cards.get_item(team_id, event.item_id)
        if target is None:
            return Change(None, message=copy.MERGE_UNKNOWN)
        source_id = int((event.data or {}).get("source", 0))
        if not self._may_undo(event, target, team_id, source_id, user):
            return Change(target, message=self._cards.refusal(target))
        with session_scope(self._engine) as session:
            source, locked = merge.lock_pair(session, source_id, event.item_id, team_id)
            change = merge.undo(session, event, source, locked, user, self._now())
            if not change.changed:
                session.rollback()
        return change

    # --- private ------------------------------------------------------------------------------------
    def _may_undo(
        self, event: ItemEvent, target: Item, team_id: str, source_id: int, user: str
    ) -> bool:
        """Whoever merged it, and the members and leads of either item's team: a merge into
        another team's item (typed by its id) stays undoable by the team it came from."""
        if event.actor_id == user or self._cards.may_act(target, user):
            return True
        source = self._cards.get_item(team_id, source_id) if source_id else None
        return source is not None and self._cards.may_act(source, user)

    def _merge(
        self,
        team_id: str,
        user: str,
        source_id: int | None,
        target_id: int,
        key: str,
        *,
        field: str,
        may: Callable[[Item, str], bool],
        refusal: Callable[[Item], str] | None = None,
    ) -> Change:
        source = self._cards.get_item(team_id, source_id)
        if source is None or source_id is None:
            ref = ids.item_ref(source_id) if source_id else "that item"
            return Change(None, message=copy.item_not_found(ref))
        refuse = refusal or self._cards.refusal
        if not may(source, user):
            return Change(source, message=refuse(source))
        with session_scope(self._engine) as session:
            locked, target = merge.lock_pair(session, source_id, target_id, team_id)
            if locked is None:
                return Change(None, message=copy.item_not_found(ids.item_ref(source_id)))
            if locked.team_key != source.team_key and not may(locked, user):
                session.rollback()  # it moved meanwhile; the new team's rules apply
                return Change(locked, message=refuse(locked))
            change = merge.merge(
                session, locked, target, target_id, user, self._now(), key, field=field
            )
            if not change.changed:
                session.rollback()
        return change
