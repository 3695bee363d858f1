"""Showing user text inert and within Block Kit's limits."""

from __future__ import annotations

import re

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


_SLACK_MARKUP = re.compile(r"<([^<>]*)>")


def _readable_token(inner: str) -> str:
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        return "@" + (label or target[1:])
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!subteam^"):
        return label or "@group"
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!"):
        return "@" + target[1:]
    address = target.removeprefix("mailto:")
    if label and label not in (target, address):
        return f"{label} ({address})"
    return address


def readable(text: str) -> str:
    """Slack's wire format (`<@U1|ann>`, `<!here>`, `<url|label>`, &amp;) as plain words.

    What an agent typed is stored the way a person reads it; a disguised link shows its real
    address next to its label, and nothing left is markup that could ping or hide a link.
    """
    plain_text = _SLACK_MARKUP.sub(lambda m: _readable_token(m.group(1)), text)
    return plain_text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
