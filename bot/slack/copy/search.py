"""`/feedback search <words>`: the answer's words (the agent who searched reads them)."""

from __future__ import annotations

SEARCH_USAGE = (
    "Tell me what to look for, for example `/feedback search refund card`. "
    "I look through every team's items: their summaries, details, customers and quotes."
)


def search_header(query_md: str, count: int) -> str:
    """Above the matches; query_md is already escaped."""
    if count == 1:
        return f"*The best match for* “{query_md}”"
    return f"*The {count} best matches for* “{query_md}”"


def search_nothing(query_md: str) -> str:
    return (
        f"Nothing matches “{query_md}” yet. Try fewer or other words: "
        "a customer's name or a word they used works well too."
    )


def search_customers(count: int) -> str:
    return "1 customer" if count == 1 else f"{count} customers"


def search_age(days: int) -> str:
    """How long ago the item was logged."""
    if days <= 0:
        return "logged today"
    return "1 day old" if days == 1 else f"{days} days old"


SEARCH_NO_CARD = "card not posted yet"

# Under every answer: text after `/feedback search` is always a search, so feedback that starts
# with the word (“search results are slow”) needs another way in.
SEARCH_NOT_FEEDBACK = (
    "Meant to log feedback that starts with “search”? Put another word first, "
    "or open the form with `/feedback` alone."
)
