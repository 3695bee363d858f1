"""Showing user text inert and within Block Kit's limits."""

from __future__ import annotations

ELLIPSIS = "…"


def escape(text: str) -> str:
    """Slack mrkdwn control characters: after this, <!channel>, <@U…> and <url|x> are plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    """Cut to `limit` characters with a visible ellipsis instead of letting Slack refuse the post."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS


def inert(text: str, limit: int) -> str:
    """Escape, then truncate without cutting an entity like &amp; in half."""
    escaped = escape(text)
    if len(escaped) <= limit:
        return escaped
    cut = escaped[: max(0, limit - 1)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + ELLIPSIS


def plain(text: str, limit: int) -> str:
    """For plain_text objects: nothing is parsed there, only the length matters."""
    return truncate(text, limit)


def one_line(text: str) -> str:
    return " ".join(text.split())
