"""Closing the loop for everyone: each agent who reported an item hears how it ended, naming
their own customers, and for a rule that blocks customers, what became of the rule and why."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.core import ids
from bot.core.text import inert
from bot.slack import copy, views
from storage import outbox, reports
from storage.models import Item
from storage.values import ItemKind, OutboxKind, Outcome, RuleOutcome

RULE_OUTCOMES = tuple(RuleOutcome)


def rule_errors(item: Item, rule_outcome: str, rule_reason: str) -> dict[str, str]:
    """A rule that blocks customers is resolved with what became of it; a kept one says why."""
    if item.kind != ItemKind.RIGID_RULE:
        return {}
    if rule_outcome not in RULE_OUTCOMES:
        return {"rule_outcome": copy.ERR_RULE_OUTCOME_REQUIRED}
    if rule_outcome == RuleOutcome.KEPT and not rule_reason.strip():
        return {"rule_reason": copy.ERR_RULE_REASON_REQUIRED}
    return {}


def _quoted(text: str, limit: int = 1500) -> str:
    return inert(text, limit).replace("\n", "\n>") if text else ""


def resolved_dms(
    session: Session, item: Item, actor: str, rule_reason: str, now: datetime
) -> list[int]:
    """One DM per agent who reported the item; one report keeps the reporter's usual message."""
    assert item.id is not None
    ref = ids.item_ref(item.id)
    label = copy.OUTCOME_LABELS[Outcome(item.outcome or Outcome.DONE)]
    summary, note = inert(item.summary, 300), _quoted(item.resolution_note, 2500)
    rule = ""
    if item.kind == ItemKind.RIGID_RULE and item.rule_outcome:
        rule_label = views.label(copy.RULE_OUTCOME_LABELS, item.rule_outcome)
        rule = copy.rule_outcome_line(rule_label, _quoted(rule_reason))
    fallback = copy.reporter_resolved_fallback(ref, label)
    found = reports.reports_of(session, item_id=item.id)
    if len(found) <= 1:
        user = found[0].agent_id if found else item.reporter_id
        text = copy.reporter_resolved(ref, summary, label, f"<@{actor}>", note, rule)
        return outbox.queue(
            session,
            item,
            key=f"resolved-dm:{item.id}",
            kind=OutboxKind.DM,
            now=now,
            payload={"user": user, "text": fallback, "blocks": views.text_blocks(text)},
        )
    customers: dict[str, list[str]] = {}
    for report in found:
        names = customers.setdefault(report.agent_id, [])
        name = " ".join(report.customer.split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    rows: list[int] = []
    for agent, names in customers.items():
        named = copy.customer_names([inert(n, 80) for n in names[:10]])
        text = copy.agent_resolved(ref, summary, label, f"<@{actor}>", note, named, rule)
        rows += outbox.queue(
            session,
            item,
            key=f"resolved-dm:{item.id}:{agent}",
            kind=OutboxKind.DM,
            now=now,
            payload={"user": agent, "text": fallback, "blocks": views.text_blocks(text)},
        )
    return rows
