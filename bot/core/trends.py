"""Weeks of activity, for the stats chart: days counted by the storage, binned here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot.core.models import DayCounts, WeekStats


def weekly(days: Iterable[DayCounts], first: dt.date, weeks: int) -> list[WeekStats]:
    """``weeks`` consecutive weeks from ``first`` (a Monday), each summing its days;
    a week without activity is there with zeros, so the chart's axis never skips one."""
    totals = [[0, 0, 0, 0] for _ in range(weeks)]
    for day in days:
        index = (day.day - first).days // 7
        if 0 <= index < weeks:
            for i, value in enumerate((day.questions, day.answered, day.votes, day.helpful)):
                totals[index][i] += value
    return [
        WeekStats(first + dt.timedelta(days=7 * i), questions, answered, votes, helpful)
        for i, (questions, answered, votes, helpful) in enumerate(totals)
    ]
