"""Test modules share code only through tests/support/, never by importing one another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
SUPPORT = TESTS / "support"


def _is_test_module(name: str) -> bool:
    return any(part.startswith("test_") or part == "conftest" for part in name.split("."))


def forbidden_imports(source: str) -> list[str]:
    """Imports of another test module (or a conftest) in `source`, one line each."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: `from .test_cli import x`, `from . import test_cli`
                names = [module] if module else [alias.name for alias in node.names]
                names = [f"{'.' * node.level}{n}" for n in names if _is_test_module(n)]
                found += [f"line {node.lineno} imports {n}" for n in names]
                continue
            names = [module]
        else:
            continue
        for name in names:
            in_tests = name == "tests" or name.startswith("tests.")
            if (in_tests and not name.startswith("tests.support")) or (
                not in_tests and _is_test_module(name)
            ):
                found.append(f"line {node.lineno} imports {name}")
    return found


def checked_files() -> list[Path]:
    return sorted(
        path
        for path in TESTS.rglob("*.py")
        if SUPPORT not in path.parents and path.name != "conftest.py"
    )


def test_no_test_module_imports_another():
    offenders = {
        str(path.relative_to(TESTS.parent)): found
        for path in checked_files()
        if (found := forbidden_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "share helpers through tests/support/ instead: " + repr(offenders)


def test_support_holds_no_tests():
    """pytest would collect them, and the import check above does not look in tests/support/."""
    assert sorted(p.name for p in SUPPORT.rglob("test_*.py")) == []


def test_the_check_sees_the_tests():
    names = {path.name for path in checked_files()}
    assert {"test_cli.py", "test_exactly_once.py", "test_views.py", Path(__file__).name} <= names


@pytest.mark.parametrize(
    "source",
    [
        "from tests.e2e.test_cli import env_for",
        "from tests.e2e import test_cli",
        "import tests.e2e.test_cli",
        "from tests.e2e.helpers import items",
        "from tests.unit.test_clock import at",
        "import tests.unit",
        "from tests.conftest import CONFIG",
        "from test_cli import env_for",
        "import test_cli",
        "from .test_cli import env_for",
        "from . import test_cli",
        "from ..e2e.test_cli import env_for",
        "def f():\n    from tests.e2e.test_cli import env_for\n",
    ],
)
def test_the_check_catches(source):
    assert forbidden_imports(source)


@pytest.mark.parametrize(
    "source",
    [
        "from tests.support.helpers import items",
        "import tests.support.world",
        "from tests.support import fake_slack",
        "from bot import views",
        "import pytest",
        "from . import helpers",
    ],
)
def test_the_check_allows(source):
    assert forbidden_imports(source) == []
