"""Every sentence in bot/slack/copy.py keeps the tone the service texts ask for, where a machine can tell.

The collector reads every string the module can produce: each str constant, each label in a
dict, and each function called with sample arguments (both branches of every bool and optional
argument). The rules are the mechanical part of the tone: apologies with no "if" or "but", no
"but" that takes back what came before, no absolute "never/always" rules, no blame words, no
internal numbers or config files in what agents read (the admin section may name frontline.yml).
"""

from __future__ import annotations

import ast
import inspect
import itertools
import re
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.capture.intake import reason_text
from bot.capture.routing import route
from bot.core.config import parse_config
from bot.schedule.tip_library import load_builtin_tips
from bot.slack import copy
from tests.support.world import CONFIG

COPY_SOURCE = Path(copy.__file__).read_text(encoding="utf-8")
SAMPLE_TEXT = "Acme"  # no digits, so any digit in a reason comes from the sentence itself


ADMIN_SECTIONS = re.compile(r"# --- (admin|operator)\b")


def _admin_names() -> set[str]:
    """Names under a `# --- admin …` or `# --- operator …` section: read by whoever runs the bot.

    They may name files, variables and hard requirements ("must start with xoxb-"); the rules for
    words said to agents, leads and customers in Slack do not apply to them, apologies excepted.
    """
    lines = COPY_SOURCE.splitlines()
    section_at: dict[int, str] = {}
    current = ""
    for number, line in enumerate(lines, start=1):
        if line.startswith("# ---"):
            current = line
        section_at[number] = current
    names = set()
    for node in ast.parse(COPY_SOURCE).body:
        targets: list[str] = []
        if isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target.id]
        elif isinstance(node, ast.FunctionDef):
            targets = [node.name]
        if ADMIN_SECTIONS.match(section_at.get(node.lineno, "")):
            names.update(targets)
    return names


ADMIN = _admin_names()


def _samples(annotation: Any) -> list[Any]:
    """Values to call a copy function with, covering each branch a type allows."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        values: list[Any] = []
        for arg in args:
            values += _samples(arg)
        return values
    if annotation is type(None):
        return [None]
    if annotation is bool:
        return [True, False]
    if annotation is str:
        return [SAMPLE_TEXT]
    if annotation is int:
        return [0, 1, 3]
    if annotation is float:
        return [1.0, 4.5]
    if origin in (list, Sequence, tuple) or annotation in (list, tuple):
        return [[], [SAMPLE_TEXT], [SAMPLE_TEXT, "Globex", "Initech"]]
    if origin is dict or annotation is dict:
        return [{SAMPLE_TEXT: SAMPLE_TEXT}]
    if annotation is Any:
        return [SAMPLE_TEXT]
    raise AssertionError(f"tests/unit/test_copy_tone.py: add samples for {annotation!r}")


def _calls(fn: Callable[..., Any]) -> Iterator[str]:
    hints = typing.get_type_hints(fn)
    params = list(inspect.signature(fn).parameters.values())
    choices = [_samples(hints.get(p.name, str)) for p in params]
    for combo in itertools.product(*choices):
        out = fn(**{p.name: value for p, value in zip(params, combo, strict=True)})
        if isinstance(out, str):
            yield out


def every_string() -> list[tuple[str, str]]:
    """(name, text) for every string bot/slack/copy.py holds or can build."""
    found: list[tuple[str, str]] = []
    for name, value in vars(copy).items():
        if name.startswith("_"):
            continue
        if isinstance(value, str):
            found.append((name, value))
        elif isinstance(value, dict):
            found += [(f"{name}[{k!r}]", v) for k, v in value.items() if isinstance(v, str)]
        elif inspect.isfunction(value) and value.__module__ == copy.__name__:
            found += [(name, text) for text in _calls(value)]
    return found


STRINGS = every_string()
SLACK_STRINGS = [(n, t) for n, t in STRINGS if n.split("[")[0] not in ADMIN]

# --- the rules (each takes a text and says what is wrong with it, or None) --------------------
APOLOGY = re.compile(r"\b(sorry|apologi[sz]e|apologies)\b", re.IGNORECASE)


def conditional_apology(text: str) -> str | None:
    if APOLOGY.search(text) and re.search(r"\b(if|but)\b", text, re.IGNORECASE):
        return "an apology with 'if' or 'but' takes itself back"
    return None


def takes_it_back(text: str) -> str | None:
    return "'but' cancels what came before it" if re.search(r"\bbut\b", text, re.I) else None


def rigid_rule(text: str) -> str | None:
    found = re.search(r"\b(never|always|must|forbidden|not allowed)\b", text, re.IGNORECASE)
    return f"'{found.group(0)}' is a rigid rule" if found else None


def blame(text: str) -> str | None:
    found = re.search(r"\b(blame|fault|failed to|reminded already|your mistake)\b", text, re.I)
    return f"'{found.group(0)}' points at a person" if found else None


def admin_talk(text: str) -> str | None:
    found = re.search(r"frontline\.ya?ml|\.ya?ml\b|\bconfigured?\b|\bscore\b", text, re.I)
    return (
        f"'{found.group(0)}' is admin talk; point agents at their Frontline admin"
        if found
        else None
    )


SLACK_RULES = [takes_it_back, rigid_rule, blame, admin_talk]


def test_the_collector_sees_every_kind_of_sentence():
    names = {name.split("[")[0] for name, _ in STRINGS}
    # a constant, a label dict, a function with a bool branch, a function with an optional link
    assert {"HELP", "KIND_LABELS", "card_waiting", "card_moved", "escalation"} <= names
    assert len(STRINGS) > 150
    assert "MISSING_BOT_TOKEN" in ADMIN and "HELP" not in ADMIN


@pytest.mark.parametrize(
    ("rule", "bad"),
    [
        (conditional_apology, "We are sorry if this caused trouble."),
        (conditional_apology, "Sorry, but that's our policy."),
        (takes_it_back, "It is saved, but Slack did not accept it."),
        (rigid_rule, "Never share the refund link."),
        (blame, "The owner was reminded already."),
        (admin_talk, "An admin can add teams in frontline.yml."),
        (admin_talk, "Matched “refund” (score 91)."),
    ],
)
def test_each_rule_catches_what_it_is_for(rule, bad):
    assert rule(bad) is not None


@pytest.mark.parametrize("rule", SLACK_RULES, ids=lambda r: r.__name__)
def test_no_sentence_said_in_slack_breaks_a_tone_rule(rule):
    broken = [(name, text, rule(text)) for name, text in SLACK_STRINGS if rule(text)]
    assert not broken, broken


def test_apologies_are_whole_everywhere():
    sorry = [(name, text) for name, text in STRINGS if APOLOGY.search(text)]
    assert sorry, "the copy apologises somewhere (something went wrong, a card is late)"
    broken = [(name, text) for name, text in sorry if conditional_apology(text)]
    assert not broken, broken


ORG = parse_config(CONFIG, "frontline.yml")


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Asked twice for a refnd on the annual plan", ["Your word “refnd” (close to “refund”)"]),
        ("Refund and invoice are both wrong", ["Your words “", "“refund”", "“invoice”"]),
        ("Dashbord takes a minute to load", ["“dashbord” (close to “dashboard”)"]),
    ],
)
def test_routing_reason_shows_the_agents_words_without_numbers(typed, shown):
    decision = route(typed, ORG.teams, ORG.triage_team, cutoff=ORG.routing.min_score)
    team = ORG.team(decision.team_key)
    assert team is not None and decision.how == "keywords"
    reason = reason_text(decision, team, picked=False)
    assert all(part in reason for part in shown) and team.name in reason
    assert not re.search(r"\d", reason) and admin_talk(reason) is None


def test_no_built_in_tip_sets_an_absolute_rule():
    """The service texts warn against never-ever rules; tips suggest and explain instead."""
    absolute = re.compile(r"\b(never|always|under no circumstances|no exceptions)\b", re.I)
    broken = [
        (tip.id, text)
        for tip in load_builtin_tips()
        for text in (tip.title, tip.body)
        if absolute.search(text)
    ]
    assert not broken, broken
