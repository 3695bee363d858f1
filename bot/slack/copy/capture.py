"""What the agent reads while logging feedback: the form, the acknowledgement, the routing reason
and the `/feedback` help and team list.
"""

from __future__ import annotations

# --- capture -----------------------------------------------------------------------------------
CAPTURE_MODAL_TITLE = "Log feedback"
CAPTURE_SUBMIT = "Log it"
FIELD_SUMMARY = "What did the customer say?"
FIELD_SUMMARY_HINT = "One line the owning team can act on. Their words are best."
FIELD_DETAILS = "Details"
FIELD_DETAILS_HINT = "Context, steps, what they tried, what it costs them."
FIELD_CUSTOMER = "Customer / account"
FIELD_KIND = "Kind"
FIELD_URGENCY = "Urgency"
FIELD_TEAM = "Team (optional)"
FIELD_TEAM_HINT = "Leave empty and Frontline picks the team from the words used."
ERR_SUMMARY_REQUIRED = "Tell the team what the customer said, in a line."
ERR_SUMMARY_TOO_LONG = "Keep the summary to 300 characters; put the rest in Details."
ERR_UNKNOWN_TEAM = "That team is no longer set up in Frontline; pick another or leave it empty."
ERR_UNKNOWN_KIND = "Pick one of the listed kinds."
ERR_UNKNOWN_URGENCY = "Pick normal or high."
ERR_EMPTY_COMMAND = "There is nothing to log after the team tag. Try `/feedback Customer wants CSV invoices #billing`."


def capture_ack(item_ref: str, team_name: str, reason: str) -> str:
    return f"Logged *{item_ref}* for *{team_name}*. {reason}"


def capture_card_link(item_ref: str, team_name: str, link: str) -> str:
    return f"*{item_ref}* is on <{link}|{team_name}'s board>. You will hear from me when they close it."


def capture_card_posted(item_ref: str, team_name: str, channel: str) -> str:
    return f"*{item_ref}* is on {team_name}'s board in <#{channel}>. You will hear from me when they close it."


def capture_card_pending(item_ref: str, team_name: str) -> str:
    return (
        f"Sorry for the wait: Slack has not taken the card for {team_name} yet. "
        f"*{item_ref}* is saved, nothing you logged is lost, and I will keep trying."
    )


def capture_modal_done(item_ref: str, team_name: str) -> str:
    return f"Thanks. *{item_ref}* went to *{team_name}*. I sent you a link in our DM."


def unknown_tag(tag: str) -> str:
    return f"I don't know a team tagged `#{tag}`, so I routed by the words instead (see `/feedback teams`)."


def reason_explicit(tag: str) -> str:
    return f"You tagged it `#{tag}`."


def matched_word(word: str, term: str) -> str:
    """One piece of routing evidence in plain words: what the agent wrote and what it matched."""
    return f"“{word}”" if word == term else f"“{word}” (close to “{term}”)"


def reason_keywords(matched: list[str], team_name: str) -> str:
    shown = matched[:5]
    if not shown:
        return f"Your words match what {team_name} looks after."
    if len(shown) == 1:
        return f"Your word {shown[0]} matches what {team_name} looks after."
    return f"Your words {', '.join(shown[:-1])} and {shown[-1]} match what {team_name} looks after."


def reason_triage(team_name: str) -> str:
    return f"None of your words pointed to one team, so it went to {team_name}, who will find its owner."


def reason_picked(team_name: str) -> str:
    return f"You picked {team_name}."


HELP = (
    "*Log what a customer told you, in seconds.*\n"
    "• `/feedback Customer wants invoices as CSV` logs it and routes it to the team that owns it.\n"
    "• Add `#team` (see `/feedback teams`) or mention the team's channel to pick the team yourself.\n"
    "• `/feedback` alone opens a form with details, customer, kind and urgency.\n"
    "• On any message: ⋮ → *Log as customer feedback*.\n"
    "• `/feedback search refund delay` finds items across every team.\n"
    "• `/feedback tip` shows today's service tip; `/feedback digest on|off` chooses the morning DM.\n"
    "• Away? `/feedback away until 2026-12-24` (the day you are back) sends your nudges to your "
    "teams meanwhile; App Home has this and your digest and nudge choices.\n"
    "• Team leads: `/feedback export` sends you your teams' last 90 days as a CSV.\n"
    "The owning team gets a card, and you get a DM when they close it so you can tell the customer."
)


TEAMS_HEADER = "*Teams and what routes to them*"


def teams_page(page: int, pages: int) -> str:
    if page < pages:
        return f"Page {page} of {pages}. Type `/feedback teams {page + 1}` for the next teams."
    return f"Page {page} of {pages}. Type `/feedback teams 1` to start from the top."


def team_hours(normal: float, high: float | None) -> str:
    if high:
        return f"{normal:g} (high urgency: {high:g})"
    return f"{normal:g}"


def team_line(
    key: str, name: str, channel: str, keywords: list[str], hours: str, more_keywords: int = 0
) -> str:
    kw = ", ".join(keywords) if keywords else "no keywords"
    if more_keywords:
        kw += f" and {more_keywords} more"
    return f"• `#{key}` *{name}* in <#{channel}>: {kw}. Customers hear back within {hours} business hours."
