"""The weekly insight: what leads read about their team's week, the org-wide summary, the
keyword suggestions from reassignments, and the thank-you agents get for changes they started."""

from __future__ import annotations


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def weekly_header(team_name: str) -> str:
    return f"{team_name}: your week in customer feedback"


def weekly_org_header() -> str:
    return "Your week in customer feedback, all teams"


def weekly_period(until: str) -> str:
    """until: the end of the week, e.g. "Mon 30 Nov, 09:00"."""
    return f"The 7 days to {until}: what customers told the frontline, and what changed."


def weekly_volume(new_items: int, customers: int) -> str:
    if new_items == 0 and customers == 0:
        return "*No new items* this week: a calm week for customers."
    return (
        f"*{_plural(new_items, 'new item')}*, with reports from *{_plural(customers, 'customer')}*."
    )


def weekly_resolved(resolved: int, done: int, wont_do: int) -> str:
    if resolved == 0:
        return "*Nothing resolved* this week."
    return f"*{resolved} resolved*: {done} done, {wont_do} won't do."


def weekly_first_updates(median_md: str | None, kept_pct: int | None, updates: int) -> str:
    """median_md: a business-time duration like "2h 10m"."""
    if median_md is None or kept_pct is None or updates == 0:
        return "No customer heard back for the first time this week."
    return (
        f"Customers heard back after a median of *{median_md}* of business time; "
        f"*{kept_pct}%* of {_plural(updates, 'first update')} came within your promise."
    )


WEEKLY_TOP_ASKS = "*Top asks* (open, most customers first)"
WEEKLY_OLDEST = "*Waiting longest* (open, oldest first)"
WEEKLY_RULES = "*Rules that block customers*"
WEEKLY_HINTS = "*Routing that learns*"
WEEKLY_NONE = "_None this week._"
WEEKLY_ORG_TEAMS = "*Busiest teams* (new items)"


def weekly_ask_line(ref_md: str, summary_md: str, customers: int) -> str:
    return f"• {ref_md} {summary_md}: *{_plural(customers, 'customer')}*"


def weekly_oldest_line(ref_md: str, summary_md: str, age: str) -> str:
    return f"• {ref_md} {summary_md}: open for {age}"


def weekly_rule_line(ref_md: str, summary_md: str, customers: int, outcome: str | None) -> str:
    line = f"• {ref_md} {summary_md}: blocked *{_plural(customers, 'customer')}*"
    return f"{line} ({outcome})" if outcome else f"{line} (still open)"


def weekly_hint(
    items: int, from_md: str, to_md: str, words: list[str], weeks: int, team_key: str
) -> str:
    """E.g. 4 items moved from Support Ops to Billing in 4 weeks; they share “chargeback” and
    “dispute”. Add them to billing's keywords?"""
    quoted = [f"“{w}”" for w in words]
    if not quoted:
        shared = "a few words"
    elif len(quoted) == 1:
        shared = quoted[0]
    else:
        shared = ", ".join(quoted[:-1]) + " and " + quoted[-1]
    return (
        f"{_plural(items, 'item')} moved from {from_md} to {to_md} in "
        f"{_plural(weeks, 'week')}; they share {shared}. Add them to {team_key}'s keywords?"
    )


def weekly_org_team(team_md: str, new_items: int) -> str:
    return f"• {team_md}: {new_items}"


def weekly_fallback(team_name: str, new_items: int, resolved: int) -> str:
    return f"{team_name}'s week: {_plural(new_items, 'new item')}, {resolved} resolved"


def weekly_org_fallback(new_items: int, resolved: int) -> str:
    return f"The week across all teams: {_plural(new_items, 'new item')}, {resolved} resolved"


CHART_NEW_ITEMS = "New items"
CHART_KEPT = "% first updates within promise"


def chart_title(team_name: str) -> str:
    return f"{team_name}: the last 8 weeks"


def chart_comment(team_name: str) -> str:
    return (
        f"{team_name}, the last 8 weeks: new items each week, and how often customers first "
        "heard back within your promise."
    )


THANKS_HEADER = "Thank you: customers you listened to will see these changes."
THANKS_OUTRO = "You heard them, passed it on, and the team made it happen."


def thanks_line(ref_md: str, summary_md: str) -> str:
    return f"• {ref_md} {summary_md}: done"


def thanks_fallback(changes: int) -> str:
    return f"Thank you: {_plural(changes, 'change')} this week started with what you heard"
