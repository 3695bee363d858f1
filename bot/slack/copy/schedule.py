"""What the scheduled jobs say: nudges, escalations to the leads, the morning digest and tips."""

from __future__ import annotations

from storage.values import ItemEventKind

# --- nudges and escalation ---------------------------------------------------------------------
NUDGE_HEADER = "Customers waiting for news"
NUDGE_CHANNEL_INTRO = (
    "These are still free to pick up. Whoever takes one gives a customer some peace of mind."
)
NUDGE_UPDATE = "Update the customer"
NUDGE_SNOOZE = "I'll update them by…"
SNOOZE_1H = "In an hour"
SNOOZE_TOMORROW = "Tomorrow 10:00"
SNOOZE_PICK = "Pick a time…"
SNOOZE_TITLE = "Update them by"
SNOOZE_SUBMIT = "Save"
SNOOZE_FIELD = "When will you update the customer?"
ERR_SNOOZE_PAST = "Pick a time in the future."
ERR_SNOOZE_FAR = "Pick a time within the next 30 days; a customer should not wait longer for news."
ERR_SNOOZE_REQUIRED = "Pick a date and time."


def who_waits(customer_md: str) -> str:
    return customer_md or "The customer"


def nudge_line(
    item_ref: str, customer_md: str, waited: str, summary_md: str, due: str, overdue: bool
) -> str:
    when = f"the update was due {due} ago" if overdue else f"an update is due in {due}"
    return (
        f"*{who_waits(customer_md)}* has waited {waited} for news on *{item_ref}* ({summary_md}); "
        f"{when}. A short update keeps their trust."
    )


def nudge_fallback(count: int) -> str:
    return f"{count} customer{'s' if count != 1 else ''} waiting for an update"


def more_items(count: int) -> str:
    return (
        f"…and {count} more. App Home lists what is waiting in your teams, the most urgent first."
    )


def more_owned(count: int) -> str:
    return f"…and {count} more. App Home lists yours, the most urgent first."


def more_due_today(count: int) -> str:
    return f"…and {count} more due today. App Home lists yours, the most urgent first."


def escalation(
    item_ref: str,
    team_name: str,
    customer_md: str,
    waited: str,
    owner_md: str,
    summary_md: str,
    link: str | None,
) -> str:
    card = f" <{link}|Open the card>." if link else ""
    return (
        f"*{who_waits(customer_md)}* has waited {waited} for news on *{item_ref}* "
        f"({summary_md}), well past {team_name}'s promise. Owner: {owner_md}. "
        f"A check-in from you may help clear whatever is in the way.{card}"
    )


def escalation_fallback(item_ref: str, waited: str) -> str:
    return f"{item_ref}: customer waiting {waited}, escalated to leads"


def snoozed(item_ref: str, when: str) -> str:
    return f"Noted: you will update the customer on *{item_ref}* by {when}. I'll hold the reminders until then."


# --- digest and tips ---------------------------------------------------------------------------
DIGEST_HEADER = "Your Frontline morning"
DIGEST_DUE_TODAY = "*Customers to update today*"
DIGEST_NOTHING_DUE = (
    "No customer update is due today on your items. Thank you for keeping them informed."
)
DIGEST_MOVED = "*What happened to feedback you logged*"
DIGEST_TEAM = "*Your teams today*"
TIP_HEADER = "Tip of the day"


def digest_fallback(due: int, moved: int) -> str:
    return f"Frontline: {due} customer updates due today, {moved} of your items moved"


def digest_what(kind: str, who_md: str, team_md: str = "", outcome: str = "") -> str:
    """What happened to an item the reader logged; `kind` is the event's kind."""
    texts: dict[str, str] = {
        ItemEventKind.TAKEN: f"{who_md} took it",
        ItemEventKind.CUSTOMER_UPDATED: f"{who_md} updated the customer",
        ItemEventKind.REASSIGNED: f"{who_md} moved it to {team_md}",
        ItemEventKind.RESOLVED: f"{who_md} resolved it ({outcome})",
    }
    return texts.get(kind, f"{who_md} set a new update time")


def digest_moved(item_ref: str, summary_md: str, what: str) -> str:
    return f"*{item_ref}* {summary_md}: {what}"


def digest_team(team_name: str, open_count: int, overdue: int, median_wait: str) -> str:
    return (
        f"• *{team_name}*: {open_count} open, {overdue} overdue, median customer wait {median_wait}"
    )


def tip_text(title: str, body: str) -> str:
    return f"*{title}*\n{body}"


def tip_fallback(title: str) -> str:
    return f"Tip of the day: {title}"


DIGEST_USAGE = "Use `/feedback digest on` or `/feedback digest off`."
