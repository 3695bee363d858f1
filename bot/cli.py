"""`frontline` command line: run the bot, migrate the database, run one scheduled job."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.config import ConfigError, FrontlineConfig, load_config
from bot.settings import Settings, token_problem
from bot.wallclock import Now, fixed, system_now

log = logging.getLogger("frontline")
EXIT_USAGE = 2
JOBS = ("nudges", "digest", "tips", "deliveries")


class CliError(Exception):
    """Something the admin must fix: printed as one line, exit code 2."""


def parse_at(value: str) -> datetime:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--at {value!r} is not ISO-8601, e.g. 2026-11-25T09:00:00-05:00"
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="frontline", description=__doc__)
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
    return parser


def _config(settings: Settings) -> FrontlineConfig:
    try:
        return load_config(settings.frontline_config)
    except ConfigError as exc:
        raise CliError(str(exc)) from None


def _check_tokens(settings: Settings, *, need_signing_secret: bool) -> None:
    problem = token_problem(settings, need_signing_secret=need_signing_secret)
    if problem:
        raise CliError(problem)


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from storage.migrate import current_revision, upgrade

    if args.db_command == "upgrade":
        upgrade(settings.database_url)
        print(f"database at {current_revision(settings.database_url)}")
    else:
        print(current_revision(settings.database_url) or "empty (run `frontline db upgrade`)")
    return 0


def _clock(args: argparse.Namespace) -> Now:
    """The one clock of this run: the system's, or the fixed moment given with --at."""
    at = getattr(args, "at", None)
    return fixed(at) if at is not None else system_now


def cmd_outbox(settings: Settings, args: argparse.Namespace) -> int:
    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.outbox import retry_failed

    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        count = retry_failed(engine, _clock(args)())
    finally:
        engine.dispose()
    print(f"{count} message(s) queued again; the deliveries job sends them on its next run")
    return 0


def cmd_config(settings: Settings) -> int:
    config = _config(settings)
    print(
        f"{settings.frontline_config}: ok: {len(config.teams)} teams, triage {config.triage_team}, "
        f"timezone {config.timezone}"
    )
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    _check_tokens(settings, need_signing_secret=not settings.socket_mode)
    config = _config(settings)
    from slack_bolt.error import BoltError

    from bot.app import create_app
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    try:
        app = create_app(settings, config)
    except BoltError as exc:
        raise CliError(
            f"Slack refused the bot token ({_first_line(exc)}): check SLACK_BOT_TOKEN and SLACK_API_URL."
        ) from None
    scheduler = None
    if not args.no_scheduler:
        from bot.scheduler import start_scheduler

        scheduler = start_scheduler(app.frontline)
    try:
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            assert settings.slack_app_token is not None
            log.info("Frontline running in Socket Mode")
            SocketModeHandler(app.bolt, settings.slack_app_token.get_secret_value()).start()
        else:
            from bot.server import make_server

            port = args.port or settings.port
            server = make_server(app.bolt, app.engine, settings.host, port, settings.http_threads)
            signal.signal(signal.SIGTERM, lambda *_: server.close())
            log.info("Frontline listening on http://%s:%s/slack/events", settings.host, port)
            with contextlib.suppress(KeyboardInterrupt, OSError):
                server.run()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    return 0


def cmd_jobs(settings: Settings, args: argparse.Namespace) -> int:
    _check_tokens(settings, need_signing_secret=False)
    config = _config(settings)
    from bot.app import create_app
    from bot.frontline import WorkspaceUnknown
    from bot.jobs import run_job
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    app = create_app(settings, config, listeners=[], verify_token=False, now=_clock(args))
    try:
        report = run_job(app.frontline, args.job, dry_run=args.dry_run)
    except WorkspaceUnknown as exc:
        print(
            f"frontline: {args.job}: could not ask Slack which workspace this is ({exc}); "
            "nothing was sent, run the job again later",
            file=sys.stderr,
        )
        return 1
    for line in report.lines:
        print(line)
    print(report.summary)
    return 0


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except Exception as exc:
        print(f"frontline: bad environment: {_first_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command == "db":
            return cmd_db(settings, args)
        if args.command == "outbox":
            return cmd_outbox(settings, args)
        if args.command == "config":
            return cmd_config(settings)
        if args.command == "jobs":
            return cmd_jobs(settings, args)
        return cmd_run(settings, args)
    except CliError as exc:
        print(f"frontline: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
