"""Every sentence in the bot/slack/copy/ package keeps the tone the service texts ask for, where a machine can tell.

The collector reads every string each module of the package can produce: each str constant, each
label in a dict, and each function called with sample arguments (both branches of every bool and
optional argument). It walks the package's modules themselves, not the names the package
re-exports, and checks that every module was read and every name is re-exported. The rules are the mechanical part of the tone: apologies with no "if" or "but", no
"but" that takes back what came before, no absolute "never/always" rules, no blame words, no
internal numbers or config files in what agents read (the admin section may name frontline.yml).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import pkgutil
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

COPY_DIR = Path(copy.__file__).parent
SAMPLE_TEXT = "Acme"  # no digits, so any digit in a reason comes from the sentence itself


ADMIN_SECTIONS = re.compile(r"# --- (admin|operator)\b")


def _copy_modules() -> list[types.ModuleType]:
    """Every module of the copy package, found on disk (a new module is read without a change here)."""
    names = sorted(info.name for info in pkgutil.iter_modules(copy.__path__))
    assert names, "bot/slack/copy/ has no modules"
    return [importlib.import_module(f"{copy.__name__}.{name}") for name in names]


MODULES = _copy_modules()


def _top_level(tree: ast.Module) -> Iterator[tuple[ast.stmt, list[str]]]:
    """Each top-level statement with the names it defines (constants, dicts, functions)."""
    for node in tree.body:
        targets: list[str] = []
        if isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets = [node.target.id]
        elif isinstance(node, ast.FunctionDef):
            targets = [node.name]
        yield node, targets


def _source(module: types.ModuleType) -> str:
    assert module.__file__ is not None
    return Path(module.__file__).read_text(encoding="utf-8")


def _defined(module: types.ModuleType) -> list[str]:
    """The public names a copy module defines itself (not the ones it imports)."""
    return [
        name
        for _, targets in _top_level(ast.parse(_source(module)))
        for name in targets
        if not name.startswith("_")
    ]


def _admin_names() -> set[str]:
    """Names under a `# --- admin …` or `# --- operator …` section: read by whoever runs the bot.

    They may name files, variables and hard requirements ("must start with xoxb-"); the rules for
    words said to agents, leads and customers in Slack do not apply to them, apologies excepted.
    """
    names = set()
    for module in MODULES:
        source = _source(module)
        section_at: dict[int, str] = {}
        current = ""
        for number, line in enumerate(source.splitlines(), start=1):
            if line.startswith("# ---"):
                current = line
            section_at[number] = current
        for node, targets in _top_level(ast.parse(source)):
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


def module_strings(module: types.ModuleType) -> list[tuple[str, str]]:
    """(name, text) for every string one copy module defines or can build."""
    found: list[tuple[str, str]] = []
    for name in _defined(module):
        value = getattr(module, name)
        if isinstance(value, str):
            found.append((name, value))
        elif isinstance(value, dict):
            found += [(f"{name}[{k!r}]", v) for k, v in value.items() if isinstance(v, str)]
        elif inspect.isfunction(value):
            found += [(name, text) for text in _calls(value)]
    return found


BY_MODULE = {module.__name__: module_strings(module) for module in MODULES}


def every_string() -> list[tuple[str, str]]:
    """(name, text) for every string the bot/slack/copy/ package holds or can build."""
    return [found for strings in BY_MODULE.values() for found in strings]


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


def test_the_collector_reads_every_module_of_the_copy_package():
    """A module added to bot/slack/copy/ is read too, and gives the tone rules something to read."""
    on_disk = {p.stem for p in COPY_DIR.glob("*.py") if p.stem != "__init__"}
    read = {name.rsplit(".", 1)[1] for name in BY_MODULE}
    assert on_disk == read, on_disk ^ read
    quiet = [name for name, strings in BY_MODULE.items() if not strings]
    assert not quiet, f"no sentence read from {quiet}: the collector misses what they hold"
    # only str, dict and function names are sentences: anything else needs a rule here
    for module in MODULES:
        for name in _defined(module):
            value = getattr(module, name)
            assert isinstance(value, (str, dict)) or inspect.isfunction(value), (
                f"{module.__name__}.{name} is a {type(value).__name__}: teach the collector"
            )


def test_the_package_re_exports_every_sentence_once():
    """`copy.X` reaches every name of every module, and no two modules define the same name."""
    seen: dict[str, str] = {}
    for module in MODULES:
        for name in _defined(module):
            assert name not in seen, f"{name} is in both {seen[name]} and {module.__name__}"
            seen[name] = module.__name__
            assert getattr(copy, name, None) is getattr(module, name), f"copy.{name}"


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
