"""The weekly insight as Block Kit: a team's report for its leads, the org-wide summary for the
insights channel, and the thank-you to agents. Pure builders: figures in, blocks out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, HeaderBlock, SectionBlock

from bot.core import ids
from bot.core.text import inert
from bot.insights.figures import Insight, Thanks
from bot.schedule.clock import format_duration
from bot.slack import copy
from bot.slack.views.blocks import HEADER_LIMIT, label, md, pt, to_dicts
from storage.insights import ItemLine
from storage.values import ItemStatus

SUMMARY_LIMIT = 120  # one line per item keeps a list of 5 well under a section's 3000
MAX_HINTS = 3
HINT_WEEKS = 4


def item_ref_md(item_id: int, permalink: str | None) -> str:
    ref = ids.item_ref(item_id)
    return f"<{permalink}|{ref}>" if permalink else f"*{ref}*"


def _list(title: str, lines: Sequence[str]) -> SectionBlock:
    return SectionBlock(
        text=md("\n".join([title, *lines]) if lines else f"{title}\n{copy.WEEKLY_NONE}")
    )


def _summary(line: ItemLine) -> str:
    return inert(line.summary, SUMMARY_LIMIT)


def ask_lines(lines: Sequence[ItemLine]) -> list[str]:
    return [
        copy.weekly_ask_line(item_ref_md(i.id, i.card_permalink), _summary(i), i.customers)
        for i in lines
    ]


def oldest_lines(lines: Sequence[ItemLine], now: datetime) -> list[str]:
    return [
        copy.weekly_oldest_line(
            item_ref_md(i.id, i.card_permalink), _summary(i), format_duration(now - i.created_at)
        )
        for i in lines
    ]


def rule_lines(lines: Sequence[ItemLine]) -> list[str]:
    out = []
    for i in lines:
        outcome: str | None = None
        if i.rule_outcome:
            outcome = label(copy.RULE_OUTCOME_LABELS, i.rule_outcome)
        elif i.status != ItemStatus.OPEN:
            outcome = label(copy.STATUS_LABELS, i.status)
        out.append(
            copy.weekly_rule_line(
                item_ref_md(i.id, i.card_permalink), _summary(i), i.customers, outcome
            )
        )
    return out


def hint_blocks(insight: Insight, team_names: dict[str, str]) -> list[Block]:
    blocks: list[Block] = []
    for hint in insight.hints[:MAX_HINTS]:
        sentence = copy.weekly_hint(
            hint.items,
            inert(team_names.get(hint.from_team, hint.from_team), 80),
            inert(team_names.get(hint.to_team, hint.to_team), 80),
            list(hint.words),
            HINT_WEEKS,
            hint.to_team,
        )
        yaml_line = hint.yaml_line.replace("`", "'")
        blocks.append(SectionBlock(text=md(f"{sentence}\n```{inert(yaml_line, 1500)}```")))
    if blocks:
        blocks.insert(0, SectionBlock(text=md(copy.WEEKLY_HINTS)))
    return blocks


def _period(until: datetime, tz: ZoneInfo) -> str:
    return copy.weekly_period(until.astimezone(tz).strftime("%a %d %b, %H:%M"))


def _figures(insight: Insight) -> str:
    median = insight.waits.median
    pct = insight.waits.kept_pct
    return "\n".join(
        [
            copy.weekly_volume(insight.new_items, insight.customers),
            copy.weekly_resolved(insight.resolved, insight.done, insight.wont_do),
            copy.weekly_first_updates(
                None if median is None else format_duration(median),
                None if pct is None else round(pct),
                insight.waits.count,
            ),
        ]
    )


def weekly_blocks(
    insight: Insight,
    *,
    until: datetime,
    tz: ZoneInfo,
    team_names: dict[str, str],
) -> list[dict[str, Any]]:
    """A team's week (insight.team set) or the org-wide summary (insight.team None)."""
    if insight.team is not None:
        header = copy.weekly_header(insight.team.name)
    else:
        header = copy.weekly_org_header()
    blocks: list[Block] = [
        HeaderBlock(text=pt(header, HEADER_LIMIT)),
        ContextBlock(elements=[md(_period(until, tz))]),
        SectionBlock(text=md(_figures(insight))),
    ]
    if insight.team is None and insight.by_team:
        lines = [
            copy.weekly_org_team(inert(team_names.get(key, key), 80), n)
            for key, n in insight.by_team
        ]
        blocks.append(_list(copy.WEEKLY_ORG_TEAMS, lines))
    blocks += [
        DividerBlock(),
        _list(copy.WEEKLY_TOP_ASKS, ask_lines(insight.top_asks)),
        _list(copy.WEEKLY_OLDEST, oldest_lines(insight.oldest, until)),
        _list(copy.WEEKLY_RULES, rule_lines(insight.rules)),
    ]
    hints = hint_blocks(insight, team_names)
    if hints:
        blocks += [DividerBlock(), *hints]
    return to_dicts(blocks)


def weekly_text(insight: Insight) -> str:
    """The notification text of a report (what a phone shows)."""
    if insight.team is None:
        return copy.weekly_org_fallback(insight.new_items, insight.resolved)
    return copy.weekly_fallback(insight.team.name, insight.new_items, insight.resolved)


def thanks_blocks(thanks: Thanks) -> list[dict[str, Any]]:
    lines = [
        copy.thanks_line(item_ref_md(item_id, link), inert(summary, SUMMARY_LIMIT))
        for item_id, summary, link in thanks.changes[:20]
    ]
    return to_dicts(
        [
            SectionBlock(text=md("\n".join([copy.THANKS_HEADER, *lines]))),
            ContextBlock(elements=[md(copy.THANKS_OUTRO)]),
        ]
    )
