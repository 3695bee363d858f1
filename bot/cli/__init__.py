"""`frontline` command line: run the bot, migrate the database, run one scheduled job.

Each command lives in a module of its own (run, jobs, export); this one reads the settings and
the config once, reports every problem an admin must fix at once, and dispatches.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot import logs, preflight
from bot.cli.errors import CliError, check, clock
from bot.cli.export import cmd_export
from bot.cli.jobs import cmd_jobs
from bot.cli.parser import JOBS, build_parser
from bot.cli.run import cmd_run
from bot.core.config import ConfigError, FrontlineConfig, load_config
from bot.settings import Settings, load_settings, token_problems

__all__ = ["JOBS", "main"]


def _config(settings: Settings) -> tuple[FrontlineConfig | None, list[str]]:
    try:
        return load_config(settings.frontline_config), []
    except ConfigError as exc:
        return None, str(exc).splitlines()


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from storage.migrate import current_revision, upgrade

    check([preflight.database(settings.database_url)])
    if args.db_command == "upgrade":
        upgrade(settings.database_url)
        print(f"database at {current_revision(settings.database_url)}")
    else:
        print(current_revision(settings.database_url) or "empty (run `frontline db upgrade`)")
    return 0


def cmd_outbox(settings: Settings, args: argparse.Namespace) -> int:
    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.outbox import retry_failed

    check([preflight.database(settings.database_url)])
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        count = retry_failed(engine, clock(args)())
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
