"""The App Home tab."""

from __future__ import annotations

# --- App Home ----------------------------------------------------------------------------------
HOME_INTRO = (
    "Customers tell you what hurts and what would help. Log it here or with `/feedback`, "
    "and Frontline gets it to the team that can act, then tells you when they did."
)
HOME_LOG = "Log feedback"
HOME_OWNED = "*Yours to keep moving*"
HOME_LOGGED = "*What you logged lately*"
HOME_NOTHING_OWNED = "Nothing waiting on you."
HOME_NOTHING_LOGGED = "Nothing logged yet. The next customer idea you hear is a good start."
HOME_WAITING = "*Free to pick up in your teams*"
HOME_NOTHING_WAITING = (
    "Open items still free to pick up in your teams' channels show up here. "
    "Right now there are none."
)


def home_more(count: int) -> str:
    return f"…and {count} more, each with a card in its team's channel."
