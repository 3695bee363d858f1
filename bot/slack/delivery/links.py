"""Links to the cards Frontline posts, built the way Slack builds them.

A message's permalink is the workspace's URL (from auth.test, asked once per process), then
`archives/<channel>/p<ts without the dot>`. Building it saves a chat.getPermalink round trip per
card, and lets the card, its link and the sent outbox row be recorded in one commit. Only
top-level messages qualify (a thread reply's link also names its thread): cards are top-level.
While the workspace URL is unknown (auth.test failed or gave none), the caller asks Slack.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

from bot.slack.gateway_protocol import SlackError, SlackGateway

log = logging.getLogger("bot.slack.delivery")


class CardLinks:
    def __init__(self, slack: SlackGateway) -> None:
        self._slack = slack
        self._base: str | None = None
        self._lock = threading.Lock()

    def built(self, channel: str, ts: str) -> str | None:
        """The card's permalink, or None while the workspace URL is unknown."""
        base = self._workspace_url()
        if base is None:
            return None
        return f"{base}archives/{channel}/p{ts.replace('.', '')}"

    def _workspace_url(self) -> str | None:
        if self._base is not None:
            return self._base
        with self._lock:
            if self._base is None:
                try:
                    url = str(self._slack.auth_test().get("url") or "")
                except SlackError as exc:
                    log.warning("no workspace URL for card links yet: %s", exc)
                    return None
                parts = urlsplit(url)
                if parts.scheme == "https" and parts.netloc:
                    self._base = url if url.endswith("/") else url + "/"
            return self._base
