"""Turning what an agent typed into a stored, routed item (and its queued Slack posts)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime

from sqlmodel import Session

from bot.capture.routing import RouteDecision, route
from bot.core import ids
from bot.core.config import FrontlineConfig, Team
from bot.core.text import (
    inert,
    is_blank,
    one_line,
    readable,
    readable_typed,
    truncate,
    visible_or_empty,
)
from bot.schedule.clock import add_business_time
from bot.slack import copy, views
from storage import events, items, outbox, reports
from storage.models import Item
from storage.values import ItemEventKind, ItemKind, OutboxKind, Urgency

TAG = re.compile(r"(?<![\w&<])#([A-Za-z0-9][A-Za-z0-9_-]{0,31})\b")
CHANNEL_MENTION = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")
KINDS = tuple(ItemKind)
URGENCIES = tuple(Urgency)
SUMMARY_MAX = 300


class CaptureRefused(ValueError):
    """Bad input: the message tells the agent what to change; nothing was stored."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Draft:
    summary: str
    details: str = ""
    customer: str = ""
    kind: str = ItemKind.SUGGESTION
    urgency: str = Urgency.NORMAL
    team_key: str | None = None  # the agent's explicit pick
    unknown_tag: str | None = None
    source_channel: str | None = None
    source_ts: str | None = None
    source_permalink: str | None = None
    capture_channel: str | None = None  # where it was logged: a `channels:` entry applies
    customer_asked: bool = False  # the form asked (prefilled from the channel): left as answered


@dataclass(frozen=True)
class Captured:
    item: Item
    created: bool
    decision: RouteDecision | None
    outbox_ids: tuple[int, ...]  # a new item's card row first
    team: Team

    @property
    def ref(self) -> str:
        return ids.item_ref(self.item.id or 0)


def parse_command(text: str, config: FrontlineConfig) -> Draft:
    """`/feedback …` text: a #tag or a team channel mention picks the team; the rest is the item."""
    explicit: str | None = None
    unknown: str | None = None
    for channel in CHANNEL_MENTION.findall(text):
        team = config.team_by_channel(channel)
        if team and explicit is None:
            explicit = team.key
    for tag in TAG.findall(text):
        key = tag.lower()
        if config.team(key):
            explicit = explicit or key
        elif unknown is None:
            unknown = tag
    body = TAG.sub(lambda m: "" if config.team(m.group(1).lower()) else m.group(0), text)
    body = CHANNEL_MENTION.sub(
        lambda m: "" if config.team_by_channel(m.group(1)) else m.group(0), body
    )
    body = one_line(readable(body))
    if is_blank(body):
        raise CaptureRefused(copy.ERR_EMPTY_COMMAND, "summary")
    summary, details = body, ""
    if len(body) > SUMMARY_MAX:
        summary, details = truncate(body, SUMMARY_MAX), readable(text).strip()
    return Draft(summary=summary, details=details, team_key=explicit, unknown_tag=unknown)


def from_form(
    summary: str,
    details: str,
    customer: str,
    kind: str,
    urgency: str,
    team_key: str | None,
    long_message: str = "",
) -> Draft:
    """The capture form, read like `/feedback` text: Slack markup such as <!channel> or <@U…>
    becomes plain words; a message too long for the form is appended to Details whole."""
    details = readable_typed(visible_or_empty(details))
    return Draft(
        summary=readable_typed(visible_or_empty(summary)),
        details="\n\n".join(part for part in (details, long_message.strip()) if part),
        customer=readable_typed(visible_or_empty(customer)),
        kind=kind or ItemKind.SUGGESTION,
        urgency=urgency or Urgency.NORMAL,
        team_key=team_key,
        customer_asked=True,
    )


def capped_key(key: str, limit: int = 200) -> str:
    """Request ids come from outside; a key too long for its column is hashed, not refused."""
    if len(key) <= limit:
        return key
    return key[: limit - 65] + ":" + hashlib.sha256(key.encode()).hexdigest()


def full_text_rows(session: Session, item: Item, now: datetime) -> list[int]:
    """Text longer than the card can show goes whole to the card's thread (once per card)."""
    if not views.needs_full_text(item):
        return []
    return outbox.queue(
        session,
        item,
        key=f"full-text:{item.id}:{item.moves}",
        kind=OutboxKind.FULL_TEXT,
        now=now,
        payload={"move": item.moves},
    )


def validate(draft: Draft, config: FrontlineConfig) -> dict[str, str]:
    """Field -> message for the modal's inline errors; empty when the draft is fine."""
    errors: dict[str, str] = {}
    summary = draft.summary.strip()
    if is_blank(summary):
        errors["summary"] = copy.ERR_SUMMARY_REQUIRED
    elif len(summary) > SUMMARY_MAX:
        errors["summary"] = copy.ERR_SUMMARY_TOO_LONG
    if draft.kind not in KINDS:
        errors["kind"] = copy.ERR_UNKNOWN_KIND
    if draft.urgency not in URGENCIES:
        errors["urgency"] = copy.ERR_UNKNOWN_URGENCY
    if draft.team_key and not config.team(draft.team_key):
        errors["team"] = copy.ERR_UNKNOWN_TEAM
    return errors


def reason_text(
    decision: RouteDecision, team: Team, picked: bool, channel: str | None = None
) -> str:
    if picked:
        return copy.reason_picked(team.name)
    if decision.how == "channel" and channel:
        return copy.reason_channel(channel, team.name)
    if decision.how == "explicit":
        return copy.reason_explicit(team.key)
    if decision.how == "keywords":
        best: dict[str, str] = {}
        for match in decision.matches:  # strongest first: each word shows its best term
            best.setdefault(match.word, match.term)
        return copy.reason_keywords([copy.matched_word(w, t) for w, t in best.items()], team.name)
    return copy.reason_triage(team.name)


def with_channel_customer(draft: Draft, config: FrontlineConfig) -> Draft:
    """A channel that belongs to a customer fills an empty customer; the agent's own wins. The
    form showed the channel's customer already: a field the agent emptied stays empty."""
    owner = config.channel_owner(draft.capture_channel)
    if (
        owner is None
        or not owner.customer
        or draft.customer_asked
        or visible_or_empty(draft.customer)
    ):
        return draft
    return replace(draft, customer=owner.customer)


def route_draft(draft: Draft, text: str, config: FrontlineConfig) -> RouteDecision:
    """The agent's tag or pick first, then the team the capture's channel belongs to, then the
    words. (A channel's team is always configured: `config check` refuses any other.)"""
    channel_team = None if draft.team_key else config.channel_team(draft.capture_channel)
    if channel_team is not None:
        return RouteDecision(
            team_key=channel_team.key, how="channel", score=100.0, unknown_tag=draft.unknown_tag
        )
    return route(
        text,
        config.teams,
        config.triage_team,
        explicit=draft.team_key,
        unknown_tag=draft.unknown_tag,
        cutoff=config.routing.min_score,
    )


def due_for(item: Item, team: Team, config: FrontlineConfig, informed_at: datetime) -> datetime:
    return add_business_time(informed_at, team.inform_within(item.urgency), config.calendar(team))


def store(
    session: Session,
    draft: Draft,
    config: FrontlineConfig,
    *,
    team_id: str,
    reporter_id: str,
    client_key: str,
    now: datetime,
    picked: bool = False,
) -> Captured:
    """Insert the item, its first event and its queued posts in one transaction; once per key."""
    client_key = capped_key(client_key)
    # A retry finds its item first: an insert that loses on the unique key would still use up
    # a number of PostgreSQL's sequence, and agents would see FB numbers skipped.
    existing = items.get_item_by_client_key(session, client_key=client_key)
    if existing is not None:
        return Captured(existing, False, None, (), config.owner_of(existing.team_key))
    errors = validate(draft, config)
    if errors:
        raise CaptureRefused(next(iter(errors.values())), next(iter(errors)))
    draft = with_channel_customer(draft, config)
    text = " ".join(p for p in (draft.summary, draft.details, draft.customer) if p)
    decision = route_draft(draft, text, config)
    team = config.owner_of(decision.team_key)
    item = Item(
        slack_team_id=team_id,
        client_key=client_key,
        team_key=team.key,
        summary=draft.summary.strip(),
        details=visible_or_empty(draft.details),
        customer=visible_or_empty(draft.customer),
        kind=draft.kind,
        urgency=draft.urgency,
        reporter_id=reporter_id,
        source_permalink=draft.source_permalink,
        routing_reason=reason_text(decision, team, picked, draft.capture_channel),
        created_at=now,
        updated_at=now,
        informed_at=now,
        due_at=now,  # set just below, from the item's urgency and its team's promise
    )
    item.due_at = due_for(item, team, config, now)
    if not items.insert_item(session, item=item):  # a retry (or a racing twin): its first item
        existing = items.get_item_by_client_key(session, client_key=client_key)
        assert existing is not None, "the client_key that refused the insert is stored"
        return Captured(existing, False, None, (), config.team(existing.team_key) or team)
    assert item.id is not None
    reports.add_report(
        session,
        item=item,
        customer=item.customer,
        quote=item.details or item.summary,
        agent_id=reporter_id,
        source_permalink=item.source_permalink,
        now=now,
    )
    events.add_event(
        session,
        item_id=item.id,
        team_id=team_id,
        kind=ItemEventKind.CREATED,
        actor_id=reporter_id,
        now=now,
        data={"team": team.key, "how": decision.how, "score": decision.score},
    )
    rows = outbox.queue(
        session,
        item,
        key=f"card:{item.id}:0",
        kind=OutboxKind.CARD,
        now=now,
        payload={"channel": team.channel, "move": 0},
    )
    rows += full_text_rows(session, item, now)
    if item.urgency == Urgency.HIGH:
        rows += lead_alerts(session, item, team, now)
    session.flush()
    return Captured(item, True, decision, tuple(rows), team)


def lead_alerts(session: Session, item: Item, team: Team, now: datetime) -> list[int]:
    """High urgency: each lead of the owning team gets a DM with the card's link once it exists."""
    ref = ids.item_ref(item.id or 0)
    template = copy.lead_high_urgency(ref, inert(team.name, 80), inert(item.summary, 300), "{link}")
    rows: list[int] = []
    for lead in team.leads:
        rows += outbox.queue(
            session,
            item,
            key=f"lead-high:{item.id}:{team.key}:{lead}",
            kind=OutboxKind.DM,
            now=now,
            payload={
                "user": lead,
                "text": copy.lead_high_urgency_fallback(ref, team.name),
                "template": template,
                "with_card_link": True,
            },
        )
    return rows
