"""The weekly chart: PNG bytes from a few numbers, drawn without pyplot's global state."""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.insights.chart import ChartPainter

LABELS = [f"{d:02d} Oct" for d in range(1, 9)]


def size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    return width, height


def draw(new_items: list[int], kept: list[float | None]) -> bytes:
    """A fresh figure for each chart."""
    painter = ChartPainter(LABELS, bars_label="New items", line_label="% kept")
    return painter.paint(new_items, kept, title="Billing")


def test_the_chart_is_a_png_of_a_readable_size() -> None:
    png = draw([3, 5, 0, 7, 2, 9, 4, 6], [None, 80.0, 100.0, 50.0, 66.7, 75.0, None, 90.0])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert size(png) == (640, 320)
    assert 5_000 < len(png) < 200_000


def test_an_empty_history_still_draws() -> None:
    png = draw([0] * 8, [None] * 8)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and size(png) == (640, 320)


def test_charts_draw_in_parallel_threads() -> None:
    with ThreadPoolExecutor(4) as pool:
        pngs = list(pool.map(lambda n: draw([n] * 8, [50.0] * 8), range(4)))
    assert all(p[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert len(set(pngs)) == 4  # each thread drew its own numbers


def test_a_reused_figure_draws_exactly_what_a_fresh_one_draws() -> None:
    """The weekly job paints every team's chart on one figure: no team's bars may linger."""
    painter = ChartPainter(LABELS, bars_label="New items", line_label="% kept")
    painter.paint([90] * 8, [10.0] * 8, title="Support Ops")
    again = painter.paint(
        [3, 5, 0, 7, 2, 9, 4, 6], [None, 80.0, 100.0, 50.0, 66.7, 75.0, None, 90.0], title="Billing"
    )
    fresh = draw([3, 5, 0, 7, 2, 9, 4, 6], [None, 80.0, 100.0, 50.0, 66.7, 75.0, None, 90.0])
    assert again == fresh
    assert again != painter.paint([3] * 8, [50.0] * 8, title="Billing")


def test_a_painter_refuses_numbers_for_other_weeks() -> None:
    painter = ChartPainter(LABELS, bars_label="New items", line_label="% kept")
    with pytest.raises(ValueError):
        painter.paint([1, 2], [None, None], title="Billing")
