"""The deployment's workspace: its Slack team id, retried events, and work done after an ack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.core.wallclock import Now
from bot.slack.gateway_protocol import SlackError, SlackGateway
from storage import intake
from storage.db import session_scope
from storage.engine import Engine
from storage.engine import is_outage as _is_outage

log = logging.getLogger(__name__)


class WorkspaceUnknown(RuntimeError):
    """Slack did not tell us which workspace this is; nothing may be claimed or sent."""


def is_outage(error: BaseException) -> bool:
    """The database cannot be reached (down, restarting, out of connections, locked)."""
    return _is_outage(error)


class Workspace:
    def __init__(
        self, engine: Engine, gateway: SlackGateway, now: Now, *, after_ack_workers: int = 4
    ) -> None:
        self._engine = engine
        self._gateway = gateway
        self._now = now
        # Slack calls that follow an ack run here, few at a time, so new acks keep the CPU.
        self._after_ack = ThreadPoolExecutor(
            max_workers=after_ack_workers, thread_name_prefix="after-ack"
        )
        self._workspace: str | None = None

    def after_ack(self, fn: Callable[..., None], *args: Any) -> None:
        """Run slow follow-up work (Slack calls) off the request path; failures are logged.

        What it sends is already in the outbox, so work lost to a crash is retried by the
        deliveries job.
        """

        def run() -> None:
            try:
                fn(*args)
            except Exception:
                log.exception("follow-up work after an ack failed")

        self._after_ack.submit(run)

    def close(self) -> None:
        self._after_ack.shutdown(wait=True, cancel_futures=False)

    def workspace_id(self) -> str:
        """The Slack team id of this deployment's workspace (auth.test, asked once).

        Jobs key their claims with it, so a guess would let a second run send again:
        when Slack cannot say, the job stops instead (WorkspaceUnknown).
        """
        if self._workspace is None:
            try:
                team = str(self._gateway.auth_test().get("team_id") or "")
            except (SlackError, OSError) as exc:
                text = exc.detail if isinstance(exc, SlackError) else str(exc)
                raise WorkspaceUnknown(text.splitlines()[0][:200]) from None
            if not team:
                raise WorkspaceUnknown("auth.test returned no team_id")
            self._workspace = team
        return self._workspace

    def first_delivery(self, event_id: str, team_id: str) -> bool:
        """False when Slack retries an event already handled (same event_id)."""
        with session_scope(self._engine) as session:
            return intake.first_delivery(session, event_id, team_id, self._now())
