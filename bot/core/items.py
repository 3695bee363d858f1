"""Questions about an item's state, asked in one place instead of comparing stored strings."""

from __future__ import annotations

from storage.models import Item
from storage.values import ItemStatus


def is_open(item: Item) -> bool:
    """Still with its team: it can be taken, updated, reassigned, snoozed or resolved."""
    return item.status == ItemStatus.OPEN


def is_resolved(item: Item) -> bool:
    return item.status == ItemStatus.RESOLVED
