"""The App Home tab: what needs the person now, in their own items and in their teams' queue."""

from __future__ import annotations

from storage.values import ItemEventKind

# --- App Home ----------------------------------------------------------------------------------
HOME_INTRO = (
    "Customers tell you what hurts and what would help. Log it here or with `/feedback`, "
    "and Frontline gets it to the team that can act, then tells you when they did."
)
HOME_LOG = "Log feedback"

# section titles (mrkdwn); home_heading adds the count and the rows shown
HOME_OWNED = "*Yours to keep moving*"
HOME_LOGGED = "*What you logged*"
HOME_OVERDUE = "*Overdue: customers are waiting for their update*"
HOME_UNOWNED = "*Free to pick up*"
HOME_TOP_ASKS = "*This week's top asks*"


def home_due_soon(window: str) -> str:
    return f"*Due in the next {window}*"


def home_teams(team_names_md: str) -> str:
    return f"*Your teams' queue* · {team_names_md}"


def home_heading(title_md: str, first: int, last: int, total: int) -> str:
    """A section's title with what it holds: "(12)", or "· 11–20 of 45" on a later page."""
    if total == 0:
        return title_md
    if first <= 1 and last >= total:
        return f"{title_md} ({total})"
    return f"{title_md} · {first}–{last} of {total}"


HOME_NOTHING_OWNED = "Nothing waiting on you."
HOME_NOTHING_LOGGED = "Nothing logged yet. The next customer idea you hear is a good start."
HOME_NOTHING_OVERDUE = "Nothing overdue: every customer has heard back in time."
HOME_NOTHING_DUE_SOON = "Nothing else falls due in that time."
HOME_NOTHING_UNOWNED = "Every other open item has someone on it."
HOME_NOTHING_ASKS = "No new asks this week yet."
HOME_NO_TEAMS = (
    "Nothing open in your teams' queues right now. The queue of each team whose channel you "
    "are in shows here: overdue items, the ones due soon, the ones free to pick up, and this "
    "week's top asks."
)

# the button under a long list, and on its last page
HOME_MORE = "Show more"
HOME_BACK_TO_START = "Back to the start"


# --- one line per item ---------------------------------------------------------------------------
def home_due(duration: str, overdue: bool) -> str:
    return f"overdue by {duration}" if overdue else f"due in {duration}"


def home_customers(count: int) -> str:
    return "1 customer" if count == 1 else f"{count} customers"


def home_owner(owner_md: str) -> str:
    return f"with {owner_md}"


HOME_NO_OWNER = "free to pick up"


def home_resolved(outcome: str) -> str:
    return f"Resolved ({outcome})"


# what happened to an item last, in a few words (ItemEvent.kind)
HOME_EVENT_LABELS = {
    ItemEventKind.CREATED: "logged",
    ItemEventKind.TAKEN: "taken",
    ItemEventKind.CUSTOMER_UPDATED: "customer updated",
    ItemEventKind.REASSIGNED: "moved to another team",
    ItemEventKind.ARRIVED: "arrived from another team",
    ItemEventKind.RESOLVED: "resolved",
    ItemEventKind.SNOOZED: "update promised",
    ItemEventKind.NUDGED: "owner reminded",
    ItemEventKind.ESCALATED: "raised with the leads",
    ItemEventKind.MERGED: "merged into another item",
    ItemEventKind.MERGED_IN: "another request merged in",
    ItemEventKind.MERGE_UNDONE: "merge undone",
}
HOME_EVENT_OTHER = "changed"


def home_latest(what: str, ago: str) -> str:
    return f"latest: {what}, {ago} ago"
