"""Behaviour of the built-in tip library: its content rules and how admin tips join it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pydantic
import pytest

from bot.schedule.tip_library import (
    THEMES,
    Tip,
    count_sentences,
    load_builtin_tips,
    merge_tips,
    parse_tips,
)

SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"
COPY_RUN = 8  # words in a row that would count as copying a seed text


def _tip(**overrides: str) -> dict[str, str]:
    data = {
        "id": "tip-900",
        "title": "Reply early",
        "body": "Send a short holding reply within the hour. Say when you will be back.",
        "theme": "keeping_informed",
    }
    data.update(overrides)
    return data


def _words(text: str) -> list[str]:
    """Lowercase and keep only words, so punctuation and curly quotes cannot hide a copy."""
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'"))


def _runs(text: str, size: int = COPY_RUN) -> set[tuple[str, ...]]:
    """Every run of `size` consecutive normalised words in `text`."""
    words = _words(text)
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@pytest.fixture(scope="module")
def tips() -> list[Tip]:
    return load_builtin_tips()


def test_library_loads_with_enough_tips(tips: list[Tip]) -> None:
    assert len(tips) >= 60
    assert all(isinstance(tip, Tip) for tip in tips)


def test_ids_are_unique_and_follow_the_pattern(tips: list[Tip]) -> None:
    ids = [tip.id for tip in tips]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"tip-\d{3}", tip_id) for tip_id in ids)


def test_every_theme_has_at_least_five_tips(tips: list[Tip]) -> None:
    counts = Counter(tip.theme for tip in tips)
    assert set(counts) == set(THEMES)
    assert all(counts[theme] >= 5 for theme in THEMES), counts


def test_bodies_are_one_to_three_sentences(tips: list[Tip]) -> None:
    for tip in tips:
        assert 1 <= count_sentences(tip.body) <= 3, tip.id
        assert len(tip.body) <= 400, tip.id
        assert len(tip.title) <= 60, tip.id


def test_bodies_are_plain_text(tips: list[Tip]) -> None:
    slack_markup = re.compile(r"[*_~`<>]|:[a-z0-9_+-]+:")
    for tip in tips:
        assert not slack_markup.search(tip.title), tip.id
        assert not slack_markup.search(tip.body), tip.id


def test_loading_twice_gives_equal_but_fresh_lists() -> None:
    first, second = load_builtin_tips(), load_builtin_tips()
    assert first == second
    assert first is not second


def test_valid_tip_is_accepted_and_whitespace_stripped() -> None:
    tip = Tip.model_validate(_tip(title="  Reply early  "))
    assert tip.title == "Reply early"


def test_tip_is_frozen() -> None:
    tip = Tip.model_validate(_tip())
    with pytest.raises(pydantic.ValidationError):
        tip.title = "Changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"title": "x" * 61}, id="title-too-long"),
        pytest.param({"title": "   "}, id="title-blank"),
        pytest.param({"theme": "upselling"}, id="unknown-theme"),
        pytest.param({"body": "One. Two. Three. Four."}, id="four-sentences"),
        pytest.param({"body": "One. Two. Three. Four without a stop"}, id="four-no-final-stop"),
        pytest.param({"body": "y" * 401}, id="body-too-long"),
        pytest.param({"body": ""}, id="body-empty"),
    ],
)
def test_bad_tips_are_refused(overrides: dict[str, str]) -> None:
    with pytest.raises(pydantic.ValidationError):
        Tip.model_validate(_tip(**overrides))


def test_three_sentences_are_allowed() -> None:
    tip = Tip.model_validate(_tip(body="Listen first! Then ask a question? Then act."))
    assert count_sentences(tip.body) == 3


def test_parse_tips_refuses_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="tip-900"):
        parse_tips([_tip(), _tip(title="Another one")])


def test_parse_tips_names_the_bad_entry() -> None:
    with pytest.raises(ValueError, match="tip-901"):
        parse_tips([_tip(), _tip(id="tip-901", theme="upselling")])


def test_merge_tips_appends_extras_after_builtins(tips: list[Tip]) -> None:
    extra = [Tip.model_validate(_tip(id="acme-1")), Tip.model_validate(_tip(id="acme-2"))]
    merged = merge_tips(tips, extra)
    assert merged[: len(tips)] == tips
    assert [tip.id for tip in merged[len(tips) :]] == ["acme-1", "acme-2"]
    assert len(tips) + 2 == len(merged)


def test_merge_tips_refuses_an_id_colliding_with_a_builtin(tips: list[Tip]) -> None:
    clash = Tip.model_validate(_tip(id=tips[0].id))
    with pytest.raises(ValueError, match=re.escape(tips[0].id)):
        merge_tips(tips, [clash])


def test_merge_tips_refuses_duplicate_ids_among_extras(tips: list[Tip]) -> None:
    extra = [Tip.model_validate(_tip(id="acme-1")), Tip.model_validate(_tip(id="acme-1"))]
    with pytest.raises(ValueError, match="acme-1"):
        merge_tips(tips, extra)


def test_no_tip_copies_the_seed_texts(tips: list[Tip]) -> None:
    seed_files = sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []
    if not seed_files:
        pytest.skip(f"seed texts not found at {SEEDS_DIR}; originality check needs shared/seeds")
    seed_runs: set[tuple[str, ...]] = set()
    for seed_file in seed_files:
        seed_runs |= _runs(seed_file.read_text(encoding="utf-8", errors="replace"))
    copied = [
        (tip.id, " ".join(run))
        for tip in tips
        for text in (tip.title, tip.body)
        for run in _runs(text) & seed_runs
    ]
    assert not copied, f"tips repeat {COPY_RUN}+ consecutive words from the seeds: {copied}"
