"""What a team's card says: its buttons and fields, the modals behind them, the thread history,
and the messages to the leads and to the agent who logged it.
"""

from __future__ import annotations

from collections.abc import Callable

from storage.values import ItemEventKind

# --- card --------------------------------------------------------------------------------------
CARD_TAKE = "Take it"
CARD_TAKE_OVER = "Take over"
CARD_CUSTOMER_UPDATED = "Customer updated"
CARD_REASSIGN = "Reassign"
CARD_RESOLVE = "Resolve"
CARD_OPEN = "Open card"
NOBODY = "nobody yet"
CARD_FIELDS = {
    "customer": "Customer",
    "kind": "Kind",
    "urgency": "Urgency",
    "status": "Status",
    "reporter": "Reported by",
    "owner": "Owner",
    "age": "Age",
    "team": "Team",
}


def card_fallback(item_ref: str, summary: str) -> str:
    return f"{item_ref}: {summary}"


def card_title(item_ref: str, summary: str) -> str:
    return f"{item_ref} · {summary}"


def card_waiting(waited: str, due: str, overdue: bool) -> str:
    if overdue:
        return f"⏳ Customer waiting {waited} · update overdue by {due}"
    return f"⏳ Customer waiting {waited} · update due in {due}"


def card_resolved(outcome: str, who_md: str) -> str:
    return f"✅ Resolved ({outcome}) by {who_md}"


def card_moved(team_name: str, link: str | None) -> str:
    where = f"<{link}|{team_name}>" if link else team_name
    return f"➡️ Moved to {where}. Follow it there."


def card_from_conversation(link: str) -> str:
    return f"<{link}|Original conversation>"


CARD_FULL_TEXT_IN_THREAD = (
    "The text is long, so the card shows the start. All of it is in this card's thread."
)
FULL_TEXT_DETAILS = "*Details*"
FULL_TEXT_CUSTOMER = "*Customer / account*"


def full_text_intro(item_ref: str) -> str:
    return f"Everything logged on *{item_ref}*, word for word:"


def full_text_fallback(item_ref: str) -> str:
    return f"{item_ref}: the full text"


def whole_message_attached(chars: int) -> str:
    return (
        f"The message is long ({chars:,} characters), so it does not fit in this form. "
        "All of it will be saved with the item; use Details for anything you want to add."
    )


# --- modals ------------------------------------------------------------------------------------
UPDATE_TITLE = "Customer updated"
UPDATE_SUBMIT = "Save"
UPDATE_NOTE = "What did you tell the customer?"
UPDATE_NOTE_HINT = "Saved on the item; the customer's clock starts again."
ERR_NOTE_REQUIRED = "A short note helps whoever picks this up next."
REASSIGN_TITLE = "Reassign"
REASSIGN_SUBMIT = "Move it"
REASSIGN_TEAM = "Which team owns this?"
REASSIGN_NOTE = "Why (optional)"
ERR_SAME_TEAM = "It is already with that team."
NO_OTHER_TEAM = (
    "There is no other team to move it to yet. Ask your Frontline admin to add the team that "
    "should own it."
)
RESOLVE_TITLE = "Resolve"
RESOLVE_SUBMIT = "Resolve"
RESOLVE_OUTCOME = "Outcome"
RESOLVE_NOTE = "Note for the agent who logged it"
RESOLVE_NOTE_HINT = "They will pass this on to the customer, so write it for them."
ERR_OUTCOME_REQUIRED = "Pick done or won't do."


# --- history -----------------------------------------------------------------------------------
# One sentence per ItemEventKind; `detail_md` is the event's data, shown (the team it moved to,
# the outcome, the previous owner, the new update time, the team it came from).
def event_created(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} logged this."


def event_taken(actor_md: str, detail_md: str = "") -> str:
    over = f" over from {detail_md}" if detail_md else ""
    return f"{actor_md} took it{over}."


def event_customer_updated(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} updated the customer."


def event_reassigned(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} moved it to {detail_md}."


def event_arrived(actor_md: str, detail_md: str = "") -> str:
    return f"Moved here from {detail_md} by {actor_md}."


def event_resolved(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} resolved it ({detail_md})."


def event_snoozed(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} will update the customer by {detail_md}."


def event_escalated(actor_md: str, detail_md: str = "") -> str:
    return "Escalated to the team leads."


def event_merged(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} found this is the same request as {detail_md}; its customers are there now."


def event_merged_in(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} merged {detail_md} into this: one request, more customers waiting on it."


def event_merge_undone(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} undid the merge with {detail_md}; both stand on their own again."


def event_urgency_changed(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} set the urgency to {detail_md}."


def event_customer_set(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} added the customer: {detail_md}."


def event_withdrawn(actor_md: str, detail_md: str = "") -> str:
    return f"{actor_md} withdrew this: it was logged by mistake, nothing to do."


_EVENT_LINES: dict[str, Callable[[str, str], str]] = {
    ItemEventKind.CREATED: event_created,
    ItemEventKind.TAKEN: event_taken,
    ItemEventKind.CUSTOMER_UPDATED: event_customer_updated,
    ItemEventKind.REASSIGNED: event_reassigned,
    ItemEventKind.ARRIVED: event_arrived,
    ItemEventKind.RESOLVED: event_resolved,
    ItemEventKind.SNOOZED: event_snoozed,
    ItemEventKind.ESCALATED: event_escalated,
    ItemEventKind.MERGED: event_merged,
    ItemEventKind.MERGED_IN: event_merged_in,
    ItemEventKind.MERGE_UNDONE: event_merge_undone,
    ItemEventKind.URGENCY_CHANGED: event_urgency_changed,
    ItemEventKind.CUSTOMER_SET: event_customer_set,
    ItemEventKind.WITHDRAWN: event_withdrawn,
}


def event_line(kind: str, actor_md: str, note_md: str = "", detail_md: str = "") -> str:
    """An event's line in the card's thread, with its note quoted below it."""
    sentence = _EVENT_LINES.get(kind)
    line = sentence(actor_md, detail_md) if sentence else f"{actor_md}: {kind}{detail_md}"
    if note_md:
        line += f"\n>{note_md}"
    return line


# --- leads and reporter ------------------------------------------------------------------------
def lead_high_urgency(item_ref: str, team_name: str, summary_md: str, link: str | None) -> str:
    where = f" <{link}|Open the card>." if link else ""
    return f"🔺 High-urgency feedback for {team_name}: *{item_ref}* {summary_md}.{where}"


def lead_high_urgency_fallback(item_ref: str, team_name: str) -> str:
    return f"High-urgency feedback {item_ref} for {team_name}"


def reporter_resolved(
    item_ref: str, summary_md: str, outcome: str, who_md: str, note_md: str, rule_md: str = ""
) -> str:
    lines = [f"*{item_ref}* ({summary_md}) is closed: *{outcome}*, by {who_md}."]
    if note_md:
        lines.append(f">{note_md}")
    if rule_md:
        lines.append(rule_md)
    lines.append("Thank you for listening to the customer. Now is a good moment to let them know.")
    return "\n".join(lines)


def reporter_resolved_fallback(item_ref: str, outcome: str) -> str:
    return f"{item_ref} closed: {outcome}"


def reporter_card_link(item_ref: str, team_name: str, link: str) -> str:
    return f"*{item_ref}* is with *{team_name}*: <{link}|open the card>. I will tell you when it is closed."
