"""The Web API clients under the gateway, and which retries each may make.

Two clients, because retries are only safe where a repeat cannot double a message:
- `make_client` (reads, updates, views): waits out 429s and retries dropped connections.
- `make_send_client` (the outbox's posts): retries only a 429 with a short Retry-After (Slack
  took nothing, and the wait fits well inside the outbox lease). A post whose answer was lost
  may have reached Slack, and a blind retry would post it twice; the outbox retries instead,
  after looking the post up in Slack (message metadata), and waits out longer Retry-Afters.
"""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

SEND_TIMEOUT_SECONDS = 10
SHORT_RETRY_AFTER_SECONDS = 5


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Waits out a 429 in place only when Slack asks for a few seconds at most."""

    def __init__(self, max_wait_seconds: int = SHORT_RETRY_AFTER_SECONDS) -> None:
        super().__init__(max_retry_count=1)
        self.max_wait_seconds = max_wait_seconds

    def _can_retry(self, *, response: Any = None, **kwargs: Any) -> bool:
        if not super()._can_retry(response=response, **kwargs):
            return False
        values: list[str] = next(
            (v for k, v in response.headers.items() if k.lower() == "retry-after"), []
        )
        try:
            return int(values[0] if values else 1) <= self.max_wait_seconds
        except ValueError:
            return False


def make_client(token: str, base_url: str, *, timeout: int = 10) -> WebClient:
    """Rate-limited calls wait for Retry-After and go again; outbox retries cover the rest."""
    client = WebClient(token=token, base_url=base_url, timeout=timeout)
    client.retry_handlers.extend(
        [
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=1),
        ]
    )
    if not any(isinstance(h, ConnectionErrorRetryHandler) for h in client.retry_handlers):
        client.retry_handlers.append(ConnectionErrorRetryHandler(max_retry_count=1))
    return client


def make_send_client(
    token: str, base_url: str, *, timeout: float = SEND_TIMEOUT_SECONDS
) -> WebClient:
    """For outbox sends: no retry that could double a post (see the module docstring)."""
    client = WebClient(token=token, base_url=base_url, timeout=int(max(1, timeout)))
    client.timeout = timeout  # type: ignore[assignment]  # slack_sdk passes it to urllib as is; tests use sub-second values
    client.retry_handlers = [ShortRateLimitRetryHandler()]
    return client
