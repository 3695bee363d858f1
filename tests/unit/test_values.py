"""Every domain value a person can see has its words in copy, and every outbox kind a sender."""

from __future__ import annotations

import pytest

from bot.slack import copy
from storage.values import ItemEventKind, ItemKind, ItemStatus, OutboxKind, Outcome, Urgency


@pytest.mark.parametrize(
    "values,labels",
    [
        (ItemKind, copy.KIND_LABELS),
        (Urgency, copy.URGENCY_LABELS),
        (Outcome, copy.OUTCOME_LABELS),
        (ItemStatus, copy.STATUS_LABELS),
    ],
)
def test_every_value_has_a_label(values, labels):
    assert set(labels) == set(values)
    assert all(labels[v].strip() for v in values)


def test_every_event_kind_has_its_own_thread_line():
    generic = copy.event_line("no-such-kind", "@ann", "", " X")
    shown = set(ItemEventKind) - {ItemEventKind.NUDGED}  # recorded without a thread line
    for kind in shown:
        line = copy.event_line(kind, "@ann", "", " X")
        assert line and line != generic.replace("no-such-kind", str(kind)), kind


def test_stored_values_are_the_plain_strings_of_before():
    """The columns hold these strings: renaming a value would need a migration."""
    assert [v.value for v in OutboxKind] == [
        "card",
        "card_refresh",
        "card_moved",
        "thread",
        "full_text",
        "dm",
        "post",
        "file",
        "ephemeral",
    ]
    assert ItemStatus.OPEN == "open" and Urgency.HIGH == "high" and Outcome.WONT_DO == "wont_do"
