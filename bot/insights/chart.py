"""The weekly insight's chart: new items per week (bars) and the share of first updates made
within the promise (line), as PNG bytes.

matplotlib's object API on the Agg canvas: no pyplot, no global figure state, so jobs may draw
in several threads at once.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

WIDTH, HEIGHT, DPI = 6.4, 3.2, 100  # 640 x 320 pixels: readable in a Slack preview
BAR = "#4a90d9"
LINE = "#2e7d32"


def weekly_chart(
    labels: Sequence[str],
    new_items: Sequence[int],
    kept_pct: Sequence[float | None],
    *,
    title: str,
    bars_label: str,
    line_label: str,
) -> bytes:
    """A PNG: bars of new items per week, a line of % within promise (gaps where no update)."""
    fig = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = list(range(len(labels)))
    ax.bar(x, list(new_items), color=BAR, label=bars_label)
    ax.set_xticks(x, list(labels), fontsize=8)
    ax.set_ylabel(bars_label, fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylim(0, max([1, *new_items]) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top"]].set_visible(False)
    pct = ax.twinx()
    pct.plot(
        x,
        [float("nan") if p is None else p for p in kept_pct],
        color=LINE,
        marker="o",
        linewidth=2,
        label=line_label,
    )
    pct.set_ylim(0, 105)
    pct.set_ylabel(line_label, fontsize=8)
    pct.tick_params(axis="y", labelsize=8)
    pct.spines[["top"]].set_visible(False)
    ax.set_title(title, fontsize=10, loc="left")
    bars = ax.get_legend_handles_labels()
    line = pct.get_legend_handles_labels()
    ax.legend(
        bars[0] + line[0],
        bars[1] + line[1],
        fontsize=7,
        loc="lower right",
        bbox_to_anchor=(1.0, 1.0),
        ncols=2,
        frameon=False,
    )
    # fixed margins: tight_layout would draw the figure twice
    fig.subplots_adjust(left=0.09, right=0.9, top=0.86, bottom=0.1)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
