"""The values Frontline stores, as enums: one name for each string in the database.

Each member is the very string stored in its column and sent in Slack payloads (a StrEnum
member is a str, equal to and hashing like its value), so the columns stay plain strings and
rows written before these enums existed read the same. Labels for people live in bot/slack/copy/,
keyed by these members; the domain imports them from here, since storage must not import bot.
"""

from __future__ import annotations

from enum import StrEnum


class ItemStatus(StrEnum):
    """Item.status."""

    OPEN = "open"
    RESOLVED = "resolved"
    # Closed because it is the same request as another item (Item.merged_into_id); its reports
    # moved there. Undoing the merge makes it open again.
    MERGED = "merged"
    # Taken back by the person who logged it (the undo after a reaction capture): not feedback.
    WITHDRAWN = "withdrawn"


class ItemKind(StrEnum):
    """Item.kind: what the customer's feedback is."""

    SUGGESTION = "suggestion"
    PROBLEM = "problem"
    RIGID_RULE = "rigid_rule"
    PRAISE = "praise"


class Urgency(StrEnum):
    """Item.urgency."""

    NORMAL = "normal"
    HIGH = "high"


class Outcome(StrEnum):
    """Item.outcome, set when the item is resolved."""

    DONE = "done"
    WONT_DO = "wont_do"


class RuleOutcome(StrEnum):
    """Item.rule_outcome: for a rule that blocks customers, what became of the rule."""

    CHANGED = "changed"
    JUDGEMENT = "judgement"  # kept, but people may now use their judgement
    KEPT = "kept"  # kept as it is: needs a reason


class ItemEventKind(StrEnum):
    """ItemEvent.kind: what happened to an item."""

    CREATED = "created"
    TAKEN = "taken"
    CUSTOMER_UPDATED = "customer_updated"
    REASSIGNED = "reassigned"
    RESOLVED = "resolved"
    SNOOZED = "snoozed"
    NUDGED = "nudged"
    ESCALATED = "escalated"
    MERGED = "merged"  # on the item merged away; data: target, report ids moved
    MERGED_IN = "merged_in"  # on the target; data: source, report ids
    MERGE_UNDONE = "merge_undone"  # on both items
    # Has a thread line in bot/slack/copy/, but nothing records it yet.
    ARRIVED = "arrived"
    # after a reaction capture, from its private note (bot/services/reactions.py)
    URGENCY_CHANGED = "urgency_changed"  # data: from, to
    CUSTOMER_SET = "customer_set"  # data: customer
    WITHDRAWN = "withdrawn"  # status withdrawn: logged by mistake


class OutboxKind(StrEnum):
    """Outbox.kind: which sender in bot/slack/delivery/ sends the row."""

    CARD = "card"
    CARD_REFRESH = "card_refresh"
    CARD_MOVED = "card_moved"
    THREAD = "thread"
    FULL_TEXT = "full_text"
    DM = "dm"
    POST = "post"
    FILE = "file"  # a file uploaded to a channel or a DM (bot/slack/delivery/files.py)
    # a private note in a channel (chat.postEphemeral), a DM when it cannot be shown there
    EPHEMERAL = "ephemeral"


class OutboxStatus(StrEnum):
    """Outbox.status: pending → sending → done, or failed once every attempt is used up."""

    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"


class DigestMode(StrEnum):
    """Person.digest_mode: when the morning digest comes."""

    ON = "on"  # every working day, the tip of the day at least
    NEEDED = "needed"  # only when something needs the person (the default)
    OFF = "off"


class NudgeMode(StrEnum):
    """Person.nudge_mode: how nudges about the person's items reach them."""

    EACH = "each"  # each one as it comes (the default)
    BATCHED = "batched"  # held, and sent together at 10:00 and 15:00 local time
