"""Capture where the conversation is: an emoji reaction on a message, @Frontline in a thread."""

from __future__ import annotations

REACTION_BOT_MESSAGE = (
    "That message comes from an app, so Frontline leaves it alone. React to the customer's own "
    "words, or use `/feedback` to write them down."
)
REACTION_NO_TEXT = (
    "That message has no text to log (a file on its own). Add a line about what the customer "
    "said, or use `/feedback`."
)
REACTION_IN_DM = (
    "Reactions log feedback in channels. For a direct message, use the message's "
    "“Log as customer feedback” shortcut, or `/feedback`."
)

CAPTURE_BUTTON_TEAM = "Change team"
CAPTURE_BUTTON_URGENT = "Mark urgent"
CAPTURE_BUTTON_CUSTOMER = "Add customer"
CAPTURE_BUTTON_UNDO = "Undo"
CAPTURE_CUSTOMER_TITLE = "Add the customer"
CAPTURE_CUSTOMER_LABEL = "Customer"
CAPTURE_CUSTOMER_SAVE = "Save"
ERR_CUSTOMER_REQUIRED = "Type the customer's name or account."

MENTION_LOG_BUTTON = "Log the thread's first message"
MENTION_HELP = (
    "Hi! Mention me inside a thread and I'll offer to log its first message as customer "
    "feedback. Elsewhere, react with :memo: to a customer's message, or use `/feedback`."
)


def reaction_logged(item_ref: str, team_name: str, reason_md: str) -> str:
    return (
        f"Logged this message as *{item_ref}* for *{team_name}*. {reason_md}\n"
        "Only you see this note; the buttons fix anything that's off."
    )


def reaction_logged_fallback(item_ref: str, team_name: str) -> str:
    return f"Logged as {item_ref} for {team_name}"


def reaction_already(item_ref: str, team_name: str, link: str | None, status: str = "") -> str:
    where = f" <{link}|Open the card>." if link else ""
    now = f" It is {status.lower()} now." if status else ""
    return f"This message is already logged as *{item_ref}* for *{team_name}*.{now}{where}"


def reaction_cannot_read(channel_md: str) -> str:
    return (
        f"Frontline can't read that message in {channel_md}, so nothing was logged. Invite the app "
        "to the channel with `/invite @Frontline` and react again. (A deleted message can't be "
        "logged.)"
    )


MENTION_OFFER = (
    "Log the first message of this thread as customer feedback? Only you see this; the button "
    "logs it once, for the team that owns it."
)


def capture_marked_urgent(item_ref: str) -> str:
    return f"*{item_ref}* is now high urgency; the team's leads hear about it."


def capture_already_urgent(item_ref: str) -> str:
    return f"*{item_ref}* is already high urgency."


def capture_customer_set(item_ref: str, customer_md: str) -> str:
    return f"Added {customer_md} as the customer of *{item_ref}*."


def capture_withdrawn(item_ref: str) -> str:
    return f"Withdrew *{item_ref}*: the team sees it was logged by mistake."


def capture_undo_not_yours(item_ref: str) -> str:
    return f"Only the person who logged *{item_ref}* can withdraw it."


def capture_undo_taken(item_ref: str, owner_id: str) -> str:
    return (
        f"<@{owner_id}> is already working on *{item_ref}*, so it stays. "
        "Let them know it was logged by mistake, and they can resolve it."
    )


def capture_undo_merged(item_ref: str) -> str:
    return (
        f"Other reports were merged into *{item_ref}*, so it stays open for those customers. "
        "The team resolves it from the card."
    )
