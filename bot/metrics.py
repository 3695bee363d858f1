"""Prometheus metrics: one registry per app, built in the composition root (no module globals).

The hot path pays one counter increment and one histogram observation per Slack request. The
outbox figures are read at scrape time, by one grouped query (`OutboxCollector`). The domain
never imports prometheus_client: it is handed plain callbacks (`captured`, `slack_error`).
See docs/operations.md for what each metric means and what to alert on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core.wallclock import Now
from storage import outbox
from storage.values import OutboxStatus

log = logging.getLogger(__name__)

# Label values come from a fixed set: a request's body is not trusted (a forged one included).
SURFACES = {
    "block_actions": "action",
    "view_submission": "view_submission",
    "view_closed": "view_closed",
    "shortcut": "shortcut",
    "message_action": "shortcut",
    "event_callback": "event",
    "block_suggestion": "options",
    "url_verification": "url_verification",
}
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)  # Slack waits 3 s
JOB_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)


def surface(body: dict[str, Any]) -> str:
    """Which Slack surface a request came from: command, action, view_submission, …, other."""
    if body.get("command"):
        return "command"
    return SURFACES.get(str(body.get("type") or ""), "other")


def outcome(status: int) -> str:
    """ok (2xx/3xx), bad_signature (401), refused (other 4xx) or error (5xx)."""
    if status < 400:
        return "ok"
    if status == 401:
        return "bad_signature"
    if status < 500:
        return "refused"
    return "error"


class OutboxCollector(Collector):
    """The outbox as it is now: rows by status, the longest a due row has waited, the rows
    given up on. One grouped query per scrape; the clock is the app's."""

    def __init__(self, engine: Engine, now: Now) -> None:
        self.engine = engine
        self.now = now

    def describe(self) -> Iterable[Metric]:
        return []  # figures come from the database: nothing to read at registration

    def collect(self) -> Iterable[Metric]:
        try:
            with Session(self.engine) as session:
                summary = outbox.summary(session)
        except Exception as exc:  # the rest of the scrape still answers; the error is counted
            log.warning("no outbox figures for /metrics: %s", str(exc).splitlines()[0][:200])
            return
        rows = GaugeMetricFamily(
            "frontline_outbox_rows", "Outbox rows (messages to Slack) by status", labels=["status"]
        )
        for status in OutboxStatus:
            rows.add_metric([status.value], summary.get(status.value, (0, None))[0])
        pending_since = summary.get(OutboxStatus.PENDING.value, (0, None))[1]
        age = max(0.0, (self.now() - pending_since).total_seconds()) if pending_since else 0.0
        yield rows
        yield GaugeMetricFamily(
            "frontline_outbox_oldest_pending_age_seconds",
            "Seconds the longest-waiting pending message has been due (0 when none is due)",
            value=age,
        )
        yield GaugeMetricFamily(
            "frontline_messages_given_up",
            "Messages the outbox gave up on after every retry (failed rows)",
            value=summary.get(OutboxStatus.FAILED.value, (0, None))[0],
        )


class Metrics:
    """Every metric of one app, on its own registry (`registry`)."""

    def __init__(self, engine: Engine, now: Now, registry: CollectorRegistry | None = None):
        self.registry = registry if registry is not None else CollectorRegistry()
        reg = self.registry
        # first: a database failure while it reads is counted in the same scrape
        reg.register(OutboxCollector(engine, now))
        self.requests = Counter(
            "frontline_slack_requests",
            "Slack requests answered, by surface and outcome",
            ["surface", "outcome"],
            registry=reg,
        )
        self.ack_seconds = Histogram(
            "frontline_ack_seconds",
            "Seconds from receiving a Slack request to its answer (the ack)",
            ["surface"],
            buckets=ACK_BUCKETS,
            registry=reg,
        )
        self.captures = Counter(
            "frontline_items_captured",
            "Items newly captured (a retried request is not counted), by team",
            ["team"],
            registry=reg,
        )
        self.job_runs = Counter(
            "frontline_job_runs",
            "Scheduled job runs, by job and outcome (ok, error)",
            ["job", "outcome"],
            registry=reg,
        )
        self.job_seconds = Histogram(
            "frontline_job_duration_seconds",
            "Seconds one run of a scheduled job took",
            ["job"],
            buckets=JOB_BUCKETS,
            registry=reg,
        )
        self.slack_errors = Counter(
            "frontline_slack_api_errors",
            "Slack Web API calls that failed, by method and error",
            ["method", "error"],
            registry=reg,
        )
        self.db_errors = Counter(
            "frontline_database_errors",
            "Database statements or connections that failed, by error class",
            ["error"],
            registry=reg,
        )

    # --- the callbacks handed to the rest of the app ----------------------------------------
    def request(self, body: dict[str, Any], status: int, seconds: float) -> None:
        """One Slack request answered (the hot path: one increment, one observation)."""
        where = surface(body)
        self.requests.labels(where, outcome(status)).inc()
        self.ack_seconds.labels(where).observe(seconds)

    def captured(self, team: str) -> None:
        self.captures.labels(team).inc()

    def slack_error(self, method: str, error: str) -> None:
        self.slack_errors.labels(method, error or "unknown").inc()

    def database_error(self, error: str) -> None:
        self.db_errors.labels(error).inc()

    @contextmanager
    def job_run(self, job: str) -> Iterator[None]:
        """Around one run of a job: counted ok or error, and timed."""
        started = time.perf_counter()
        result = "error"
        try:
            yield
            result = "ok"
        finally:
            self.job_runs.labels(job, result).inc()
            self.job_seconds.labels(job).observe(time.perf_counter() - started)

    def watch_database(self, engine: Engine) -> None:
        """Count the engine's failures (SQLAlchemy's handle_error event).

        A unique key that is already taken (IntegrityError) is how claims work, and the
        connection checks of pool_pre_ping reconnect by design: neither is counted.
        """

        def on_error(context: Any) -> None:
            error = context.sqlalchemy_exception or context.original_exception
            if isinstance(error, IntegrityError) or getattr(context, "is_pre_ping", False):
                return
            self.database_error(type(error).__name__)

        event.listen(engine, "handle_error", on_error)
