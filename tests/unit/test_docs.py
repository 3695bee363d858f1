"""The admin docs stay honest: every Slack id, config key, env var and CLI word is documented.

- docs/slack-contract.md lists every id in bot/core/ids.py (cards stay clickable for years, so a
  renamed or undocumented id is a silent break);
- frontline.example.yml loads and shows every setting the config model accepts;
- README.md gives the run and test commands, every environment variable and every CLI command.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from bot import cli
from bot.core import ids
from bot.core.config import (
    BusinessHours,
    Digest,
    FrontlineConfig,
    InformWithin,
    Insights,
    Nudges,
    Routing,
    Team,
    Tips,
    load_config,
)
from bot.schedule.tip_library import Tip
from bot.server import make_server
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
CONTRACT = ROOT / "docs" / "slack-contract.md"
EXAMPLE = ROOT / "frontline.example.yml"


def _read(path: Path) -> str:
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing"
    return path.read_text(encoding="utf-8")


def _slack_ids() -> dict[str, str]:
    """Constant name -> value for every Slack identifier in bot/core/ids.py."""
    found = {
        name: value
        for name, value in vars(ids).items()
        if name.isupper()
        and isinstance(value, str)
        and (value.startswith(("feedback_", "fb_")) or name == "COMMAND")
    }
    assert len(found) > 10, "bot/core/ids.py changed shape: update this test"
    return found


# --- docs/slack-contract.md ----------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(_slack_ids()))
def test_contract_documents_every_slack_id(name: str) -> None:
    value = _slack_ids()[name]
    # the whole id in backticks (`feedback_snooze` must not pass as part of `feedback_snooze_until`)
    # or as the head of a documented pattern (`feedback_nudge_item:<id>`)
    pattern = re.compile(rf"`{re.escape(value)}(`|:)")
    assert pattern.search(_read(CONTRACT)), (
        f"bot.ids.{name} = {value!r} is not in docs/slack-contract.md (as `{value}`)"
    )


def test_contract_documents_the_grouped_ids() -> None:
    """ALL_ACTIONS, ALL_VIEWS and EVENTS are what the app registers and the manifest declares."""
    contract = _read(CONTRACT)
    for value in (*ids.ALL_ACTIONS, *ids.ALL_VIEWS, *ids.EVENTS):
        assert f"`{value}`" in contract, f"{value!r} is not in docs/slack-contract.md"


def test_contract_documents_value_formats() -> None:
    contract = _read(CONTRACT)
    ref = ids.item_ref(42)
    assert f'"{ref}"' in contract
    for choice in ("1h", "tomorrow", "pick"):
        # "|" is escaped as "\|" inside the Markdown tables
        assert f'"{ref}|{choice}"' in contract or f'"{ref}\\|{choice}"' in contract, choice
    assert f"{ids.BLOCK_NUDGE_ITEM}:<id>" in contract
    assert "never rename" in contract.lower()


# --- frontline.example.yml ---------------------------------------------------------------------
def _example_raw() -> dict[str, Any]:
    data = yaml.safe_load(_read(EXAMPLE))
    assert isinstance(data, dict)
    return data


def _mappings(node: Any) -> list[dict[str, Any]]:
    return [node] if isinstance(node, dict) else []


def test_example_config_loads() -> None:
    config = load_config(EXAMPLE)
    assert config.triage.key == config.triage_team
    assert len(config.teams) >= 2


def test_example_config_uses_every_top_level_field() -> None:
    missing = set(FrontlineConfig.model_fields) - set(_example_raw())
    assert not missing, f"frontline.example.yml does not show {sorted(missing)}"


def test_example_config_uses_every_team_field() -> None:
    teams = _example_raw()["teams"]
    shown = {key for team in teams for key in team}
    missing = set(Team.model_fields) - shown
    assert not missing, f"no team in frontline.example.yml shows {sorted(missing)}"


def test_example_config_shows_both_inform_within_forms() -> None:
    forms = {type(t.get("inform_within_hours")).__name__ for t in _example_raw()["teams"]}
    assert "dict" in forms, "show inform_within_hours as {normal, high}"
    assert forms & {"int", "float"}, "show inform_within_hours as a plain number"


def _team_nodes(raw: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [node for team in raw["teams"] for node in _mappings(team.get(key))]


def _tips(raw: dict[str, Any]) -> dict[str, Any]:
    return raw.get("tips") or {}


# (where in the file, the model behind it, the mappings of the example that fill that model)
NESTED: list[tuple[str, type[BaseModel], Callable[[dict[str, Any]], list[dict[str, Any]]]]] = [
    (
        "business_hours",
        BusinessHours,
        lambda raw: _mappings(raw.get("business_hours")) + _team_nodes(raw, "business_hours"),
    ),
    ("routing", Routing, lambda raw: _mappings(raw.get("routing"))),
    ("nudges", Nudges, lambda raw: _mappings(raw.get("nudges"))),
    ("digest", Digest, lambda raw: _mappings(raw.get("digest"))),
    ("insights", Insights, lambda raw: _mappings(raw.get("insights"))),
    ("tips", Tips, lambda raw: _mappings(_tips(raw))),
    (
        "tips.extra[]",
        Tip,
        lambda raw: [t for t in _tips(raw).get("extra") or [] if isinstance(t, dict)],
    ),
    (
        "teams[].inform_within_hours",
        InformWithin,
        lambda raw: _team_nodes(raw, "inform_within_hours"),
    ),
]


@pytest.mark.parametrize(("section", "model", "nodes"), NESTED, ids=[n[0] for n in NESTED])
def test_example_config_uses_every_nested_field(
    section: str,
    model: type[BaseModel],
    nodes: Callable[[dict[str, Any]], list[dict[str, Any]]],
) -> None:
    shown = {key for node in nodes(_example_raw()) for key in node}
    missing = set(model.model_fields) - shown
    assert not missing, f"frontline.example.yml does not show {section}: {sorted(missing)}"


def test_example_config_quotes_times() -> None:
    """Unquoted 9:30 is a YAML 1.1 number; the example must model the safe spelling."""
    raw = _example_raw()
    times = [raw["business_hours"]["start"], raw["business_hours"]["end"]]
    times += [raw["digest"]["time"], raw["tips"]["time"], raw["insights"]["time"]]
    for team in raw["teams"]:
        bh = team.get("business_hours") or {}
        times += [bh[k] for k in ("start", "end") if k in bh]
    assert all(isinstance(t, str) for t in times), times


# --- README.md ---------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["uv run frontline run", "uv run pytest"])
def test_readme_gives_the_run_and_test_commands(command: str) -> None:
    assert command in _read(README)


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_readme_documents_every_environment_variable(field: str) -> None:
    assert field.upper() in _read(README), f"README.md does not mention {field.upper()}"


@pytest.mark.parametrize("job", cli.JOBS)
def test_readme_documents_every_job(job: str) -> None:
    readme = _read(README)
    assert f"jobs run {job}" in readme or f"`{job}`" in readme, f"README.md: job {job!r}"


def _subcommands() -> list[str]:
    """Every `frontline …` command line the parser accepts, e.g. "db upgrade", "jobs run"."""
    found: list[str] = []

    def walk(parser: Any, prefix: str) -> None:
        subs = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
        if not subs:
            found.append(prefix)
            return
        for name, child in subs[0].choices.items():
            walk(child, f"{prefix} {name}".strip())

    walk(cli.build_parser(), "")
    return found


@pytest.mark.parametrize("command", _subcommands())
def test_readme_documents_every_cli_command(command: str) -> None:
    assert f"frontline {command}" in _read(README), f"README.md: `frontline {command}`"


def _flags() -> list[str]:
    """Every long option of every `frontline …` command, e.g. --dry-run."""
    found: set[str] = set()

    def walk(parser: Any) -> None:
        for action in parser._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                for child in action.choices.values():
                    walk(child)
            found.update(o for o in action.option_strings if o.startswith("--") and o != "--help")

    walk(cli.build_parser())
    return sorted(found)


@pytest.mark.parametrize("flag", _flags())
def test_readme_documents_every_cli_flag(flag: str) -> None:
    assert flag in _read(README), f"README.md does not mention {flag}"


def _documented_default(field: str) -> str:
    default = Settings.model_fields[field].default
    return "(none)" if default is None else f"`{default}`"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_readme_table_gives_every_variables_real_default(field: str) -> None:
    """The Environment variables table states the default Settings really uses."""
    row = f"| `{field.upper()}` | {_documented_default(field)} |"
    assert row in _read(README), f"README.md: expected a table row starting {row!r}"


def test_http_threads_default_is_one_number() -> None:
    """The server's own default is the setting's default, and the prose says the same."""
    threads = Settings.model_fields["http_threads"].default
    assert inspect.signature(make_server).parameters["threads"].default == threads
    said = re.findall(r"`HTTP_THREADS` threads,\s+default (\d+)", _read(README))
    assert said == [str(threads)], said


def test_readme_cron_example_gets_its_secrets_from_somewhere() -> None:
    """cron runs with an empty environment: each job line must load the variables first."""
    readme = _read(README)
    cron = readme.split("```cron", 1)[1].split("```", 1)[0]
    jobs = [line for line in cron.splitlines() if "frontline jobs run" in line]
    assert len(jobs) == len(cli.JOBS), jobs
    assert all(". ./frontline.env" in line for line in jobs), jobs
    assert "chmod 600" in readme


def test_readme_says_how_to_install_uv() -> None:
    assert "pip install uv" in _read(README)
