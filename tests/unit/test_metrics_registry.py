"""The metrics' labels stay a small fixed set, failures are counted, and the docs name real metrics."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session

from bot.metrics import Metrics, outcome, surface
from bot.settings import load_settings
from storage import outbox
from storage.values import OutboxKind

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "docs" / "alerts.yml"
OPERATIONS = ROOT / "docs" / "operations.md"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


def sample_names(metrics: Metrics) -> set[str]:
    """Every series name the registry can expose (a counter's _total, a histogram's _bucket…)."""
    return {
        family.name + suffix
        for family in metrics.registry.collect()
        for suffix in SUFFIXES[family.type]
    }


def samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = generate_latest(metrics.registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


@pytest.mark.parametrize(
    "body,expected",
    [
        ({"command": "/feedback", "text": "x"}, "command"),
        ({"type": "block_actions"}, "action"),
        ({"type": "view_submission"}, "view_submission"),
        ({"type": "message_action"}, "shortcut"),
        ({"type": "shortcut"}, "shortcut"),
        ({"type": "event_callback"}, "event"),
        ({"type": "block_suggestion"}, "options"),
        ({"type": "anything a forged body says"}, "other"),
        ({}, "other"),
    ],
)
def test_surface_is_one_of_a_fixed_few(body, expected):
    assert surface(body) == expected


@pytest.mark.parametrize(
    "status,expected",
    [(200, "ok"), (401, "bad_signature"), (400, "refused"), (404, "refused"), (500, "error")],
)
def test_outcome_by_status(status, expected):
    assert outcome(status) == expected


def test_a_job_that_raises_is_counted_as_an_error_and_still_raises(engine, clock):
    metrics = Metrics(engine, clock.now)
    with pytest.raises(RuntimeError), metrics.job_run("nudges"):
        raise RuntimeError("boom")
    with metrics.job_run("nudges"):
        pass
    found = samples(metrics)
    assert found[("frontline_job_runs_total", (("job", "nudges"), ("outcome", "error")))] == 1
    assert found[("frontline_job_runs_total", (("job", "nudges"), ("outcome", "ok")))] == 1
    assert found[("frontline_job_duration_seconds_count", (("job", "nudges"),))] == 2


def test_outbox_gauges_use_the_apps_clock(engine, clock):
    metrics = Metrics(engine, clock.now)
    with Session(engine) as session:
        for key in ("a", "b"):
            outbox.enqueue(
                session, key=key, kind=OutboxKind.DM, team_id="T1", now=clock.now(), payload={}
            )
        session.commit()
    clock.advance(timedelta(minutes=3))
    found = samples(metrics)
    assert found[("frontline_outbox_rows", (("status", "pending"),))] == 2
    assert found[("frontline_outbox_rows", (("status", "failed"),))] == 0
    assert found[("frontline_outbox_oldest_pending_age_seconds", ())] == 180
    assert found[("frontline_messages_given_up", ())] == 0


def test_a_scrape_without_the_database_still_answers(engine, clock):
    metrics = Metrics(engine, clock.now)
    metrics.watch_database(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE outbox")
    text = generate_latest(metrics.registry).decode()
    assert "# TYPE frontline_slack_requests_total counter" in text  # the rest still answers
    assert "frontline_outbox_rows" not in text  # no figure rather than a wrong one
    assert 'frontline_database_errors_total{error="OperationalError"} 1.0' in text


def test_alert_rules_load_and_name_only_real_metrics(engine, clock):
    known = sample_names(Metrics(engine, clock.now))
    rules = [r for group in yaml.safe_load(ALERTS.read_text())["groups"] for r in group["rules"]]
    assert {r["alert"] for r in rules} >= {
        "FrontlineDeliveryLate",
        "FrontlineMessagesGivenUp",
        "FrontlineJobFailing",
        "FrontlineSlackErrors",
        "FrontlineDatabaseErrors",
        "FrontlineAckSlow",
    }
    for rule in rules:
        named = set(re.findall(r"\bfrontline_[a-z_]+", rule["expr"]))
        assert named, rule["alert"]
        assert named <= known, f"{rule['alert']}: {sorted(named - known)}"


def test_operations_doc_explains_every_metric_and_names_no_other(engine, clock):
    doc = OPERATIONS.read_text()
    metrics = Metrics(engine, clock.now)
    for family in metrics.registry.collect():
        shown = family.name + ("_total" if family.type == "counter" else "")
        assert f"| `{shown}` |" in doc, f"docs/operations.md: no row for {shown}"
    known = sample_names(metrics) | {f.name for f in metrics.registry.collect()}
    assert set(re.findall(r"\bfrontline_[a-z_]+[a-z]", doc)) <= known
    for block in re.findall(r"```yaml\n(.*?)```", doc, flags=re.S):
        assert yaml.safe_load(block)


@pytest.mark.parametrize("value,expected", [("", None), ("9100", 9100)])
def test_metrics_port_is_optional(monkeypatch, value, expected):
    monkeypatch.setenv("METRICS_PORT", value)
    settings, problems = load_settings()
    assert problems == [] and settings.metrics_port == expected


def test_a_bad_metrics_port_is_named_with_its_fix(monkeypatch):
    monkeypatch.setenv("METRICS_PORT", "70000")
    _, problems = load_settings()
    assert problems == [
        "METRICS_PORT='70000' is not allowed: use a whole number from 1 to 65535, or unset it"
        " for no metrics port."
    ]
