"""`frontline export`: items or reports as CSV or JSON Lines, streamed, to stdout or a file."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot import preflight
from bot.cli.errors import CliError, check
from bot.core.config import FrontlineConfig
from bot.core.wallclock import system_now
from bot.settings import Settings
from bot.slack import copy

if TYPE_CHECKING:
    from storage.export import ExportFilter


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
    check([preflight.database(settings.database_url)])
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
