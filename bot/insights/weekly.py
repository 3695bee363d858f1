"""The weekly insight job: each team's leads get a DM about the last 7 days with a chart, an
optional channel gets the org-wide summary, and agents whose reports led to a change hear thanks.

Idempotent by outbox key: one report per lead per team per ISO week (`weekly:{week}:{team}:{lead}`),
one summary per channel per week and one thank-you per agent per week, so a rerun or a second
process queues nothing new. The plan (what --dry-run prints) reads only; charts are drawn only
for reports not queued yet. The plan's shape and the folding of figures into teams and the org
live in bot/insights/weekly_plan.py.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.core.config import FrontlineConfig
from bot.core.wallclock import Now
from bot.insights.chart import ChartPainter
from bot.insights.figures import History, Insight, Meters, Waits, first_update_waits
from bot.insights.routing_hints import routing_hints
from bot.insights.weekly_plan import (
    HINT_WINDOW,
    HISTORY_WEEKS,
    PER_LIST,
    WEEK,
    WeeklyPlan,
    _add_lists,
    _by_age,
    _by_customers,
    _fold,
    _merge_lines,
    _org,
    _sum_resolved,
    _thanks,
    _total_waits,
    describe,
    week_key,
)
from bot.schedule.report import JobReport, send_now
from bot.services.workspace import Workspace
from bot.slack import copy, views
from bot.slack.delivery import Delivery
from storage import insights, outbox
from storage.db import session_scope
from storage.engine import Engine
from storage.insights import ALL, Resolved
from storage.values import OutboxKind


class WeeklyService:
    """The weekly job, given what it uses: the config, the database, the clock, the workspace
    (its id keys the outbox rows) and the outbox sender."""

    def __init__(
        self,
        config: FrontlineConfig,
        engine: Engine,
        now: Now,
        workspace: Workspace,
        delivery: Delivery,
    ) -> None:
        self._config = config
        self._engine = engine
        self._now = now
        self._workspace = workspace
        self._delivery = delivery

    def run(self, dry_run: bool = False) -> JobReport:
        now = self._now()
        plan = self.plan(now)
        report = JobReport("weekly", lines=describe(plan), dry_run=dry_run)
        if dry_run:
            return report
        return send_now(self._delivery, report, self.send(plan, now))

    # --- reading -------------------------------------------------------------------------------
    def plan(self, now: datetime) -> WeeklyPlan:
        """Reads only: every team's week before `now`, the org's, and who is thanked."""
        config = self._config
        until, since = now, now - WEEK
        starts = [now - WEEK * (HISTORY_WEEKS - i) for i in range(HISTORY_WEEKS + 1)]
        with Session(self._engine) as session:
            new = insights.new_items(session, since=since, until=until)
            heard = insights.customers_heard(session, since=since, until=until)
            resolved = insights.resolved(session, since=since, until=until)
            updates = insights.first_updates(session, since=starts[0], until=until)
            weekly_new = insights.new_items_by_week(session, starts=starts)
            asks = insights.top_asks(session, per_team=PER_LIST)
            oldest = insights.oldest_open(session, per_team=PER_LIST)
            rules = insights.blocking_rules(session, since=since, until=until, per_team=PER_LIST)
            moves = insights.moves(session, since=now - HINT_WINDOW, until=until)
            changes = insights.done_changes(session, since=since, until=until)

        # first updates per week: the last bucket is this week's figure
        meters = Meters(config)
        buckets: list[list[insights.FirstUpdate]] = [[] for _ in range(HISTORY_WEEKS)]
        for row in updates:
            index = min(HISTORY_WEEKS - 1, (row.first_update_at - starts[0]) // WEEK)
            buckets[index].append(row)
        waits = [first_update_waits(rows, config, meters) for rows in buckets]
        hints = routing_hints(moves, config)
        tz = config.calendar().tz
        labels = tuple(s.astimezone(tz).strftime("%d %b") for s in starts[:-1])

        new_f = _fold(new, config, int.__add__)
        heard_f = _fold(heard, config, int.__add__)
        resolved_f = _fold(resolved, config, _sum_resolved)
        weekly_f = _fold(weekly_new, config, _add_lists)
        asks_f = _fold(asks, config, _merge_lines(_by_customers))
        oldest_f = _fold(oldest, config, _merge_lines(_by_age))
        rules_f = _fold(rules, config, _merge_lines(_by_customers))

        plan = WeeklyPlan(week_key(now, config), since, until, channel=config.insights.channel)
        zero = [0] * HISTORY_WEEKS
        for team in config.teams:
            r = resolved_f.get(team.key, Resolved())
            team_waits = [w.get(team.key, Waits()) for w in waits]
            plan.teams.append(
                Insight(
                    team=team,
                    new_items=new_f.get(team.key, 0),
                    customers=heard_f.get(team.key, 0),
                    resolved=r.resolved,
                    done=r.done,
                    wont_do=r.wont_do,
                    waits=team_waits[-1],
                    top_asks=asks_f.get(team.key, []),
                    oldest=oldest_f.get(team.key, []),
                    rules=rules_f.get(team.key, []),
                    hints=[h for h in hints if h.to_team == team.key],
                    history=History(
                        labels,
                        tuple(weekly_f.get(team.key, zero)),
                        tuple(w.kept_pct for w in team_waits),
                    ),
                )
            )
        org_waits = [_total_waits(w.values()) for w in waits]
        plan.org = _org(plan.teams, heard.get(ALL, 0), org_waits, labels)
        plan.org.top_asks = asks.get(ALL, [])
        plan.org.oldest = oldest.get(ALL, [])
        plan.org.rules = rules.get(ALL, [])
        plan.org.hints = hints
        plan.thanks = _thanks(changes)
        return plan

    # --- sending -------------------------------------------------------------------------------
    def send(self, plan: WeeklyPlan, now: datetime) -> list[int]:
        """Queue every report not queued yet this week (each with its chart), then the thanks."""
        workspace = self._workspace.workspace_id()
        config = self._config
        tz = config.calendar().tz
        names = {t.key: t.name for t in config.teams}
        reports: list[tuple[str, str, str, Insight]] = []  # key, user, channel, insight
        for insight in plan.teams:
            assert insight.team is not None
            for lead in insight.team.leads:
                key = f"weekly:{plan.week}:{insight.team.key}:{lead}"
                reports.append((key, lead, "", insight))
        if plan.channel:
            reports.append((f"weekly:{plan.week}:all:{plan.channel}", "", plan.channel, plan.org))
        thanks_keys = {t.agent_id: f"weekly-thanks:{plan.week}:{t.agent_id}" for t in plan.thanks}
        with Session(self._engine) as session:
            queued = insights.queued_keys(
                session, keys=[r[0] for r in reports] + list(thanks_keys.values())
            )
        # Everything is drawn and built first, then queued in one short transaction: drawing
        # (about 30 ms a chart) must not hold the database's write lock that captures need.
        charts: dict[str, bytes] = {}  # one drawing per team (or the org), shared by its leads
        painters: dict[tuple[str, ...], ChartPainter] = {}  # one figure, repainted per team
        rows: list[tuple[OutboxKind, str, dict[str, Any]]] = []
        for key, user, channel, insight in reports:
            if key in queued:
                continue
            name = insight.team.name if insight.team else copy.weekly_org_header()
            chart_key = insight.team.key if insight.team else ALL
            if chart_key not in charts:
                charts[chart_key] = draw(insight, name, painters)
            to = {"channel": channel} if channel else {"user": user}
            rows.append(
                (
                    OutboxKind.DM if user else OutboxKind.POST,
                    key,
                    {
                        **to,
                        "text": views.weekly_text(insight),
                        "blocks": views.weekly_blocks(
                            insight, until=plan.until, tz=tz, team_names=names
                        ),
                    },
                )
            )
            rows.append(
                (
                    OutboxKind.FILE,
                    f"{key}:chart",
                    {
                        **to,
                        "filename": f"weekly-{chart_key or 'all'}-{plan.week}.png",
                        "title": copy.chart_title(name),
                        "text": copy.chart_comment(name),
                        "content_b64": base64.b64encode(charts[chart_key]).decode("ascii"),
                    },
                )
            )
        for thanks in plan.thanks:
            key = thanks_keys[thanks.agent_id]
            if key in queued:
                continue
            rows.append(
                (
                    OutboxKind.DM,
                    key,
                    {
                        "user": thanks.agent_id,
                        "text": copy.thanks_fallback(len(thanks.changes)),
                        "blocks": views.thanks_blocks(thanks),
                    },
                )
            )
        with session_scope(self._engine) as session:  # keys another process queued are skipped
            row_ids = outbox.enqueue_many(session, rows=rows, team_id=workspace, now=now)
        return row_ids


def draw(insight: Insight, name: str, painters: dict[tuple[str, ...], ChartPainter]) -> bytes:
    h = insight.history
    labels = tuple(h.labels)
    if labels not in painters:
        painters[labels] = ChartPainter(
            labels, bars_label=copy.CHART_NEW_ITEMS, line_label=copy.CHART_KEPT
        )
    return painters[labels].paint(h.new_items, h.kept_pct, title=copy.chart_title(name))
