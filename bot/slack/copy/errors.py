"""Refusals and apologies: what a person reads when an action cannot be done."""

from __future__ import annotations


# --- refusals ----------------------------------------------------------------------------------
def not_allowed(item_ref: str, team_name: str, channel: str) -> str:
    return (
        f"*{item_ref}* is in the hands of the people in <#{channel}> and {team_name}'s leads, "
        "so I left it as it was. Ask in the channel, or join it if you work on this."
    )


def cannot_see_members(item_ref: str, team_name: str, channel: str) -> str:
    return (
        f"I can't see who is in <#{channel}> yet, so I left *{item_ref}* as it was; for now "
        f"{team_name}'s leads look after it. If it is a private channel, invite me there "
        "(`/invite @Frontline`)."
    )


def item_not_found(ref: str) -> str:
    return f"Sorry, I can't find {ref}. It may belong to another workspace."


def already_resolved(item_ref: str) -> str:
    return f"*{item_ref}* is already resolved; nothing changed."


DATABASE_UNAVAILABLE = (
    "Sorry, this was not saved: Frontline cannot reach its database right now. "
    "Please try again in a minute."
)
DATABASE_UNAVAILABLE_TITLE = "Not saved"
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on our side and nothing was changed. Please try again in a minute."
)
