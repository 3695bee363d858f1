"""The weekly insight's plan and arithmetic: the week's key, what goes out, and how stored figures
fold into configured teams and the org.

Split out of bot/insights/weekly.py: these are pure functions over the figures storage returns;
bot/insights/weekly.py reads them, draws the charts and queues the messages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.core import ids
from bot.core.config import FrontlineConfig
from bot.insights.figures import History, Insight, Thanks, Waits
from bot.schedule.clock import format_duration
from storage import insights
from storage.insights import ALL, ItemLine, Resolved

WEEK = timedelta(days=7)
HISTORY_WEEKS = 8
HINT_WINDOW = timedelta(weeks=4)
PER_LIST = 5
ORG_TEAMS = 10

T = TypeVar("T")


def week_key(at: datetime, config: FrontlineConfig) -> str:
    """The ISO week of `at` in the org's timezone, e.g. 2026-W49: the report's idempotency key."""
    year, week, _ = at.astimezone(config.calendar().tz).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class WeeklyPlan:
    week: str
    since: datetime
    until: datetime
    teams: list[Insight] = field(default_factory=list)
    org: Insight = field(default_factory=lambda: Insight(team=None))
    channel: str | None = None
    thanks: list[Thanks] = field(default_factory=list)


def _fold(found: dict[str, T], config: FrontlineConfig, add: Callable[[T, T], T]) -> dict[str, T]:
    """Stored team keys to configured teams: a key no longer configured counts as triage's."""
    out: dict[str, T] = {}
    for key, value in found.items():
        if key == ALL:
            continue
        owner = config.owner_of(key).key
        out[owner] = add(out[owner], value) if owner in out else value
    return out


def _sum_resolved(a: Resolved, b: Resolved) -> Resolved:
    return Resolved(a.resolved + b.resolved, a.done + b.done, a.wont_do + b.wont_do)


def _merge_lines(
    key: Callable[[ItemLine], Any],
) -> Callable[[list[ItemLine], list[ItemLine]], list[ItemLine]]:
    return lambda a, b: sorted(a + b, key=key)[:PER_LIST]


def _by_customers(line: ItemLine) -> tuple[int, datetime, int]:
    return (-line.customers, line.created_at, line.id)


def _by_age(line: ItemLine) -> tuple[datetime, int]:
    return (line.created_at, line.id)


def _add_lists(a: list[int], b: list[int]) -> list[int]:
    return [x + y for x, y in zip(a, b, strict=True)]


def describe(plan: WeeklyPlan) -> list[str]:
    """What --dry-run prints: one line per message that would go out."""

    def figures(i: Insight) -> str:
        median = i.waits.median
        pct = i.waits.kept_pct
        first = (
            f"first update median {format_duration(median)}, {round(pct)}% within promise"
            if median is not None and pct is not None
            else "no first updates"
        )
        return (
            f"{i.new_items} new items from {i.customers} customers; {i.resolved} resolved "
            f"({i.done} done, {i.wont_do} won't do); {first}; top asks "
            f"{', '.join(ids.item_ref(a.id) for a in i.top_asks) or 'none'}; "
            f"{len(i.rules)} rules; {len(i.hints)} keyword hints; chart"
        )

    lines = []
    for insight in plan.teams:
        assert insight.team is not None
        for lead in insight.team.leads:
            lines.append(f"weekly DM {lead} ({insight.team.key}, {plan.week}): {figures(insight)}")
    if plan.channel:
        lines.append(f"weekly summary {plan.channel} ({plan.week}): {figures(plan.org)}")
    for t in plan.thanks:
        refs = ", ".join(ids.item_ref(item_id) for item_id, _, _ in t.changes)
        lines.append(f"weekly thanks {t.agent_id} ({plan.week}): {refs}")
    return lines


def _total_waits(found: Iterable[Waits]) -> Waits:
    times: list[timedelta] = []
    kept = 0
    for w in found:
        times += w.times
        kept += w.kept
    return Waits(tuple(times), kept)


def _org(
    teams: list[Insight], customers: int, waits: list[Waits], labels: tuple[str, ...]
) -> Insight:
    new_items = [0] * HISTORY_WEEKS
    for t in teams:
        new_items = _add_lists(new_items, list(t.history.new_items))
    busiest = sorted(
        (t for t in teams if t.team is not None and t.new_items),
        key=lambda t: (-t.new_items, t.team.key if t.team else ""),
    )
    return Insight(
        team=None,
        new_items=sum(t.new_items for t in teams),
        customers=customers,
        resolved=sum(t.resolved for t in teams),
        done=sum(t.done for t in teams),
        wont_do=sum(t.wont_do for t in teams),
        waits=waits[-1],
        history=History(labels, tuple(new_items), tuple(w.kept_pct for w in waits)),
        by_team=[(t.team.key, t.new_items) for t in busiest[:ORG_TEAMS] if t.team],
    )


def _thanks(changes: Iterable[insights.Change]) -> list[Thanks]:
    by_agent: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
    for change in changes:
        by_agent[change.agent_id].append((change.item_id, change.summary, change.card_permalink))
    return [Thanks(agent, tuple(items)) for agent, items in sorted(by_agent.items())]
