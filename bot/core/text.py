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


# Characters that show nothing: zero-width space, non-joiner, joiner, word joiner and BOM.
# They are removed only to decide whether text is blank; the stored text keeps them (the joiner
# builds emoji such as 👩‍💻).
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def is_blank(text: str) -> bool:
    """Nothing a person could read: empty, whitespace (NBSP included) or zero-width characters."""
    return not text.translate(INVISIBLE).strip()


def visible_or_empty(text: str) -> str:
    """The text stripped, or "" when it shows nothing."""
    return "" if is_blank(text) else text.strip()


_TYPED_MARKUP = re.compile(r"<((?:[@#!]|https?://|mailto:)[^<>]*)>")


def readable_typed(text: str) -> str:
    """Text typed into a form (not escaped by Slack): only Slack markup such as <!channel>,
    <@U…> or <https://x|label> becomes plain words; a lone < or & stays as typed."""
    return _TYPED_MARKUP.sub(lambda m: _readable_token(m.group(1)), text)
