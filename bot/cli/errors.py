"""What the `frontline` commands share: the admin-facing error, exit codes and start-up checks."""

from __future__ import annotations

import argparse

from bot import preflight
from bot.core.wallclock import Now, fixed, system_now
from bot.settings import Settings

EXIT_USAGE = 2  # the environment, the tokens or the config need fixing
EXIT_LATER = 1  # Slack answered but could not help just now: run again later


class CliError(Exception):
    """Something the admin must fix: each line printed on stderr, then exit `code` (2)."""

    def __init__(self, *lines: str, code: int = EXIT_USAGE) -> None:
        super().__init__("\n".join(lines))
        self.lines = [part for line in lines for part in line.splitlines()]
        self.code = code


def check(problems: list[preflight.Problem | None]) -> None:
    """Stop with every problem found: exit 2 if any needs the admin, 1 if all may pass."""
    found = [p for p in problems if p is not None]
    if found:
        lasting = any(p.lasting for p in found)
        raise CliError(*(p.line for p in found), code=EXIT_USAGE if lasting else EXIT_LATER)


def bot_token(settings: Settings) -> str:
    return settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""


def clock(args: argparse.Namespace) -> Now:
    """The one clock of this run: the system's, or the fixed moment given with --at."""
    at = getattr(args, "at", None)
    return fixed(at) if at is not None else system_now


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
