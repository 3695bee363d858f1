"""The team's actions on a card: take, customer updated, reassign, resolve, snooze.

Who may act is checked first (it may ask Slack), outside any transaction; the change is then
applied under a row lock and committed, and its Slack posts wait in the outbox for the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import Session

from bot.cards import workflow
from bot.cards.membership import Membership
from bot.core import ids
from bot.core.config import FrontlineConfig, Team
from bot.core.items import is_open
from bot.core.text import inert
from bot.core.wallclock import Now
from bot.schedule.clock import local_next
from bot.schedule.people import People
from bot.slack import copy
from storage import home
from storage.db import session_scope
from storage.engine import Engine
from storage.models import Item


@dataclass(frozen=True)
class Opening:
    """May this person open an action's form on the item? The item, or what to tell them."""

    item: Item | None
    message: str | None = None


class CardActions:
    def __init__(
        self,
        config: FrontlineConfig,
        engine: Engine,
        now: Now,
        membership: Membership,
        people: People,
    ) -> None:
        self._config = config
        self._engine = engine
        self._now = now
        self._membership = membership
        self._people = people

    # --- the actions ----------------------------------------------------------------------------
    def take(self, team_id: str, user: str, item_id: int | None) -> workflow.Change:
        return self._act(
            team_id, user, item_id, lambda s, i: workflow.take(s, i, user, self._now())
        )

    def customer_updated(
        self, team_id: str, user: str, item_id: int | None, note: str, key: str
    ) -> workflow.Change:
        return self._act(
            team_id,
            user,
            item_id,
            lambda s, i: workflow.customer_updated(
                s, i, user, note, self._now(), self._config, key
            ),
        )

    def reassign(
        self, team_id: str, user: str, item_id: int | None, to_key: str, note: str, key: str
    ) -> workflow.Change:
        return self._act(
            team_id,
            user,
            item_id,
            lambda s, i: workflow.reassign(
                s, i, user, to_key, note, self._now(), self._config, key
            ),
            reporter_may=True,
        )

    def resolve(
        self,
        team_id: str,
        user: str,
        item_id: int | None,
        outcome: str,
        note: str,
        key: str,
        rule_outcome: str = "",
        rule_reason: str = "",
    ) -> workflow.Change:
        """rule_outcome and rule_reason: for a rule that blocks customers, what became of it."""
        return self._act(
            team_id,
            user,
            item_id,
            lambda s, i: workflow.resolve(
                s, i, user, outcome, note, self._now(), key, rule_outcome, rule_reason
            ),
        )

    def snooze(
        self,
        team_id: str,
        user: str,
        item_id: int | None,
        choice: str,
        key: str,
        until: datetime | None = None,
    ) -> workflow.Change:
        """choice: "1h", "tomorrow" (next working day 10:00 in the user's tz) or "at" with until."""
        now = self._now()
        item = self.get_item(team_id, item_id)
        team = self.team_of(item) if item else self._config.triage
        tz = self._people.timezone(team_id, user, team.timezone or self._config.timezone)
        cal = self._config.calendar(team, tz=tz)
        if choice == "1h":
            until = now + timedelta(hours=1)
        elif choice == "tomorrow":
            local_today = now.astimezone(cal.tz).date()
            end_of_today = datetime.combine(local_today, time(23, 59), tzinfo=cal.tz)
            until = local_next(end_of_today, time(10, 0), cal)
        if until is None:
            return workflow.Change(item, errors={"until": copy.ERR_SNOOZE_REQUIRED})
        until_text = until.astimezone(cal.tz).strftime("%a %d %b %H:%M") + f" ({cal.tz.key})"
        return self._act(
            team_id,
            user,
            item_id,
            lambda s, i: workflow.snooze(s, i, user, until, until_text, now, key),
        )

    def opening(
        self,
        team_id: str,
        user: str,
        ref: str,
        *,
        open_only: bool = True,
        reporter_may: bool = False,
    ) -> Opening:
        """Before an action's form opens: the item, or why not (unknown, not theirs, closed).
        reporter_may: the agent who logged the item may use this action too (see may_route)."""
        item = self.get_item(team_id, ref)
        if item is None:
            return Opening(None, copy.item_not_found(inert(ref, 40) or "that item"))
        if not (self.may_act(item, user) or (reporter_may and self.may_route(item, user))):
            return Opening(item, self.refusal(item))
        if open_only and not is_open(item):
            return Opening(item, copy.already_resolved(ids.item_ref(item.id or 0)))
        return Opening(item)

    # --- who may act ----------------------------------------------------------------------------
    def team_of(self, item: Item) -> Team:
        return self._config.owner_of(item.team_key)

    def may_act(self, item: Item, user: str) -> bool:
        return workflow.may_act(self.team_of(item), user, self._membership.is_member)

    def may_route(self, item: Item, user: str) -> bool:
        """The agent who logged an item may send it to another team while nobody has taken it:
        they heard the customer and often know best where it belongs (a reaction's private note
        offers them "Change team")."""
        return item.reporter_id == user and item.owner_id is None and is_open(item)

    def refusal(self, item: Item) -> str:
        team = self.team_of(item)
        ref, name = ids.item_ref(item.id or 0), inert(team.name, 80)
        if self._membership.unreadable(team.channel):
            return copy.cannot_see_members(ref, name, team.channel)
        return copy.not_allowed(ref, name, team.channel)

    def get_item(self, team_id: str, ref: str | int | None) -> Item | None:
        item_id = ref if isinstance(ref, int) else ids.parse_item_ref(ref)
        if item_id is None:
            return None
        with Session(self._engine, expire_on_commit=False) as session:
            return home.item_in_workspace(session, item_id=item_id, team_id=team_id)

    # --- private --------------------------------------------------------------------------------
    def _act(
        self,
        team_id: str,
        user: str,
        item_id: int | None,
        fn: Callable[[Session, Item], workflow.Change],
        *,
        reporter_may: bool = False,
    ) -> workflow.Change:
        """Check who may act (may ask Slack), then load under a row lock, apply and commit.

        The permission check runs before the transaction: no connection waits on Slack.
        """
        found = self.get_item(team_id, item_id)
        if found is None:
            return workflow.Change(
                None,
                message=copy.item_not_found(ids.item_ref(item_id) if item_id else "that item"),
            )

        def allowed(item: Item) -> bool:
            return self.may_act(item, user) or (reporter_may and self.may_route(item, user))

        if not allowed(found):
            return workflow.Change(found, message=self.refusal(found))
        with session_scope(self._engine) as session:
            item = workflow.load(session, item_id, team_id)
            if item is None:
                return workflow.Change(
                    None, message=copy.item_not_found(ids.item_ref(item_id or 0))
                )
            if (item.team_key, item.owner_id) != (found.team_key, found.owner_id) and not allowed(
                item
            ):
                session.rollback()  # it moved meanwhile; the new team's rules apply
                return workflow.Change(item, message=self.refusal(item))
            change = fn(session, item)
            if change.errors:
                session.rollback()
                return change
        return change  # the caller acks Slack first, then sends change.outbox_ids
