"""The real app served over HTTP, as `frontline run` serves it, and ways to drive it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.fake_slack import FakeSlack
from tests.support.slack_requests import SlackSender, option_value, text_value
from tests.support.world import BOT_TOKEN, SIGNING_SECRET


class InFlight:
    """Counts the app's background work: Bolt listeners that run after the ack, after-ack calls.

    The app keeps running; a test only waits until everything it started so far has finished,
    so it can assert that nothing more happened without sleeping for a guessed time.
    """

    def __init__(self) -> None:
        self._count = 0
        self._changed = threading.Condition()

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        with self._changed:
            self._count += 1

        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            finally:
                self.done()

        return run

    def done(self) -> None:
        with self._changed:
            self._count -= 1
            self._changed.notify_all()

    def wait_idle(self, timeout: float) -> None:
        with self._changed:
            idle = self._changed.wait_for(lambda: self._count == 0, timeout)
            assert idle, f"{self._count} background task(s) still running after {timeout}s"


def track_background_work(app: Any) -> InFlight:
    """Count what the app hands to its listener executor and to Frontline.after_ack."""
    inflight = InFlight()
    executor = app.bolt.listener_runner.listener_executor
    submit = executor.submit

    def counted_submit(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        task = inflight.wrap(fn)
        try:
            return submit(task, *args, **kwargs)
        except BaseException:
            inflight.done()
            raise

    executor.submit = counted_submit
    frontline = app.frontline
    after_ack = frontline.after_ack

    def counted_after_ack(fn: Callable[..., None], *args: Any) -> None:
        task = inflight.wrap(fn)
        try:
            after_ack(task, *args)
        except BaseException:
            inflight.done()
            raise

    frontline.after_ack = counted_after_ack
    return inflight


class Running:
    """The real app served over HTTP by waitress, as `frontline run` serves it."""

    def __init__(
        self, app: Any, server: Any, thread: threading.Thread, sender: Any, inflight: InFlight
    ) -> None:
        self.app = app
        self.server = server
        self.thread = thread
        self.slack = sender
        self.frontline = app.frontline
        self.engine = app.engine
        self._inflight = inflight

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.effective_port}"

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until the work every request so far started after its ack has finished.

        The app keeps serving; use it before asserting that something did not happen.
        """
        self._inflight.wait_idle(timeout)

    def stop(self) -> None:
        # Work a request started must not run on into the next test (it shares the fake Slack).
        with contextlib.suppress(AssertionError):
            self.settle(timeout=5)
        self.server.close()
        self.thread.join(timeout=5)
        self.frontline.close()  # let after-ack work finish before the fake Slack goes away
        self.engine.dispose()


def start_app(database_url: str, config_file: Path, fake: FakeSlack, **create_kw: Any) -> Running:
    from bot.app import create_app
    from bot.core.config import load_config
    from bot.server import make_server
    from bot.settings import Settings
    from storage.migrate import upgrade

    settings = Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake.url,
        database_url=database_url,
        frontline_config=config_file,
    )
    upgrade(database_url)
    app = create_app(settings, load_config(config_file), **create_kw)
    inflight = track_background_work(app)
    server = make_server(app.bolt, app.engine, "127.0.0.1", 0, threads=8, metrics=app.metrics)

    def serve() -> None:
        # closing the listening socket from the test thread ends the loop with EBADF
        with contextlib.suppress(OSError):
            server.run()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    sender = SlackSender(
        f"http://127.0.0.1:{server.effective_port}/slack/events",
        SIGNING_SECRET,
        fake.base + "/response/",
    )
    return Running(app, server, thread, sender, inflight)


def log_via_modal(
    run: Running,
    summary: str,
    urgency: str = "high",
    reporter: str = "UAGENT",
    *,
    view_id: str | None = None,
    customer: str = "Acme",
) -> None:
    """An agent logs feedback through the capture modal; the team is left to routing."""
    values = {
        "fb_summary": {"summary": text_value(summary)},
        "fb_customer": {"customer": text_value(customer)},
        "fb_kind": {"kind": option_value("problem")},
        "fb_urgency": {"urgency": option_value(urgency, "radio_buttons")},
        "fb_team": {"team": option_value(None)},
    }
    resp = run.slack.view_submission("feedback_capture", values, user=reporter, view_id=view_id)
    assert resp.status == 200, resp.body
