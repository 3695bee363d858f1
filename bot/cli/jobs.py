"""`frontline jobs run JOB`: one scheduled job, once, as cron or a Kubernetes CronJob runs it."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from bot import preflight
from bot.cli.errors import EXIT_LATER, CliError, bot_token, check, clock
from bot.core.config import FrontlineConfig
from bot.settings import Settings
from bot.slack import copy

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger("frontline")


def cmd_jobs(settings: Settings, config: FrontlineConfig, args: argparse.Namespace) -> int:
    found = [
        preflight.database(settings.database_url),
        preflight.slack_bot_token(bot_token(settings), settings.api_url),
    ]
    # Slack answered but could not say which workspace this is: nothing is sent, run it later
    slack = found[1]
    if slack is not None and not slack.lasting:
        found[1] = preflight.Problem(copy.job_workspace_unknown(args.job, slack.detail), False)
    check(found)
    from bot.app import create_app
    from bot.schedule.jobs import run_job
    from bot.services.frontline import WorkspaceUnknown
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    app = create_app(settings, config, listeners=[], verify_token=False, now=clock(args))
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
