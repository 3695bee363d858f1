"""Who is in a team's channel, cached: permission checks must not call Slack on every click."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from bot.slack.gateway_protocol import SlackError, SlackGateway

log = logging.getLogger(__name__)


class Membership:
    """Channel members with a TTL; a miss on a stale-ish entry refetches once (someone just joined)."""

    def __init__(
        self,
        slack: SlackGateway,
        ttl: float = 600.0,
        recheck_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.slack = slack
        self.ttl = ttl
        self.recheck_after = recheck_after
        self.clock = clock
        self._cache: dict[str, tuple[float, frozenset[str]]] = {}
        self._unreadable: set[str] = set()  # channels Slack would not list (bot not invited?)
        self._lock = threading.Lock()

    def _fetch(self, channel: str) -> frozenset[str]:
        try:
            members = self.slack.channel_members(channel)
        except SlackError as exc:
            if not exc.answered:
                raise
            log.warning("cannot list members of %s: %s", channel, exc.error)
            with self._lock:
                self._unreadable.add(channel)
            return frozenset()
        with self._lock:
            self._unreadable.discard(channel)
        return frozenset(members)

    def unreadable(self, channel: str) -> bool:
        """True when the last attempt to list the channel failed: nobody can be recognised."""
        with self._lock:
            return channel in self._unreadable

    def _get(self, channel: str, *, fresh: bool) -> frozenset[str]:
        now = self.clock()
        with self._lock:
            cached = self._cache.get(channel)
        if cached and not fresh and now - cached[0] < self.ttl:
            return cached[1]
        members = self._fetch(channel)
        with self._lock:
            self._cache[channel] = (now, members)
        return members

    def is_member(self, channel: str, user_id: str) -> bool:
        if user_id in self._get(channel, fresh=False):
            return True
        with self._lock:
            cached = self._cache.get(channel)
        if cached and self.clock() - cached[0] >= self.recheck_after:
            return user_id in self._get(channel, fresh=True)
        return False
