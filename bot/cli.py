"""`frontline` command line: run the bot, migrate the database, run one scheduled job."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import logs, preflight
from bot.core.config import ConfigError, FrontlineConfig, load_config
from bot.core.wallclock import Now, fixed, system_now
from bot.settings import Settings, load_settings, token_problems
from bot.slack import copy

if TYPE_CHECKING:
    from bot.app import FrontlineApp
    from bot.metrics import Metrics
    from storage.export import ExportFilter

log = logging.getLogger("frontline")
EXIT_USAGE = 2  # the environment, the tokens or the config need fixing
EXIT_LATER = 1  # Slack answered but could not help just now: run again later
JOBS = ("nudges", "digest", "tips", "deliveries", "weekly")


class CliError(Exception):
    """Something the admin must fix: each line printed on stderr, then exit `code` (2)."""

    def __init__(self, *lines: str, code: int = EXIT_USAGE) -> None:
        super().__init__("\n".join(lines))
        self.lines = [part for line in lines for part in line.splitlines()]
        self.code = code


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
    parser.add_argument("--version", action="version", version=f"frontline {_version()}")
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


def _version() -> str:
    try:
        return version("frontline")
    except PackageNotFoundError:
        return "unknown"


def _config(settings: Settings) -> tuple[FrontlineConfig | None, list[str]]:
    try:
        return load_config(settings.frontline_config), []
    except ConfigError as exc:
        return None, str(exc).splitlines()


def _check(problems: list[preflight.Problem | None]) -> None:
    """Stop with every problem found: exit 2 if any needs the admin, 1 if all may pass."""
    found = [p for p in problems if p is not None]
    if found:
        lasting = any(p.lasting for p in found)
        raise CliError(*(p.line for p in found), code=EXIT_USAGE if lasting else EXIT_LATER)


def _bot_token(settings: Settings) -> str:
    return settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from storage.migrate import current_revision, upgrade

    _check([preflight.database(settings.database_url)])
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

    _check([preflight.database(settings.database_url)])
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        count = retry_failed(engine, _clock(args)())
    finally:
        engine.dispose()
    print(f"{count} message(s) queued again; the deliveries job sends them on its next run")
    return 0


def cmd_config(settings: Settings, config: FrontlineConfig) -> int:
    print(
        f"{settings.frontline_config}: ok: {len(config.teams)} teams, triage {config.triage_team}, "
        f"timezone {config.timezone}"
    )
    return 0


def _port(settings: Settings, args: argparse.Namespace) -> int:
    return args.port or settings.port


def cmd_run(settings: Settings, config: FrontlineConfig, args: argparse.Namespace) -> int:
    port = _port(settings, args)
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
    _check(
        [
            preflight.database(settings.database_url),
            preflight.slack_bot_token(_bot_token(settings), settings.api_url),
            preflight.slack_app_token(app_token, settings.api_url)
            if settings.socket_mode
            else None,
            None if settings.socket_mode else preflight.can_listen(settings.host, port),
            preflight.can_listen(settings.host, settings.metrics_port)
            if settings.metrics_port
            else None,
        ]
    )
    if settings.socket_mode:
        log.info(copy.SOCKET_MODE_CHOSEN)
    else:
        log.info(copy.http_mode_chosen(settings.host, port))
    from slack_bolt.error import BoltError

    from bot.app import create_app
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    try:
        app = create_app(settings, config)
    except BoltError as exc:
        raise CliError(copy.slack_refused_bot_token(_first_line(exc))) from None
    server = None
    if not settings.socket_mode:
        from bot.server import make_server

        try:
            server = make_server(
                app.bolt, app.engine, settings.host, port, settings.http_threads, app.metrics
            )
        except OSError as exc:
            raise CliError(preflight.bind_problem(exc, settings.host, port).line) from None
    probes = _probe_server(settings, app)
    scheduler = None
    if not args.no_scheduler:
        from bot.scheduler import start_scheduler

        scheduler = start_scheduler(app.frontline, app.metrics)
    try:
        if server is None:
            from slack_bolt.adapter.socket_mode import SocketModeHandler
            from slack_sdk.errors import SlackApiError, SlackClientError

            try:
                SocketModeHandler(app.bolt, app_token).start()  # type: ignore[no-untyped-call]
            except SlackApiError as exc:
                raise CliError(copy.slack_refused_app_token(preflight.slack_refusal(exc))) from None
            except (OSError, SlackClientError) as exc:
                line = copy.slack_unreachable(settings.api_url, preflight.reason(exc))
                raise CliError(line) from None
        else:
            signal.signal(signal.SIGTERM, lambda *_: server.close())
            log.info("Frontline listening on http://%s:%s/slack/events", settings.host, port)
            with contextlib.suppress(KeyboardInterrupt, OSError):
                server.run()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        if probes is not None:
            probes.close()
    return 0


def _probe_server(settings: Settings, app: FrontlineApp) -> Any:
    """/metrics, /healthz and /readyz on METRICS_PORT, served by a thread of their own."""
    if not settings.metrics_port:
        return None
    import threading

    from bot.server import make_probe_server

    port = settings.metrics_port
    try:
        probes = make_probe_server(app.engine, app.metrics, settings.host, port)
    except OSError as exc:
        raise CliError(preflight.bind_problem(exc, settings.host, port).line) from None

    def serve() -> None:
        with contextlib.suppress(OSError):  # closing the socket ends the loop
            probes.run()

    threading.Thread(target=serve, name="metrics", daemon=True).start()
    log.info("metrics on http://%s:%s/metrics", settings.host, port)
    return probes


def cmd_jobs(settings: Settings, config: FrontlineConfig, args: argparse.Namespace) -> int:
    found = [
        preflight.database(settings.database_url),
        preflight.slack_bot_token(_bot_token(settings), settings.api_url),
    ]
    # Slack answered but could not say which workspace this is: nothing is sent, run it later
    slack = found[1]
    if slack is not None and not slack.lasting:
        found[1] = preflight.Problem(copy.job_workspace_unknown(args.job, slack.detail), False)
    _check(found)
    from bot.app import create_app
    from bot.schedule.jobs import run_job
    from bot.services.frontline import WorkspaceUnknown
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    app = create_app(settings, config, listeners=[], verify_token=False, now=_clock(args))
    try:
        if args.dry_run:
            report = run_job(app.frontline, args.job, dry_run=True)
        else:
            with app.metrics.job_run(args.job):
                report = run_job(app.frontline, args.job)
    except WorkspaceUnknown as exc:
        raise CliError(copy.job_workspace_unknown(args.job, str(exc)), code=EXIT_LATER) from None
    finally:
        if args.metrics_file and not args.dry_run:
            _write_metrics(app.metrics, args.metrics_file)
    for line in report.lines:
        print(line)
    print(report.summary)
    return 0


def _write_metrics(metrics: Metrics, path: str) -> None:
    from prometheus_client import write_to_textfile

    try:
        write_to_textfile(path, metrics.registry)  # written aside, then renamed into place
    except OSError as exc:
        log.warning("could not write the metrics to %s: %s", path, exc.strerror or exc)


def _day(flag: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CliError(copy.export_bad_date(flag, value)) from None


def _export_filter(config: FrontlineConfig, args: argparse.Namespace) -> ExportFilter:
    """The rows asked for; every bad flag is found before anything is read or written."""
    from storage.export import ExportFilter

    since, until = _day("--since", args.since), _day("--until", args.until)
    if since and until and since > until:
        raise CliError(copy.export_dates_reversed(args.since, args.until))
    known = [t.key for t in config.teams]
    for key in args.team or []:
        if key not in known:
            raise CliError(copy.export_unknown_team(key, known))
    return ExportFilter(
        since=datetime.combine(since, time(0), UTC) if since else None,
        # inclusive: everything created before the next day began
        until=datetime.combine(until + timedelta(days=1), time(0), UTC) if until else None,
        teams=list(args.team) if args.team else None,
    )


def cmd_export(settings: Settings, config: FrontlineConfig, args: argparse.Namespace) -> int:
    where = _export_filter(config, args)
    _check([preflight.database(settings.database_url)])
    from bot.insights.export import ExportService
    from storage.db import make_engine
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        service = ExportService(config, engine, system_now)
        if not args.output:
            try:
                service.write(sys.stdout, where, fmt=args.format, reports=args.reports)
                sys.stdout.flush()
            except BrokenPipeError:  # `frontline export | head`: the reader has had enough
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        target = Path(args.output)
        partial = target.with_name(target.name + ".part")
        bar = None
        if sys.stderr.isatty():
            from tqdm import tqdm

            total = service.count(where, reports=args.reports)
            bar = tqdm(total=total, unit=" rows", file=sys.stderr, dynamic_ncols=True)
        try:
            with partial.open("w", encoding="utf-8", newline="") as out:
                rows = service.write(
                    out,
                    where,
                    fmt=args.format,
                    reports=args.reports,
                    progress=bar.update if bar is not None else None,
                )
            os.replace(partial, target)  # a whole file or none: never half an export
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CliError(f"{args.output}: {exc.strerror or exc}") from None
        finally:
            if bar is not None:
                bar.close()
        what = "reports" if args.reports else "items"
        print(copy.export_written(rows, what, str(target)), file=sys.stderr)
        return 0
    finally:
        engine.dispose()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _problems(
    settings: Settings, args: argparse.Namespace
) -> tuple[FrontlineConfig | None, list[str]]:
    """Tokens and config, as far as this command needs them: every problem, not the first."""
    problems: list[str] = []
    if args.command == "run":
        problems += token_problems(settings, need_signing_secret=not settings.socket_mode)
    elif args.command == "jobs":
        problems += token_problems(settings, need_signing_secret=False)
    config = None
    if args.command in ("run", "jobs", "config", "export"):
        config, config_problems = _config(settings)
        problems += config_problems
    return config, problems


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings, problems = load_settings()
    logs.configure(args.log_format or settings.log_format)
    config, more = _problems(settings, args)
    try:
        if problems or more:
            raise CliError(*problems, *more)
        if args.command == "db":
            return cmd_db(settings, args)
        if args.command == "outbox":
            return cmd_outbox(settings, args)
        assert config is not None
        if args.command == "config":
            return cmd_config(settings, config)
        if args.command == "jobs":
            return cmd_jobs(settings, config, args)
        if args.command == "export":
            return cmd_export(settings, config, args)
        return cmd_run(settings, config, args)
    except CliError as exc:
        for line in exc.lines:
            print(f"frontline: {line}", file=sys.stderr)
        return exc.code


if __name__ == "__main__":
    sys.exit(main())
