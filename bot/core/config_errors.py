"""Reading frontline.yml and saying what is wrong with it: the file, the key path and the fix.

bot/core/config.py holds the model; this module holds what turns a YAML or pydantic failure into
lines an admin can act on. Nothing here imports the model, so the model's validators can use it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.slack import copy


class ConfigError(Exception):
    """Raised with a message an admin can act on; never a traceback."""


def team_key_problems(triage_team: str | None, keys: list[str | None]) -> list[tuple[str, str]]:
    """(key path, problem) for duplicate team keys and a triage_team that names no team."""
    problems: list[tuple[str, str]] = []
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in first:
            problems.append(
                (
                    f"teams[{index}] ({key}).key",
                    f"{key!r} is already used by teams[{first[key]}]; each team needs its own key",
                )
            )
        else:
            first[key] = index
    if triage_team is not None and first and triage_team not in first:
        problems.append(
            ("triage_team", f"{triage_team!r} is not one of the teams ({', '.join(first)})")
        )
    return problems


def raw_team_key_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    teams = data.get("teams")
    if not isinstance(teams, list):
        return []
    keys = [
        t["key"] if isinstance(t, dict) and isinstance(t.get("key"), str) else None for t in teams
    ]
    triage = data.get("triage_team")
    return team_key_problems(triage if isinstance(triage, str) else None, keys)


def channel_problems(
    channels: list[tuple[str | None, str | None]], team_keys: list[str]
) -> list[tuple[str, str]]:
    """(key path, problem) for `channels:` entries, given as (channel, team): a channel listed twice,
    or a team key that is not one of the teams (say, a team removed from the file)."""
    problems: list[tuple[str, str]] = []
    first: dict[str, int] = {}
    for index, (channel, team) in enumerate(channels):
        where = f"channels[{index}]" + (f" ({channel})" if channel else "")
        if channel is not None:
            if channel in first:
                problems.append(
                    (
                        f"{where}.channel",
                        f"{channel} is already listed as channels[{first[channel]}]; "
                        "list each channel once",
                    )
                )
            else:
                first[channel] = index
        if team is not None and team_keys and team not in team_keys:
            problems.append(
                (
                    f"{where}.team",
                    f"{team!r} is not one of the teams ({', '.join(team_keys)}); "
                    "a capture in this channel would have nowhere to go",
                )
            )
    return problems


def raw_channel_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    channels, teams = data.get("channels"), data.get("teams")
    if not isinstance(channels, list) or not isinstance(teams, list):
        return []
    keys = [t["key"] for t in teams if isinstance(t, dict) and isinstance(t.get("key"), str)]
    entries = [
        (
            c.get("channel") if isinstance(c.get("channel"), str) else None,
            c.get("team") if isinstance(c.get("team"), str) else None,
        )
        if isinstance(c, dict)
        else (None, None)
        for c in channels
    ]
    return channel_problems(entries, keys)


def key_path(loc: tuple[Any, ...], data: Any) -> str:
    """teams.0.channel -> teams[0].channel (billing): the admin finds the line at a glance."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            listed = out
            out += f"[{part}]"
            if isinstance(node, list) and part < len(node):
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("key"), str):
                    out += f" ({node['key']})"
                elif (
                    listed == "channels"
                    and isinstance(node, dict)
                    and isinstance(node.get("channel"), str)
                ):  # channels[1] (C0ACME): the admin finds the entry by its channel
                    out += f" ({node['channel']})"
            continue
        if part in ("function-after", "function-before") or str(part).startswith("function-"):
            continue
        out += ("." if out else "") + str(part)
        node = node.get(part) if isinstance(node, dict) else None
    return out


def validation_problems(exc: ValidationError, data: dict[str, Any], source: str) -> str:
    """One line per problem, each naming the file and the key path."""
    # Cross-team checks run on the raw data too: pydantic skips them when any field is invalid.
    cross = raw_team_key_problems(data) + raw_channel_problems(data)
    lines = []
    for err in exc.errors():
        if not err["loc"] and cross:
            continue  # the model-level check, reported below with its key path
        where = key_path(tuple(err["loc"]), data) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "is required"
        elif err["type"] == "extra_forbidden":
            msg = "is not a known setting (check the spelling against frontline.example.yml)"
        elif err.get("input", ...) is None:
            msg = "is empty (an unquoted # starts a YAML comment: write ids like C0123ABCD, or quote the value)"
        lines.append(f"{source}: {where}: {msg}")
    lines += [f"{source}: {where}: {msg}" for where, msg in cross]
    return "\n".join(lines)


def read_yaml(path: Path) -> Any:
    """The file's YAML data, or a ConfigError that says why it cannot be read."""
    if not path.exists():
        raise ConfigError(
            f"{path}: config file not found; copy frontline.example.yml to {path} and edit it "
            "(or set FRONTLINE_CONFIG to its path)"
        )
    if path.is_dir():
        raise ConfigError(copy.config_is_directory(str(path)))
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        detail = getattr(exc, "strerror", None) or type(exc).__name__
        raise ConfigError(copy.config_unreadable(str(path), detail)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{at}: {getattr(exc, 'problem', exc)}") from None
