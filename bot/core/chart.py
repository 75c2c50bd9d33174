"""The stats chart: the last weeks as a PNG, readable on a phone.

Drawn with matplotlib's Agg backend (no display needed, safe in a worker thread when
each call builds its own ``Figure``, as here: ``pyplot`` and its global state are never
used). Two panels stacked, so the chart stays legible once Discord shrinks it to a
phone's width: the questions asked per week (bars, with their count), then the share
answered and the share found helpful by votes (percent lines; a week without questions
or votes leaves a gap rather than a false 0 %).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from bot.core.models import WeekStats

WIDTH_INCHES = 5.0
HEIGHT_INCHES = 6.0
DPI = 156
"""780 x 936 pixels: crisp on a phone, small enough to upload in a blink."""
FONT = 15
QUESTIONS_COLOUR = "#5865F2"
ANSWERED_COLOUR = "#2D9D5A"
HELPFUL_COLOUR = "#E8890C"
MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def weekly_chart(weeks: Sequence[WeekStats]) -> bytes:
    """The PNG of ``weeks`` (oldest first)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    labels = [f"{week.start.day}\n{MONTHS[week.start.month - 1]}" for week in weeks]
    positions = list(range(len(weeks)))
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(1, 1))
    figure.suptitle(f"La FAQ, {len(weeks)} dernières semaines", fontsize=FONT + 3, fontweight="bold")

    counts = [week.questions for week in weeks]
    bars = top.bar(positions, counts, color=QUESTIONS_COLOUR, width=0.7)
    top.bar_label(bars, labels=[str(n) for n in counts], fontsize=FONT - 2, padding=2)
    top.set_title("Questions posées par semaine", fontsize=FONT, loc="left")
    top.set_ylim(0, max([*counts, 1]) * 1.2)
    top.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))

    series = (
        ([_percent(week.share_answered) for week in weeks], ANSWERED_COLOUR, "o", "répondues"),
        ([_percent(week.share_helpful) for week in weeks], HELPFUL_COLOUR, "s", "jugées utiles (votes)"),
    )
    for values, colour, marker, label in series:
        bottom.plot(
            positions, values, color=colour, marker=marker, linewidth=3, markersize=8, label=label, clip_on=False
        )
    bottom.set_title("Part des questions (%)", fontsize=FONT, loc="left")
    bottom.set_ylim(0, 105)
    bottom.yaxis.set_major_formatter(PercentFormatter(decimals=0, symbol=" %"))
    bottom.yaxis.set_major_locator(MaxNLocator(nbins=5))
    figure.legend(fontsize=FONT - 2, loc="outside lower center", ncols=2, frameon=False)
    bottom.set_xticks(positions, labels, fontsize=FONT - 2)

    for axes in (top, bottom):
        axes.tick_params(labelsize=FONT - 2)
        axes.grid(axis="y", alpha=0.3)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_axisbelow(True)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()


def _percent(share: float | None) -> float:
    return math.nan if share is None else 100.0 * share
