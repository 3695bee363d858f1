"""The `frontline` command line's arguments (the README's "Command line" lists the same)."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version

JOBS = ("nudges", "digest", "tips", "deliveries", "weekly")


def parse_at(value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--at {value!r} is not ISO-8601, e.g. 2026-11-25T09:00:00-05:00"
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="frontline",
        description="Frontline: run the bot, migrate the database, run one scheduled job.",
    )
    parser.add_argument("--version", action="version", version=f"frontline {version_text()}")
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        default=None,
        help="log lines as text or as one JSON object each (default $LOG_FORMAT or text)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on $PORT)"
    )
    run.add_argument(
        "--no-scheduler", action="store_true", help="do not run scheduled jobs in this process"
    )
    run.add_argument("--port", type=int, default=None, help="HTTP port (default $PORT or 3000)")
    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="bring the schema to the latest migration")
    db_sub.add_parser("current", help="print the schema revision")
    box = sub.add_parser("outbox", help="messages waiting for Slack")
    box_sub = box.add_subparsers(dest="outbox_command", required=True)
    retry = box_sub.add_parser(
        "retry", help="give messages that failed every retry a fresh set of attempts"
    )
    retry.add_argument(
        "--at", type=parse_at, default=None, help="now, as ISO-8601 (default: the system clock)"
    )
    cfg = sub.add_parser("config", help="the YAML config")
    cfg_sub = cfg.add_subparsers(dest="config_command", required=True)
    cfg_sub.add_parser("check", help="validate $FRONTLINE_CONFIG and print a summary")
    jobs = sub.add_parser("jobs", help="scheduled jobs")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jr = jobs_sub.add_parser("run", help="run one job once and exit")
    jr.add_argument("job", choices=JOBS)
    jr.add_argument("--at", type=parse_at, default=None, help="the job's notion of now (ISO-8601)")
    jr.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    jr.add_argument(
        "--metrics-file",
        metavar="PATH",
        help="write this run's metrics there, in Prometheus text format (node_exporter textfile)",
    )
    ex = sub.add_parser("export", help="write every item (or report) as CSV or JSON Lines")
    ex.add_argument("--format", choices=("csv", "jsonl"), default="csv", help="default csv")
    ex.add_argument(
        "--since", metavar="DATE", help="created on or after this day (YYYY-MM-DD, UTC)"
    )
    ex.add_argument(
        "--until", metavar="DATE", help="created on or before this day (YYYY-MM-DD, UTC)"
    )
    ex.add_argument(
        "--team", metavar="KEY", action="append", help="only this team's items (repeatable)"
    )
    ex.add_argument("--reports", action="store_true", help="one row per report, not per item")
    ex.add_argument("--output", metavar="PATH", help="write to this file (default: stdout)")
    return parser


def version_text() -> str:
    try:
        return version("frontline")
    except PackageNotFoundError:
        return "unknown"
