"""The last complete ISO week's KPIs summed by location, category and ABC class: what the
business gauges export (`metrics`), from the same roll-ups, grid and KPI definitions the rules
and `GET /v1/kpis?group=...` use (ratios of the sums, never averages of ratios)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from alerting.domain.grid import Grid
from alerting.domain.kpi_arrays import sell_through_of
from alerting.domain.points import StockPoint

Group = tuple[str, str, str]
"""(location, category, ABC class), ``none`` for an unset category or class."""


@dataclass(frozen=True)
class WeekFigures:
    sell_through: float | None  # None: nothing was there to sell
    consumed: float
    received: float
    stockout_days: float


def last_week_by_group(points: Sequence[StockPoint], weeks: Grid) -> dict[Group, WeekFigures]:
    """Per group, the last complete week of `weeks` (a grid over every stock point of
    `points`, in that order); empty when the grid holds no complete week."""
    if weeks.complete < 1 or not points:
        return {}
    names = [(p.location, p.category or "none", p.abc_class or "none") for p in points]
    groups = sorted(set(names))
    index = {group: n for n, group in enumerate(groups)}
    of = np.array([index[name] for name in names])

    def total(kpi: str) -> np.ndarray:
        return np.bincount(of, weights=weeks.kpi(kpi)[:, -1], minlength=len(groups))

    consumed, received, opening = total("consumed"), total("received"), total("opening")
    stockouts = total("stockout_days")
    ratio = sell_through_of(consumed, opening, received)
    known = ~np.isnan(ratio)
    return {
        group: WeekFigures(
            float(ratio[n]) if known[n] else None,
            float(consumed[n]),
            float(received[n]),
            float(stockouts[n]),
        )
        for n, group in enumerate(groups)
    }
