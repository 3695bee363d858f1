"""Storage owns queries: these domain modules call repository functions and build no SQL.

import-linter keeps sqlalchemy out of them (pyproject.toml); sqlmodel stays importable for the
`Session` type, so this test keeps the query half of sqlmodel (select, col, …) out as well.
Modules that open sessions on an engine take its type from storage.engine, not sqlalchemy.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_PACKAGES = ("services", "capture", "cards", "schedule", "insights", "slack", "core")
# Every module of the domain: a new one is checked without anyone having to list it.
DOMAIN = sorted(
    str(path.relative_to(ROOT))
    for package in DOMAIN_PACKAGES
    for path in (ROOT / "bot" / package).rglob("*.py")
)
SQL = re.compile(
    r"(?<![\w.])(select|update|delete|insert|col|or_|and_|text)\(|(?<![\w.])func\."
    r"|\bsession\.(exec|execute|get|scalars?|query)\("
)
ALLOWED_FROM_SQLMODEL = {"Session"}


def sql_in(source: str) -> list[str]:
    """Each place in `source` that builds or runs SQL itself, as "line N: text"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            bad = [a.name for a in node.names if a.name.split(".")[0] in ("sqlalchemy", "sqlmodel")]
            found += [f"line {node.lineno}: import {name}" for name in bad]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            found.append(f"line {node.lineno}: from {node.module} import …")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlmodel":
            bad = [a.name for a in node.names if a.name not in ALLOWED_FROM_SQLMODEL]
            found += [f"line {node.lineno}: from {node.module} import {name}" for name in bad]
    for number, line in enumerate(source.splitlines(), 1):
        code = line.split("#", 1)[0]
        if SQL.search(code):
            found.append(f"line {number}: {line.strip()}")
    return found


def test_the_domain_is_found():
    assert len(DOMAIN) > 30 and "bot/services/capture.py" in DOMAIN


@pytest.mark.parametrize("path", DOMAIN)
def test_domain_module_builds_no_sql(path):
    source = (ROOT / path).read_text(encoding="utf-8")
    assert sql_in(source) == [], f"{path}: move the query into a storage repository module"


@pytest.mark.parametrize(
    "source",
    [
        "from sqlmodel import Session, select",
        "from sqlmodel import col",
        "from sqlalchemy import or_",
        "from sqlalchemy import update",
        "from sqlalchemy.engine import Engine",
        "import sqlalchemy",
        "x = session.exec(stmt).all()",
        "session.execute(update(Item).values(a=1))",
        "rows = select(Item).where(col(Item.id) == 1)",
        "where(or_(a, b), and_(c, d))",
        "n = func.count()",
        "item = session.get(Item, 1)",
    ],
)
def test_the_check_catches(source):
    assert sql_in(source)


@pytest.mark.parametrize(
    "source",
    [
        "from sqlmodel import Session",
        "from storage.engine import Engine",
        "values.update(a=1)",
        "payload.update(status='x')",
        "found = items.get_item(session, item_id=1)",
        "tip = pick_for_channel(session, tips)",
        "x = 1  # select(Item) in a comment",
    ],
)
def test_the_check_allows(source):
    assert sql_in(source) == []
