"""The domain facade the listeners and jobs call. It never sees a Slack request object."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import exc as db_errors
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bot.capture import intake as capture
from bot.capture.intake import Captured, Draft
from bot.cards import workflow
from bot.cards.membership import Membership
from bot.core import ids
from bot.core.config import FrontlineConfig, Team
from bot.core.text import inert, is_blank, readable, visible_or_empty
from bot.core.wallclock import Now, system_now
from bot.schedule.clock import local_next
from bot.schedule.people import People
from bot.schedule.tip_library import Tip, load_builtin_tips, merge_tips
from bot.schedule.tips import tip_of_the_day
from bot.slack import copy, views
from bot.slack.delivery import Delivery, SendReport
from bot.slack.gateway import SlackError, SlackGateway
from storage import intake, outbox
from storage.db import session_scope
from storage.models import Item
from storage.values import ItemStatus, OutboxKind

log = logging.getLogger(__name__)

TEAMS_PER_PAGE = 25  # `/feedback teams`: a page stays far below Slack's 50 blocks and 3000/section
TEAM_KEYWORDS_SHOWN = 20  # so one team's line always fits a section whole


class WorkspaceUnknown(RuntimeError):
    """Slack did not tell us which workspace this is; nothing may be claimed or sent."""


class Frontline:
    def __init__(
        self,
        config: FrontlineConfig,
        engine: Engine,
        slack: SlackGateway,
        *,
        now: Now = system_now,
        membership: Membership | None = None,
        after_ack_workers: int = 4,
        send_slack: SlackGateway | None = None,
    ) -> None:
        """slack: the gateway for reads and updates; send_slack: the outbox's (no blind retry
        of a post), the same one when not given."""
        self.config = config
        self.engine = engine
        self.slack = slack
        self.now = now
        self.membership = membership or Membership(slack)
        self.delivery = Delivery(engine, send_slack or slack, config, now)
        self.people = People(engine, slack, now)
        # Slack calls that follow an ack run here, few at a time, so new acks keep the CPU.
        self._after_ack = ThreadPoolExecutor(
            max_workers=after_ack_workers, thread_name_prefix="after-ack"
        )
        self._workspace: str | None = None
        self._tips: list[Tip] | None = None

    def after_ack(self, fn: Callable[..., None], *args: Any) -> None:
        """Run slow follow-up work (Slack calls) off the request path; failures are logged.

        What it sends is already in the outbox, so work lost to a crash is retried by the
        deliveries job.
        """

        def run() -> None:
            try:
                fn(*args)
            except Exception:
                log.exception("follow-up work after an ack failed")

        self._after_ack.submit(run)

    def close(self) -> None:
        self._after_ack.shutdown(wait=True, cancel_futures=False)

    def workspace_id(self) -> str:
        """The Slack team id of this deployment's workspace (auth.test, asked once).

        Jobs key their claims with it, so a guess would let a second run send again:
        when Slack cannot say, the job stops instead (WorkspaceUnknown).
        """
        if self._workspace is None:
            try:
                team = str(self.slack.auth_test().get("team_id") or "")
            except (SlackError, OSError) as exc:
                text = exc.detail if isinstance(exc, SlackError) else str(exc)
                raise WorkspaceUnknown(text.splitlines()[0][:200]) from None
            if not team:
                raise WorkspaceUnknown("auth.test returned no team_id")
            self._workspace = team
        return self._workspace

    # --- tips -----------------------------------------------------------------------------------
    def tips(self) -> list[Tip]:
        """Built-in tips, then the admin's own from the config file, in one rotation."""
        if self._tips is None:
            self._tips = merge_tips(load_builtin_tips(), list(self.config.tips.extra))
        return self._tips

    def tip_for(self, day: date) -> Tip:
        return tip_of_the_day(self.tips(), day, self.config.calendar())

    def tip_today_text(self) -> str:
        tip = self.tip_for(self.now().astimezone(self.config.calendar().tz).date())
        return copy.tip_text(inert(tip.title, 100), inert(tip.body, 1000))

    def set_digest(self, team_id: str, user: str, on: bool) -> str:
        self.people.set_digest(team_id, user, on)
        return copy.digest_set(on)

    # --- capture --------------------------------------------------------------------------------
    def parse_command(self, text: str) -> Draft:
        return capture.parse_command(text, self.config)

    def capture(
        self, draft: Draft, *, team_id: str, user_id: str, client_key: str, picked: bool = False
    ) -> Captured:
        """Stored and committed before anything is sent to Slack."""
        with session_scope(self.engine) as session:
            return capture.store(
                session,
                draft,
                self.config,
                team_id=team_id,
                reporter_id=user_id,
                client_key=client_key,
                now=self.now(),
                picked=picked,
            )

    def readable(self, text: str) -> str:
        return readable(text)

    def form_draft(
        self,
        fields: dict[str, str],
        *,
        team_key: str | None,
        team_id: str,
        user_id: str,
        long_message_id: int | None = None,
    ) -> Draft:
        """The capture form's values; a long message kept by the shortcut joins the details."""
        long_message = ""
        if long_message_id is not None:
            with Session(self.engine) as session:
                long_message = intake.draft_text(session, long_message_id, team_id, user_id) or ""
        return capture.from_form(
            fields.get("summary", ""),
            fields.get("details", ""),
            fields.get("customer", ""),
            fields.get("kind", ""),
            fields.get("urgency", ""),
            team_key,
            long_message,
        )

    def message_draft(
        self,
        wire_text: str,
        *,
        channel: str | None,
        ts: str | None,
        key: str,
        team_id: str,
        user_id: str,
    ) -> views.CaptureDraft:
        """The capture form filled from a message: its first line as the summary, all of it as
        details. A message too long for the form is stored whole first and saved with the item
        when the form comes back."""
        text = visible_or_empty(readable(wire_text))
        summary = next((line.strip() for line in text.splitlines() if not is_blank(line)), "")
        # the summary holds 300 characters: a longer single line goes whole to Details too
        details = text if text != summary or len(summary) > capture.SUMMARY_MAX else ""
        long_id = None
        if len(details) > views.FORM_DETAILS_MAX:
            with session_scope(self.engine) as session:
                long_id = intake.keep_draft(session, key, team_id, user_id, text, self.now())
            details = ""
        return views.CaptureDraft(
            summary=summary,
            details=details,
            source_channel=channel,
            source_ts=ts,
            long_message_id=long_id,
            long_message_chars=len(text),
        )

    def first_delivery(self, event_id: str, team_id: str) -> bool:
        """False when Slack retries an event already handled (same event_id)."""
        with session_scope(self.engine) as session:
            return intake.first_delivery(session, event_id, team_id, self.now())

    @staticmethod
    def is_outage(error: BaseException) -> bool:
        """The database cannot be reached (down, restarting, out of connections, locked)."""
        return isinstance(
            error,
            (
                db_errors.OperationalError,
                db_errors.InterfaceError,
                db_errors.TimeoutError,
                db_errors.DisconnectionError,
            ),
        )

    def validate(self, draft: Draft) -> dict[str, str]:
        return capture.validate(draft, self.config)

    def attach_source(self, captured: Captured, channel: str, ts: str) -> None:
        """Keep the permalink to the conversation the feedback came from (before the card goes)."""
        link = self.permalink(channel, ts)
        if not link or captured.item.id is None:
            return
        with session_scope(self.engine) as session:
            item = session.get(Item, captured.item.id)
            if item is not None and not item.source_permalink:
                item.source_permalink = link
                session.add(item)

    def capture_ack_text(self, captured: Captured) -> str:
        return copy.capture_ack(
            captured.ref, inert(captured.team.name, 80), self.capture_reason(captured)
        )

    def capture_done_text(self, captured: Captured) -> str:
        done = copy.capture_modal_done(captured.ref, inert(captured.team.name, 80))
        return f"{done}\n{self.capture_reason(captured)}"

    def capture_reason(self, captured: Captured) -> str:
        reason = views.shown_reason(captured.item.routing_reason)
        if captured.decision and captured.decision.unknown_tag:
            reason = f"{copy.unknown_tag(captured.decision.unknown_tag)} {reason}"
        return inert(reason, 600)

    def deliver(self, row_ids: Any) -> SendReport:
        return self.delivery.send(list(row_ids))

    def card_link(self, item_id: int) -> str | None:
        with Session(self.engine) as session:
            item = session.get(Item, item_id)
            return item.card_permalink if item else None

    def where_it_went(self, captured: Captured) -> str:
        """The follow-up for the agent: the card's link, or honestly that it is still pending."""
        with Session(self.engine) as session:
            item = session.get(Item, captured.item.id)
            posted, link = bool(item and item.card_ts), item.card_permalink if item else None
        team = inert(captured.team.name, 80)
        if link:
            return copy.capture_card_link(captured.ref, team, link)
        if posted:
            return copy.capture_card_posted(captured.ref, team, captured.team.channel)
        return copy.capture_card_pending(captured.ref, team)

    def permalink(self, channel: str, ts: str) -> str | None:
        try:
            return self.slack.permalink(channel, ts)
        except SlackError as exc:
            if not exc.answered:  # no answer at all: the caller's failure to log
                raise
            log.warning("no permalink for %s/%s: %s", channel, ts, exc.error)
            return None

    def confirm_by_dm(self, captured: Captured) -> None:
        """Modal captures have no response_url: the agent gets the link in the app's DM."""
        with session_scope(self.engine) as session:
            row = outbox.enqueue(
                session,
                key=f"capture-dm:{captured.item.id}",
                kind=OutboxKind.DM,
                team_id=captured.item.slack_team_id,
                now=self.now(),
                item_id=captured.item.id,
                payload={
                    "user": captured.item.reporter_id,
                    "text": copy.capture_ack(captured.ref, captured.team.name, ""),
                    "template": copy.reporter_card_link(
                        captured.ref, inert(captured.team.name, 80), "{link}"
                    ),
                    "with_card_link": True,
                },
            )
            row_id = row.id if row else None
        if row_id:
            self.deliver([row_id])

    # --- the team's actions ---------------------------------------------------------------------
    def team_of(self, item: Item) -> Team:
        return self.config.team(item.team_key) or self.config.triage

    def may_act(self, item: Item, user: str) -> bool:
        return workflow.may_act(self.team_of(item), user, self.membership.is_member)

    def refusal(self, item: Item) -> str:
        team = self.team_of(item)
        ref, name = ids.item_ref(item.id or 0), inert(team.name, 80)
        if self.membership.unreadable(team.channel):
            return copy.cannot_see_members(ref, name, team.channel)
        return copy.not_allowed(ref, name, team.channel)

    def not_found(self, ref: str) -> str:
        return copy.item_not_found(inert(ref, 40) or "that item")

    def already_closed(self, item: Item) -> str:
        return copy.already_resolved(ids.item_ref(item.id or 0))

    def get_item(self, team_id: str, ref: str | int | None) -> Item | None:
        item_id = ref if isinstance(ref, int) else ids.parse_item_ref(ref)
        if item_id is None:
            return None
        with Session(self.engine, expire_on_commit=False) as session:
            return session.exec(
                select(Item).where(Item.id == item_id, Item.slack_team_id == team_id)
            ).first()

    def _act(
        self,
        team_id: str,
        user: str,
        item_id: int | None,
        fn: Callable[[Session, Item], workflow.Change],
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
        if not self.may_act(found, user):
            return workflow.Change(found, message=self.refusal(found))
        with session_scope(self.engine) as session:
            item = workflow.load(session, item_id, team_id)
            if item is None:
                return workflow.Change(
                    None, message=copy.item_not_found(ids.item_ref(item_id or 0))
                )
            if item.team_key != found.team_key and not self.may_act(item, user):
                session.rollback()  # it moved meanwhile; the new team's rules apply
                return workflow.Change(item, message=self.refusal(item))
            change = fn(session, item)
            if change.errors:
                session.rollback()
                return change
        return change  # the caller acks Slack first, then sends change.outbox_ids

    def take(self, team_id: str, user: str, item_id: int | None) -> workflow.Change:
        return self._act(team_id, user, item_id, lambda s, i: workflow.take(s, i, user, self.now()))

    def customer_updated(
        self, team_id: str, user: str, item_id: int | None, note: str, key: str
    ) -> workflow.Change:
        return self._act(
            team_id,
            user,
            item_id,
            lambda s, i: workflow.customer_updated(s, i, user, note, self.now(), self.config, key),
        )

    def reassign(
        self, team_id: str, user: str, item_id: int | None, to_key: str, note: str, key: str
    ) -> workflow.Change:
        return self._act(
            team_id,
            user,
            item_id,
            lambda s, i: workflow.reassign(s, i, user, to_key, note, self.now(), self.config, key),
        )

    def resolve(
        self, team_id: str, user: str, item_id: int | None, outcome: str, note: str, key: str
    ) -> workflow.Change:
        return self._act(
            team_id,
            user,
            item_id,
            lambda s, i: workflow.resolve(s, i, user, outcome, note, self.now(), key),
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
        now = self.now()
        item = self.get_item(team_id, item_id)
        team = self.team_of(item) if item else self.config.triage
        tz = self.people.timezone(team_id, user, team.timezone or self.config.timezone)
        cal = self.config.calendar(team, tz=tz)
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

    # --- read-only views ------------------------------------------------------------------------
    def help_text(self) -> str:
        return copy.HELP

    def teams_reply(self, page: int = 1) -> dict[str, Any]:
        """`/feedback teams [page]`: every team whole, TEAMS_PER_PAGE to a page."""
        teams = self.config.teams
        pages = max(1, -(-len(teams) // TEAMS_PER_PAGE))
        page = min(max(page, 1), pages)
        lines = []
        for team in teams[(page - 1) * TEAMS_PER_PAGE : page * TEAMS_PER_PAGE]:
            within = team.inform_within_hours
            keywords = [inert(k, 60) for k in team.keywords]
            lines.append(
                copy.team_line(
                    team.key,
                    inert(team.name, 80),
                    team.channel,
                    keywords[:TEAM_KEYWORDS_SHOWN],
                    copy.team_hours(within.normal, within.high),
                    more_keywords=max(0, len(keywords) - TEAM_KEYWORDS_SHOWN),
                )
            )
        return views.teams_reply(lines, page, pages)

    def home(self, team_id: str, user: str) -> dict[str, Any]:
        """Owned items, the unowned items of the person's teams (the channel nudges' full list),
        and what they logged lately. Membership is asked between the reads, outside a session."""
        mine = (
            Item.slack_team_id == team_id,
            Item.owner_id == user,
            Item.status == ItemStatus.OPEN,
        )
        unowned = (
            Item.slack_team_id == team_id,
            col(Item.owner_id).is_(None),
            Item.status == ItemStatus.OPEN,
        )
        limit = views.HOME_LIST
        with Session(self.engine) as session:
            owned = session.exec(
                select(Item).where(*mine).order_by(col(Item.due_at), col(Item.id)).limit(limit)
            ).all()
            owned_total = session.exec(select(func.count()).select_from(Item).where(*mine)).one()
            logged = session.exec(
                select(Item)
                .where(Item.slack_team_id == team_id, Item.reporter_id == user)
                .order_by(col(Item.id).desc())
                .limit(20)
            ).all()
            keys = session.exec(select(Item.team_key).where(*unowned).distinct()).all()
        my_keys = [key for key in keys if self.may_act_for(self.config.team(key), user)]
        waiting: list[Item] = []
        waiting_total = 0
        if my_keys:
            in_my_teams = (*unowned, col(Item.team_key).in_(my_keys))
            with Session(self.engine) as session:
                waiting = list(
                    session.exec(
                        select(Item)
                        .where(*in_my_teams)
                        .order_by(col(Item.due_at), col(Item.id))
                        .limit(limit)
                    ).all()
                )
                waiting_total = session.exec(
                    select(func.count()).select_from(Item).where(*in_my_teams)
                ).one()
        shown = [*owned, *waiting, *logged]
        data = views.HomeData(
            owned=owned,
            owned_total=owned_total,
            waiting=waiting,
            waiting_total=waiting_total,
            logged=logged,
            team_names={i.team_key: self.team_of(i).name for i in shown},
            links={i.id: i.card_permalink for i in shown if i.id and i.card_permalink},
        )
        return views.home_view(data, self.now())

    def may_act_for(self, team: Team | None, user: str) -> bool:
        """May act on a team's items; a key no longer configured belongs to the triage team."""
        return workflow.may_act(team or self.config.triage, user, self.membership.is_member)
