"""What Frontline says about people's own choices: away dates, the digest and how nudges come."""

from __future__ import annotations

from storage.values import DigestMode, NudgeMode

# --- away ---------------------------------------------------------------------------------------


def away_set(back_on: str) -> str:
    return (
        f"Enjoy your time away. Until you are back on {back_on}, nudges about your items go to "
        "their team's channel with a note that you are away, so a colleague can update the "
        "customer. Escalations to leads keep their usual timing. `/feedback away off` ends it early."
    )


AWAY_CLEARED = "Welcome back. Nudges about your items come to you again."
AWAY_NOT_SET = "You are not marked as away, so nothing changed."
AWAY_USAGE = (
    "Use `/feedback away until 2026-12-24` (the date you are back, as year-month-day) "
    "or `/feedback away off`."
)


def away_bad_date(text: str) -> str:
    return (
        f"`{text}` is not a date I can read, so nothing changed. Write the day you are back as "
        "year-month-day, e.g. `/feedback away until 2026-12-24`."
    )


def away_past(today: str) -> str:
    return f"Pick a day after today ({today}): the date is the day you are back. Nothing changed."


def away_too_far(latest: str) -> str:
    return f"Pick a day within a year, by {latest} at the latest. Nothing changed."


def nudge_owner_away(owner_md: str, back_on: str) -> str:
    return (
        f"{owner_md} is away until {back_on}, so these come to the team. Whoever can give the "
        "customer a short update keeps their trust; the item stays with its owner."
    )


# --- App Home preferences -----------------------------------------------------------------------
PREFS_HEADING = "*Your preferences*"
PREFS_DIGEST = "Morning digest"
PREFS_NUDGES = "Nudges about your items"
PREFS_AWAY = "Away until (the day you are back)"
PREFS_AWAY_PLACEHOLDER = "Pick the day you are back"
PREFS_BACK = "I'm back"
PREFS_ESCALATIONS = "Escalations to team leads keep their timing, whatever you choose here."


def prefs_away_now(back_on: str) -> str:
    return f"You are away until {back_on}: nudges about your items go to their team's channel."


DIGEST_MODE_LABELS: dict[str, str] = {
    DigestMode.ON: "Every working day",
    DigestMode.NEEDED: "Only when something needs me",
    DigestMode.OFF: "Off",
}
NUDGE_MODE_LABELS: dict[str, str] = {
    NudgeMode.EACH: "Each one as it comes",
    NudgeMode.BATCHED: "Together at 10:00 and 15:00",
}


def digest_mode_set(mode: str) -> str:
    texts: dict[str, str] = {
        DigestMode.ON: "You will get the morning digest every working day, the tip of the day "
        "at least.",
        DigestMode.NEEDED: "You will get the morning digest only when something needs you.",
        DigestMode.OFF: "You will not get the morning digest. Nudges and App Home keep you "
        "informed.",
    }
    return texts.get(mode, texts[DigestMode.NEEDED])


def nudge_mode_set(mode: str) -> str:
    if mode == NudgeMode.BATCHED:
        return "Nudges about your items now come together at 10:00 and 15:00 your time."
    return "Nudges about your items now come one at a time, as each falls due."
