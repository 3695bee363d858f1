"""The admin's frontline.yml: sensible defaults, forgiving YAML, and errors that say where and what."""

from __future__ import annotations

import copy
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.config import ConfigError, load_config, parse_config
from tests.support.world import CONFIG

MINIMAL: dict[str, Any] = {
    "triage_team": "support-ops",
    "teams": [{"key": "support-ops", "name": "Support Ops", "channel": "C0SUPPORT"}],
}


def config_with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(CONFIG)
    data.update(copy.deepcopy(changes))
    return data


def problems(data: Any, source: str = "frontline.yml") -> list[str]:
    with pytest.raises(ConfigError) as raised:
        parse_config(data, source)
    return str(raised.value).splitlines()


# --- valid configs ----------------------------------------------------------------------------


def test_minimal_config_gets_working_defaults():
    config = parse_config(MINIMAL, "frontline.yml")
    assert config.timezone == "UTC"
    assert config.business_hours.days == ["mon", "tue", "wed", "thu", "fri"]
    assert (config.business_hours.start, config.business_hours.end) == (time(9), time(17))
    assert config.holidays == []
    assert config.routing.min_score == 85
    assert (config.nudges.every_minutes, config.nudges.warn_before_minutes) == (5, 60)
    assert config.digest.enabled is True
    assert config.digest.time == time(8, 45)
    assert config.tips.channels == []
    assert config.tips.time == time(9, 30)
    assert config.tips.extra == []
    team = config.triage
    assert team.key == "support-ops"
    assert team.leads == [] and team.keywords == []
    assert team.inform_within("normal") == timedelta(hours=24)
    assert team.inform_within("high") == timedelta(hours=24)


def test_shared_test_config_loads_from_a_file(config_file: Path):
    config = load_config(config_file)
    assert [t.key for t in config.teams] == ["billing", "product", "support-ops"]
    assert config.triage.name == "Support Ops"
    assert config.team_by_channel("C0PRODUCT").key == "product"
    assert config.team("nosuch") is None
    assert config.holidays == [date(2026, 12, 25)]
    assert config.timezone == "America/New_York"


def test_inform_within_hours_as_a_number_applies_to_every_urgency():
    config = parse_config(CONFIG, "frontline.yml")
    product = config.team("product")
    assert product.inform_within("normal") == timedelta(hours=40)
    assert product.inform_within("high") == timedelta(hours=40)


def test_inform_within_hours_can_be_faster_for_high_urgency():
    config = parse_config(CONFIG, "frontline.yml")
    billing = config.team("billing")
    assert billing.inform_within("normal") == timedelta(hours=24)
    assert billing.inform_within("high") == timedelta(hours=4)


def test_inform_within_hours_accepts_fractions():
    data = copy.deepcopy(MINIMAL)
    data["teams"][0]["inform_within_hours"] = {"normal": 1.5, "high": 0.25}
    team = parse_config(data, "frontline.yml").triage
    assert team.inform_within("normal") == timedelta(minutes=90)
    assert team.inform_within("high") == timedelta(minutes=15)


def test_keywords_are_trimmed_lowercased_and_deduplicated():
    data = copy.deepcopy(MINIMAL)
    data["teams"][0]["keywords"] = ["  Refund ", "REFUND", "refund", "", "App Store"]
    assert parse_config(data, "frontline.yml").triage.keywords == ["refund", "app store"]


YAML_WITH_UNQUOTED_TIMES = """\
timezone: Europe/London
triage_team: ops
business_hours:
  days: [mon, tue, wed, thu]
  start: 8:30      # YAML 1.1 reads this as the integer 510
  end: 17:45       # ... and this as 1065
digest:
  time: 7:15
tips:
  time: 09:30      # a leading zero keeps it a string
teams:
  - key: ops
    name: Ops
    channel: C0OPS
    inform_within_hours: {normal: 8, high: 2}
"""


def test_unquoted_yaml_times_are_read_as_clock_times(tmp_path: Path):
    path = tmp_path / "frontline.yml"
    path.write_text(YAML_WITH_UNQUOTED_TIMES, encoding="utf-8")
    config = load_config(path)
    assert config.business_hours.start == time(8, 30)
    assert config.business_hours.end == time(17, 45)
    assert config.digest.time == time(7, 15)
    assert config.tips.time == time(9, 30)
    assert config.business_hours.days == ["mon", "tue", "wed", "thu"]
    assert config.triage.inform_within("high") == timedelta(hours=2)


@pytest.mark.parametrize("value", ["9:00", "09:00", 540])
def test_a_time_can_be_written_several_ways(value: Any):
    data = copy.deepcopy(MINIMAL)
    data["business_hours"] = {"start": value}
    assert parse_config(data, "frontline.yml").business_hours.start == time(9)


# --- invalid configs --------------------------------------------------------------------------


def _drop(key: str):
    def change(data: dict[str, Any]) -> None:
        del data[key]

    return change


def _set(*path: Any, value: Any):
    def change(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return change


def _rename(old: str, new: str):
    def change(data: dict[str, Any]) -> None:
        data[new] = data.pop(old)

    return change


def _duplicate_first_team(data: dict[str, Any]) -> None:
    data["teams"].append(dict(data["teams"][0], channel="C0BILLING2"))


BAD = [
    pytest.param(
        _drop("triage_team"),
        ["frontline.yml: triage_team: is required"],
        id="missing triage_team",
    ),
    pytest.param(
        _set("triage_team", value="ops"),
        [
            "frontline.yml: triage_team: 'ops' is not one of the teams (billing, product, support-ops)"
        ],
        id="triage_team not a team",
    ),
    pytest.param(
        _duplicate_first_team,
        ["frontline.yml: teams[3] (billing).key: 'billing' is already used by teams[0]"],
        id="duplicate team key",
    ),
    pytest.param(
        _set("teams", 0, "channel", value="#billing"),
        ["frontline.yml: teams[0] (billing).channel: must be a Slack channel id", "not a #name"],
        id="channel as #name",
    ),
    pytest.param(
        _set("teams", 1, "leads", value=["ULEADP", "@priya"]),
        ["frontline.yml: teams[1] (product).leads: '@priya' is not a Slack user id"],
        id="lead not a user id",
    ),
    pytest.param(
        _set("timezone", value="Eastern Time"),
        ["frontline.yml: timezone: 'Eastern Time' is not an IANA timezone like America/New_York"],
        id="bad timezone",
    ),
    pytest.param(
        _set("business_hours", "start", value="18:00"),
        ["frontline.yml: business_hours: start must be before end"],
        id="start after end",
    ),
    pytest.param(
        _set("business_hours", "end", value="5pm"),
        ['frontline.yml: business_hours.end: must be a time of day like "09:30"'],
        id="time not HH:MM",
    ),
    pytest.param(
        _set("business_hours", "days", value=["monday"]),
        ["frontline.yml: business_hours.days[0]:", "'mon'"],
        id="weekday spelled out",
    ),
    pytest.param(
        _rename("teams", "temas"),
        [
            "frontline.yml: temas: is not a known setting (check the spelling against "
            "frontline.example.yml)",
            "frontline.yml: teams: is required",
        ],
        id="typo in top-level key",
    ),
    pytest.param(
        _set("teams", 0, "chanel", value="C0BILLING"),
        ["frontline.yml: teams[0] (billing).chanel: is not a known setting"],
        id="typo in team key",
    ),
    pytest.param(
        _set("teams", value=[]),
        ["frontline.yml: teams:", "at least 1"],
        id="empty teams",
    ),
    pytest.param(
        _set("teams", 0, "key", value="Billing Team"),
        ["frontline.yml: teams[0] (Billing Team).key: must be a short lowercase id"],
        id="team key with spaces",
    ),
    pytest.param(
        _set("teams", 2, "inform_within_hours", value={"normal": 0}),
        ["frontline.yml: teams[2] (support-ops).inform_within_hours.normal:", "greater than 0"],
        id="zero hours",
    ),
    pytest.param(
        _set("tips", value={"channels": ["#general"]}),
        ["frontline.yml: tips.channels: '#general' is not a Slack channel id"],
        id="tips channel as #name",
    ),
    pytest.param(
        _set("holidays", value=["christmas"]),
        ["frontline.yml: holidays[0]:"],
        id="holiday not a date",
    ),
]


@pytest.mark.parametrize(("change", "expected"), BAD)
def test_bad_config_names_the_file_the_key_and_the_problem(change, expected: list[str]):
    data = copy.deepcopy(CONFIG)
    change(data)
    lines = problems(data)
    message = "\n".join(lines)
    for fragment in expected:
        assert fragment in message
    assert all(line.startswith("frontline.yml: ") for line in lines), lines
    # written for an admin, not a developer
    assert "Value error" not in message
    assert "errors.pydantic.dev" not in message
    assert "Traceback" not in message


def test_every_problem_is_reported_not_just_the_first():
    data = config_with(timezone="Mars/Olympus", triage_team="ops", temas=[])
    data["teams"][0]["channel"] = "#billing"
    data["teams"][1]["leads"] = ["priya"]
    data["business_hours"]["start"] = "18:00"
    lines = problems(data)
    wheres = [line.split(": ")[1] for line in lines]
    assert sorted(wheres) == sorted(
        [
            "timezone",
            "triage_team",
            "temas",
            "teams[0] (billing).channel",
            "teams[1] (product).leads",
            "business_hours",
        ]
    )


def test_duplicate_keys_and_wrong_triage_are_both_reported():
    data = config_with(triage_team="ops")
    data["teams"].append(dict(data["teams"][1], channel="C0PRODUCT2"))
    lines = problems(data)
    assert len(lines) == 2
    assert any(line.startswith("frontline.yml: teams[3] (product).key:") for line in lines)
    assert any(line.startswith("frontline.yml: triage_team: 'ops'") for line in lines)


@pytest.mark.parametrize("data", [["teams"], "teams: []", None, 42])
def test_not_a_mapping_points_at_the_example(data: Any):
    [line] = problems(data)
    assert line == "frontline.yml: the file must be a YAML mapping (see frontline.example.yml)"


def test_errors_name_the_file_they_came_from(tmp_path: Path):
    path = tmp_path / "prod-frontline.yml"
    path.write_text("triage_team: ops\nteams:\n  - key: ops\n    name: Ops\n    channel: '#ops'\n")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value) == (
        f"{path}: teams[0] (ops).channel: must be a Slack channel id like C0123ABCD "
        "(channel details → About → Channel ID), not a #name"
    )


def test_invalid_yaml_says_which_line(tmp_path: Path):
    path = tmp_path / "frontline.yml"
    path.write_text(
        "triage_team: ops\nteams:\n  - key: ops\n   name: Ops\n    channel: C0OPS\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: not valid YAML (line 4, column")
    assert "\n" not in message


def test_empty_file_is_not_a_mapping(tmp_path: Path):
    path = tmp_path / "frontline.yml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        load_config(path)


def test_missing_file_says_to_copy_the_example(tmp_path: Path):
    path = tmp_path / "frontline.yml"
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: config file not found")
    assert f"copy frontline.example.yml to {path}" in message
    assert "FRONTLINE_CONFIG" in message


def test_admin_tip_id_clashing_with_a_builtin_is_refused_at_load():
    import copy as _copy

    from tests.support.world import CONFIG

    data = _copy.deepcopy(CONFIG)
    data["tips"]["extra"][0]["id"] = "tip-001"
    with pytest.raises(ConfigError) as err:
        parse_config(data, "frontline.yml")
    assert "frontline.yml: tips: tip id 'tip-001' is already in use" in str(err.value)
