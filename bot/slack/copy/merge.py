"""What Frontline says about one request with many customers: the merge form, the card's
customers and quotes, the thread note and its undo, suggestions at capture, everyone told on
resolve, and what became of a rule that blocks customers.
"""

from __future__ import annotations

from collections.abc import Sequence

# --- card --------------------------------------------------------------------------------------
CARD_MERGE = "Merge"


def customers_count(count: int) -> str:
    return "1 customer" if count == 1 else f"{count} customers"


def card_customers(count_text: str) -> str:
    return f"👥 *{count_text}* asked for this. Latest:"


def card_quote(quote_md: str, customer_md: str, agent_md: str) -> str:
    who = customer_md or "A customer"
    return f">{quote_md}\n— {who}, heard by {agent_md}"


def card_merged_into(target_ref: str, link: str | None) -> str:
    where = f"<{link}|{target_ref}>" if link else f"*{target_ref}*"
    return f"🔀 Merged into {where}: the same request. Its customers are counted there now."


# --- the merge form ----------------------------------------------------------------------------
MERGE_TITLE = "Merge into another item"
MERGE_SUBMIT = "Merge"
MERGE_INTRO = (
    "Same request as another item? Merge it there: its customers and their words move along, "
    "and the card here closes. You can undo it from the note in the other card's thread."
)
MERGE_PICK = "Same request as"
MERGE_PICK_PLACEHOLDER = "Pick an open item of this team"
MERGE_REF = "Or type its id"
MERGE_REF_HINT = "Any open item of the workspace, e.g. FB-12."
NO_MERGE_CANDIDATES = "This team has no other open item yet: type the id of one from another team."
ERR_MERGE_TARGET_REQUIRED = "Pick the item this repeats, or type its id."
ERR_MERGE_TWO_TARGETS = "Pick one item or type one id, not two different ones."
ERR_MERGE_SELF = "That is this very item. Pick the one it repeats."


def merge_option(item_ref: str, summary: str, count_text: str) -> str:
    """A choice in the form's list (plain text: Slack shows it as typed)."""
    return f"{item_ref} ({count_text}) · {summary}"


def err_merge_unknown(item_ref: str) -> str:
    return f"There is no item {item_ref} in this workspace."


def err_merge_target_closed(item_ref: str) -> str:
    return f"{item_ref} is already closed, so it takes no more customers. Pick an open item."


def err_merge_target_merged(item_ref: str, into_ref: str) -> str:
    return f"{item_ref} was merged into {into_ref}. Merge into {into_ref} instead."


# --- answers to the person who merged ----------------------------------------------------------
def merged_done(source_ref: str, target_ref: str, count_text: str) -> str:
    return (
        f"Merged *{source_ref}* into *{target_ref}*: {count_text} now. "
        "The undo button is in that card's thread."
    )


def merge_already(source_ref: str, target_ref: str) -> str:
    return f"*{source_ref}* is already merged into *{target_ref}*. Nothing changed."


def merge_source_closed(source_ref: str) -> str:
    return f"*{source_ref}* is already closed, so it stays as it is."


def merge_suggested_refused(source_ref: str) -> str:
    return (
        f"The agent who logged *{source_ref}* or its team can merge it. "
        "Nothing changed; ask them in the card's thread."
    )


# --- thread note and undo ----------------------------------------------------------------------
UNDO_BUTTON = "Undo merge"


def merge_note_undone(line: str) -> str:
    return f"{line}\n_This merge was undone._"


def undone(source_ref: str, target_ref: str) -> str:
    return (
        f"Undone: *{source_ref}* and *{target_ref}* stand on their own again, "
        "each with its own customers."
    )


MERGE_ALREADY_UNDONE = "That merge is already undone. Nothing changed."
MERGE_UNKNOWN = "That merge is no longer on record. Nothing changed."


def undo_refused_resolved(target_ref: str) -> str:
    return (
        f"*{target_ref}* was resolved after the merge and its agents were told, so the merge stays."
    )


def undo_refused_moved_on(target_ref: str, into_ref: str) -> str:
    return (
        f"*{target_ref}* was merged into *{into_ref}* since, so this merge stays. "
        f"Undo that one first, from *{into_ref}*'s thread."
    )


# --- suggestions at capture --------------------------------------------------------------------
SUGGESTIONS_INTRO = (
    "These look like the same request. The new item stays on its own unless you merge it."
)


def suggestion(target_ref: str, count_text: str, summary_md: str, link: str | None) -> str:
    head = f"<{link}|{target_ref}>" if link else target_ref
    return f"Same request as *{head}* ({count_text})?\n{summary_md}"


def suggestion_button(target_ref: str) -> str:
    return f"Merge into {target_ref}"


# --- resolved: each agent hears about their own customers ---------------------------------------
def agent_resolved(
    item_ref: str,
    summary_md: str,
    outcome: str,
    who_md: str,
    note_md: str,
    customers_md: str,
    rule_md: str = "",
) -> str:
    lines = [f"*{item_ref}* ({summary_md}) is closed: *{outcome}*, by {who_md}."]
    if customers_md:
        lines.append(f"You heard it from *{customers_md}*.")
    if note_md:
        lines.append(f">{note_md}")
    if rule_md:
        lines.append(rule_md)
    lines.append("Thank you for listening to your customers. Now is a good moment to tell them.")
    return "\n".join(lines)


def customer_names(names: Sequence[str]) -> str:
    """Already-escaped names, as a person would list them."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" and {names[-1]}"


# --- rules that block customers ----------------------------------------------------------------
RESOLVE_RULE_OUTCOME = "What became of the rule?"
RESOLVE_RULE_REASON = "Why the rule stays"
RESOLVE_RULE_REASON_HINT = "Needed when the rule is kept: the agents pass it on to their customers."
ERR_RULE_OUTCOME_REQUIRED = "Say what became of the rule."
ERR_RULE_REASON_REQUIRED = "A kept rule needs a reason the agents can pass on to the customer."


def rule_outcome_line(outcome: str, reason_md: str) -> str:
    line = f"The rule: *{outcome}*."
    if reason_md:
        line += f"\n>{reason_md}"
    return line
