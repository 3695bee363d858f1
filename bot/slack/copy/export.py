"""Export: `/feedback export` for leads, and `frontline export` for whoever runs the bot."""

from __future__ import annotations

EXPORT_ON_ITS_WAY = (
    "Your export is on its way: a CSV of your teams' items from the last 90 days will arrive "
    "in your DM with me in a moment."
)
EXPORT_FOR_LEADS = (
    "The export is for team leads, so I'll leave it with them. For a list of your own items, "
    "open my App Home; a lead of your team can send you the export too."
)
EXPORT_FILE_TITLE = "Frontline feedback export"


def export_file_name(day: str) -> str:
    """day: the export's date, YYYY-MM-DD."""
    return f"frontline-export-{day}.csv"


def export_comment(rows: int, team_names: list[str], days: int) -> str:
    """The message that comes with the CSV in the lead's DM."""
    teams = ", ".join(team_names) or "your teams"
    items = "1 item" if rows == 1 else f"{rows} items"
    if rows == 0:
        return f"Here is your export for {teams}: no items in the last {days} days yet."
    return f"Here is your export for {teams}: {items} from the last {days} days, one row each."


EXPORT_NOT_BUILT = (
    "I couldn't put your export together just now. Please try `/feedback export` again "
    "in a few minutes."
)


# --- operator: `frontline export` ------------------------------------------------------------
def export_bad_date(flag: str, value: str) -> str:
    return f"{flag} {value!r} is not a date; use YYYY-MM-DD, e.g. 2026-11-01"


def export_dates_reversed(since: str, until: str) -> str:
    return f"--since {since} is after --until {until}: nothing to export"


def export_unknown_team(key: str, known: list[str]) -> str:
    return f"--team {key!r} is not a team in the config; known teams: {', '.join(known)}"


def export_written(rows: int, what: str, path: str) -> str:
    """what: "items" or "reports"."""
    return f"exported {rows} {what} to {path}"
