"""Labels for stored values and the words every form shares.

The labels are keyed by the enum members of storage/values.py; the order is the order in the
forms.
"""

from __future__ import annotations

from storage.values import ItemKind, ItemStatus, Outcome, RuleOutcome, Urgency

# Labels for stored values, keyed by their enum members; the order is the order in the forms.
KIND_LABELS = {
    ItemKind.SUGGESTION: "Suggestion",
    ItemKind.PROBLEM: "Problem / pain point",
    ItemKind.RIGID_RULE: "A rule that blocks customers",
    ItemKind.PRAISE: "Praise",
}
URGENCY_LABELS = {Urgency.NORMAL: "Normal", Urgency.HIGH: "High"}
OUTCOME_LABELS = {Outcome.DONE: "Done", Outcome.WONT_DO: "Won't do"}
STATUS_LABELS = {
    ItemStatus.OPEN: "Open",
    ItemStatus.RESOLVED: "Resolved",
    ItemStatus.MERGED: "Merged",
    ItemStatus.WITHDRAWN: "Withdrawn",
}
RULE_OUTCOME_LABELS = {
    RuleOutcome.CHANGED: "Rule changed",
    RuleOutcome.JUDGEMENT: "Room for judgement",
    RuleOutcome.KEPT: "Rule kept",
}

APP_NAME = "Frontline"

# Buttons every modal shares.
CANCEL = "Cancel"
CLOSE = "Close"
