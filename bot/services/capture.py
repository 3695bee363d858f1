"""Capturing feedback: from `/feedback <text>`, the capture form and the message shortcut.

Stored and committed before anything is sent to Slack; the card goes through the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from sqlmodel import Session

from bot.capture import intake as capture
from bot.capture.intake import Captured, CaptureRefused, Draft
from bot.core.config import FrontlineConfig
from bot.core.text import inert, is_blank, readable, visible_or_empty
from bot.core.wallclock import Now
from bot.insights.similar import SimilarFinder
from bot.slack import copy, views
from bot.slack.delivery import Delivery
from bot.slack.gateway_protocol import SlackError, SlackGateway
from storage import intake, items, outbox, reports
from storage.db import session_scope
from storage.engine import Engine
from storage.values import OutboxKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommandCapture:
    """`/feedback <text>`: the ack's text, and what was stored (None when it was refused)."""

    text: str
    captured: Captured | None = None


@dataclass(frozen=True)
class FormCapture:
    """The capture form: errors per field (nothing stored), else the notice's text."""

    text: str = ""
    captured: Captured | None = None
    errors: dict[str, str] = field(default_factory=dict)


class CaptureService:
    def __init__(
        self,
        config: FrontlineConfig,
        engine: Engine,
        gateway: SlackGateway,
        now: Now,
        delivery: Delivery,
    ) -> None:
        self._config = config
        self._engine = engine
        self._gateway = gateway
        self._now = now
        self._delivery = delivery
        self._similar: SimilarFinder | None = None
        self._on_captured: Callable[[str], None] | None = None

    # --- the listeners' calls -------------------------------------------------------------------
    def capture_command(
        self,
        text: str,
        *,
        team_id: str,
        user_id: str,
        client_key: str,
        channel: str | None = None,
    ) -> CommandCapture:
        """Parse and store `/feedback <text>` typed in `channel`; a refusal (too long, …) is the
        ack's text."""
        try:
            draft = replace(self.parse_command(text), capture_channel=channel)
        except CaptureRefused as refused:
            return CommandCapture(str(refused))
        captured = self.capture(draft, team_id=team_id, user_id=user_id, client_key=client_key)
        return CommandCapture(self._ack_text(captured), captured)

    def capture_form(
        self,
        fields: dict[str, str],
        *,
        team_key: str | None,
        team_id: str,
        user_id: str,
        client_key: str,
        long_message_id: int | None = None,
        channel: str | None = None,
    ) -> FormCapture:
        """The capture form's values, validated and stored. `channel` is where the form was
        opened: its team, preselected in the form, counts as the channel's, not as a pick."""
        channel_team = self._config.channel_team(channel)
        if channel_team is not None and team_key == channel_team.key:
            team_key = None
        draft = self._form_draft(
            fields,
            team_key=team_key,
            team_id=team_id,
            user_id=user_id,
            long_message_id=long_message_id,
        )
        draft = replace(draft, capture_channel=channel)
        errors = self.validate(draft)
        if errors:
            return FormCapture(errors=errors)
        captured = self.capture(
            draft,
            team_id=team_id,
            user_id=user_id,
            client_key=client_key,
            picked=team_key is not None,
        )
        done = copy.capture_modal_done(captured.ref, inert(captured.team.name, 80))
        return FormCapture(f"{done}\n{self._reason(captured)}", captured)

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
            with session_scope(self._engine) as session:
                long_id = intake.keep_draft(session, key, team_id, user_id, text, self._now())
            details = ""
        return replace(
            self.blank_form(channel),
            summary=summary,
            details=details,
            source_ts=ts,
            long_message_id=long_id,
            long_message_chars=len(text),
        )

    def blank_form(self, channel: str | None) -> views.CaptureDraft:
        """The capture form opened in `channel`: the customer and the team it belongs to, if any
        (`channels:` in frontline.yml), filled in for the agent to keep or change."""
        owner = self._config.channel_owner(channel)
        return views.CaptureDraft(
            source_channel=channel,
            customer=(owner.customer or "") if owner else "",
            team_key=owner.team if owner else None,
        )

    def tell_where_it_went(self, captured: Captured) -> dict[str, Any]:
        """After the command's ack: post the card, then the ack again with where it went and
        up to 3 similar open items to merge it into (the reply's body, for response_url)."""
        sent = self._delivery.send(list(captured.outbox_ids))
        card = sent.results.get(captured.outbox_ids[0], {}) if captured.outbox_ids else {}
        message = self.where_it_went(captured, card)
        text = f"{self._ack_text(captured)}\n{message}"
        suggestions = self.suggestions(captured)
        if not suggestions:
            return views.ephemeral(text)
        blocks = views.suggestion_blocks(text, captured.item.id or 0, suggestions)
        return {"response_type": "ephemeral", "text": text[: views.SECTION_LIMIT], "blocks": blocks}

    def suggest_from(self, finder: SimilarFinder) -> None:
        """Similar open items are suggested after each capture (off the ack's path)."""
        self._similar = finder

    def count_captures(self, on_captured: Callable[[str], None]) -> None:
        """on_captured(team key) after each newly stored item (the metrics; not for retries)."""
        self._on_captured = on_captured

    def suggestions(self, captured: Captured) -> list[views.Suggestion]:
        """Up to 3 open items of the same team that look like the same request; [] on any
        trouble (a suggestion is a nicety: the capture itself is done)."""
        if self._similar is None or captured.item.id is None:
            return []
        try:
            found = self._similar.similar_to(captured.item, limit=3)
        except Exception:
            log.exception("no suggestions for %s", captured.ref)
            return []
        return [
            views.Suggestion(s.item_id, s.summary, s.customers, s.card_permalink) for s in found
        ]

    def finish_form(self, captured: Captured, channel: str | None, ts: str | None) -> None:
        """After the form's ack: keep the conversation's permalink, post the card, DM the link."""
        if channel and ts:
            self.attach_source(captured, channel, ts)
        self._delivery.send(list(captured.outbox_ids))
        self.confirm_by_dm(captured)

    # --- the steps ------------------------------------------------------------------------------
    def parse_command(self, text: str) -> Draft:
        return capture.parse_command(text, self._config)

    def validate(self, draft: Draft) -> dict[str, str]:
        return capture.validate(draft, self._config)

    def capture(
        self, draft: Draft, *, team_id: str, user_id: str, client_key: str, picked: bool = False
    ) -> Captured:
        """Stored and committed before anything is sent to Slack."""
        with session_scope(self._engine) as session:
            captured = capture.store(
                session,
                draft,
                self._config,
                team_id=team_id,
                reporter_id=user_id,
                client_key=client_key,
                now=self._now(),
                picked=picked,
            )
        if captured.created and self._on_captured is not None:
            self._on_captured(captured.team.key)
        return captured

    def attach_source(self, captured: Captured, channel: str, ts: str) -> None:
        """Keep the permalink to the conversation the feedback came from (before the card goes)."""
        link = self._permalink(channel, ts)
        if not link or captured.item.id is None:
            return
        with session_scope(self._engine) as session:
            item = items.get_item(session, item_id=captured.item.id)
            if item is not None and not item.source_permalink:
                item.source_permalink = link
                session.add(item)
                reports.set_first_permalink(session, item_id=captured.item.id, link=link)

    def where_it_went(self, captured: Captured, card: dict[str, Any] | None = None) -> str:
        """The follow-up for the agent: the card's link, or honestly that it is still pending.
        card: what sending the card just recorded, when this process sent it (no read then)."""
        if card and card.get("ts"):
            posted, link = True, card.get("permalink")
        else:
            with Session(self._engine) as session:
                item = items.get_item(session, item_id=captured.item.id)
                posted, link = bool(item and item.card_ts), item.card_permalink if item else None
        team = inert(captured.team.name, 80)
        if link:
            return copy.capture_card_link(captured.ref, team, link)
        if posted:
            return copy.capture_card_posted(captured.ref, team, captured.team.channel)
        return copy.capture_card_pending(captured.ref, team)

    def confirm_by_dm(self, captured: Captured) -> None:
        """Modal captures have no response_url: the agent gets the link in the app's DM, with
        the similar open items to merge it into."""
        suggestions = [asdict(s) for s in self.suggestions(captured)]
        with session_scope(self._engine) as session:
            row = outbox.enqueue(
                session,
                key=f"capture-dm:{captured.item.id}",
                kind=OutboxKind.DM,
                team_id=captured.item.slack_team_id,
                now=self._now(),
                item_id=captured.item.id,
                payload={
                    "user": captured.item.reporter_id,
                    "text": copy.capture_ack(captured.ref, captured.team.name, ""),
                    "template": copy.reporter_card_link(
                        captured.ref, inert(captured.team.name, 80), "{link}"
                    ),
                    "with_card_link": True,
                    "suggestions": suggestions,
                },
            )
            row_id = row.id if row else None
        if row_id:
            self._delivery.send([row_id])

    # --- private --------------------------------------------------------------------------------
    def _form_draft(
        self,
        fields: dict[str, str],
        *,
        team_key: str | None,
        team_id: str,
        user_id: str,
        long_message_id: int | None,
    ) -> Draft:
        """The capture form's values; a long message kept by the shortcut joins the details."""
        long_message = ""
        if long_message_id is not None:
            with Session(self._engine) as session:
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

    def _ack_text(self, captured: Captured) -> str:
        return copy.capture_ack(captured.ref, inert(captured.team.name, 80), self._reason(captured))

    def _reason(self, captured: Captured) -> str:
        reason = views.shown_reason(captured.item.routing_reason)
        if captured.decision and captured.decision.unknown_tag:
            tag, how = captured.decision.unknown_tag, captured.decision.how
            unknown = copy.unknown_tag_here(tag) if how == "channel" else copy.unknown_tag(tag)
            reason = f"{unknown} {reason}"
        return views.reason_md(reason, 600)

    def _permalink(self, channel: str, ts: str) -> str | None:
        try:
            return self._gateway.permalink(channel, ts)
        except SlackError as exc:
            if not exc.answered:  # no answer at all: the caller's failure to log
                raise
            log.warning("no permalink for %s/%s: %s", channel, ts, exc.error)
            return None
