"""What an operator's Prometheus sees: /metrics after a short load, /readyz, METRICS_PORT."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.scheduler import start_scheduler
from tests.support.bot_process import free_port, socket_mode_env, start_bot, stop_bot
from tests.support.helpers import eventually
from tests.support.world import ny

GIVE_UP_AFTER = 20  # the outbox's MAX_ATTEMPTS


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def parse(text: str) -> tuple[set[str], Samples]:
    """The metric families named, and every sample by (name, sorted labels)."""
    names: set[str] = set()
    samples: Samples = {}
    for family in text_string_to_metric_families(text):
        names.add(family.name)
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return names, samples


def scrape(base: str) -> tuple[set[str], Samples]:
    status, body = get(base + "/metrics")
    assert status == 200
    return parse(body.decode())


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def total(samples: Samples, name: str, **labels: str) -> float:
    """The sum over every sample of `name` whose labels include `labels`."""
    want = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and want <= set(ls))


@pytest.fixture
def deliveries(running, clock):
    """The deliveries job as the in-process scheduler runs it (counted and timed)."""
    clock.set(ny(24, 7))  # before the day's tip: no catch-up job runs on its own
    scheduler = start_scheduler(running.frontline, running.app.metrics)
    job = scheduler.get_job("deliveries")
    scheduler.shutdown(wait=True)  # its triggers are a minute away; the test runs it by hand
    return job.func


def test_metrics_after_a_short_load(running, fake_slack, clock, deliveries):
    fake_slack.broken_channels["C0PRODUCT"] = "not_in_channel"  # Product's cards cannot post
    assert running.slack.command("Customer wants invoices as CSV #billing").status == 200
    assert running.slack.command("Dashboard export to PDF please").status == 200  # product
    retried = running.slack.command_fields("Wants refunds faster", trigger_id="trig-metrics-1")
    assert running.slack.form(retried).status == running.slack.form(retried).status == 200
    fake_slack.fail_next("views.open", error="expired_trigger_id")
    assert running.slack.command("").status == 200  # the form cannot open: told in the ack
    assert running.slack.block_action("feedback_take", "FB-1").status == 200
    assert running.slack.command("forged", secret="not-the-signing-secret").status == 401
    running.settle()
    with running.engine.connect() as conn, contextlib.suppress(Exception):
        conn.exec_driver_sql("SELECT * FROM no_such_table")  # a statement the database refuses
    clock.advance(timedelta(minutes=10))

    names, samples = scrape(running.base)
    assert {
        "frontline_slack_requests",
        "frontline_ack_seconds",
        "frontline_items_captured",
        "frontline_outbox_rows",
        "frontline_outbox_oldest_pending_age_seconds",
        "frontline_messages_given_up",
        "frontline_job_runs",
        "frontline_job_duration_seconds",
        "frontline_slack_api_errors",
        "frontline_database_errors",
    } <= names
    requests = "frontline_slack_requests_total"
    assert value(samples, requests, surface="command", outcome="ok") == 5
    assert value(samples, requests, surface="command", outcome="bad_signature") == 1
    assert value(samples, requests, surface="action", outcome="ok") == 1
    assert total(samples, requests) == 7
    # every request's ack is timed, and none of these took near Slack's 3 seconds
    assert value(samples, "frontline_ack_seconds_count", surface="command") == 6
    assert value(samples, "frontline_ack_seconds_count", surface="action") == 1
    assert value(samples, "frontline_ack_seconds_bucket", surface="command", le="3.0") == 6
    assert 0 < value(samples, "frontline_ack_seconds_sum", surface="command") < 6 * 3

    # the request sent twice stored one item, counted once
    captured = "frontline_items_captured_total"
    assert value(samples, captured, team="billing") == 2
    assert value(samples, captured, team="product") == 1

    errors = "frontline_slack_api_errors_total"
    assert value(samples, errors, method="chat.postMessage", error="not_in_channel") == 1
    assert value(samples, errors, method="views.open", error="expired_trigger_id") == 1
    assert total(samples, "frontline_database_errors_total") == 1

    # Product's card waits for its retry, due since 9.5 minutes (30 s backoff, then 10 min)
    assert value(samples, "frontline_outbox_rows", status="pending") == 1
    age = value(samples, "frontline_outbox_oldest_pending_age_seconds")
    assert 9 * 60 < age <= 10 * 60
    assert value(samples, "frontline_messages_given_up") == 0
    assert total(samples, "frontline_job_runs_total") == 0

    # the deliveries job tries it until the outbox gives up on it
    for _ in range(GIVE_UP_AFTER - 1):
        clock.advance(timedelta(hours=1))
        deliveries()
    _, samples = scrape(running.base)
    assert value(samples, "frontline_job_runs_total", job="deliveries", outcome="ok") == 19
    assert value(samples, "frontline_job_duration_seconds_count", job="deliveries") == 19
    assert value(samples, "frontline_messages_given_up") == 1
    assert value(samples, "frontline_outbox_rows", status="failed") == 1
    assert value(samples, "frontline_outbox_rows", status="pending") == 0
    assert value(samples, "frontline_outbox_oldest_pending_age_seconds") == 0
    assert value(samples, errors, method="chat.postMessage", error="not_in_channel") == 20


def test_readyz_only_when_the_schema_is_at_head(database_url, tmp_path):
    from bot.server import make_probe_server
    from storage.db import make_engine
    from storage.migrate import head_revision, upgrade

    engine = make_engine(database_url)
    server = make_probe_server(engine, None, "127.0.0.1", 0)

    def serve() -> None:
        with contextlib.suppress(OSError):  # closing the socket ends the loop with EBADF
            server.run()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    try:
        status, body = get(base + "/readyz")
        assert status == 503 and "no migration" in json.loads(body)["reason"]
        upgrade(database_url, "0005")  # an older release's schema
        status, body = get(base + "/readyz")
        answer = json.loads(body)
        assert status == 503 and answer["status"] == "not ready"
        assert answer["reason"] == f"database schema at 0005, this code needs {head_revision()}"
        assert get(base + "/healthz")[0] == 200  # alive all the same: only not ready
        upgrade(database_url)
        assert get(base + "/readyz") == (200, b'{"status": "ready"}')
        assert get(base + "/metrics")[0] == 404  # no metrics were given to this one
    finally:
        with contextlib.suppress(OSError):
            server.close()
        thread.join(timeout=5)
        engine.dispose()


def test_running_app_is_ready_and_healthy(running):
    assert get(running.base + "/readyz") == (200, b'{"status": "ready"}')
    assert get(running.base + "/healthz") == (200, b'{"status": "ok"}')


def test_jobs_run_writes_its_metrics_for_the_textfile_collector(cli, tmp_path):
    out = tmp_path / "frontline-deliveries.prom"
    code, _ = cli("jobs", "run", "deliveries", "--metrics-file", str(out))
    assert code == 0
    names, samples = parse(out.read_text())
    assert value(samples, "frontline_job_runs_total", job="deliveries", outcome="ok") == 1
    assert value(samples, "frontline_job_duration_seconds_count", job="deliveries") == 1
    assert "frontline_messages_given_up" in names


def test_socket_mode_serves_metrics_on_metrics_port(tmp_path, config_file, fake_slack, socket_mode):
    port = free_port()
    env = socket_mode_env(tmp_path, config_file, fake_slack.url, METRICS_PORT=str(port))
    proc = start_bot(env)
    try:
        socket_mode.wait_connected(timeout=30)
        ack = socket_mode.push(
            "slash_commands",
            {
                "token": "legacy",
                "team_id": "T0ACME",
                "channel_id": "C0AGENTS",
                "user_id": "UAGENT",
                "command": "/feedback",
                "text": "Customer asks for refunds by bank transfer",
                "api_app_id": "A0FRONT",
                "response_url": fake_slack.response_url("sm-metrics"),
                "trigger_id": "1334.sm.metrics",
            },
        )
        assert "FB-1" in ack["payload"]["text"]
        base = f"http://127.0.0.1:{port}"
        assert get(base + "/healthz")[0] == 200
        assert get(base + "/readyz") == (200, b'{"status": "ready"}')
        _, samples = scrape(base)
        requests = "frontline_slack_requests_total"
        assert value(samples, requests, surface="command", outcome="ok") == 1
        assert value(samples, "frontline_ack_seconds_count", surface="command") == 1
        assert value(samples, "frontline_items_captured_total", team="billing") == 1
        fake_slack.wait_for("chat.postMessage", timeout=10)
        eventually(lambda: value(scrape(base)[1], "frontline_outbox_rows", status="done") == 1)
        assert get(base + "/slack/events")[0] == 404  # Socket Mode: no Slack requests here
    finally:
        stop_bot(proc)
        log = proc.stdout.read() if proc.stdout else ""
        if proc.stdout:
            proc.stdout.close()
    assert f"metrics on http://0.0.0.0:{port}/metrics" in log
    assert "Traceback" not in log
