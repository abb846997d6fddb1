"""The rule language's conditions over every stock point at once: `holds` of
`domain.evaluation`, condition kind by condition kind, on the grid's arrays (a KPI with no value
is NaN and holds nothing, as None does there). `test_alerting_vectorised.py` pins that both
answer alike; the scalar `holds` still decides for the stock points that fire, resolve or are
named by an open alert."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from alerting.domain.evaluation import KPI_NOW, OPS
from alerting.domain.grid import Grid, Now
from alerting.domain.kpi_arrays import Floats, change_percent_of
from alerting.domain.kpis import Period
from alerting.domain.language import (
    Absence,
    Age,
    AllOf,
    AnyOf,
    Change,
    Condition,
    Consecutive,
    Threshold,
    Trend,
)

Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Frame:
    """What the conditions read, for `count` stock points: their week and day grids (None when
    no rule reads that period) and the stock points now."""

    count: int
    weeks: Grid | None
    days: Grid | None
    now: Now
    backorder_open: Floats

    def grid(self, period: Period) -> Grid:
        found = self.weeks if period == "week" else self.days
        assert found is not None, f"no {period} grid was built"
        return found

    def value_now(self, kpi: str) -> Floats:
        return self.backorder_open if kpi == "backorder_open" else getattr(self.now, kpi)

    def column(self, period: Period, kpi: str, back: int) -> Floats | None:
        """The KPI `back` periods before the last complete one; None when the grid is shorter."""
        grid = self.grid(period)
        if grid.complete <= back:
            return None
        return grid.kpi(kpi)[:, grid.complete - 1 - back]


def _compare(values: Floats, op: str, against: float) -> Bools:
    with np.errstate(invalid="ignore"):
        result: Bools = OPS[op](values, against) & ~np.isnan(values)
    return result


def holds(condition: Condition, frame: Frame, back: int = 0) -> Bools:
    """For each stock point: whether `condition` holds `back` periods before the last one."""
    nothing = np.zeros(frame.count, dtype=np.bool_)
    if isinstance(condition, Threshold):
        if condition.kpi in KPI_NOW:
            found: Floats | None = frame.value_now(condition.kpi)
        else:
            found = frame.column(condition.period, condition.kpi, back)
        return nothing if found is None else _compare(found, condition.op, float(condition.value))
    if isinstance(condition, Change):
        last = frame.column(condition.period, condition.kpi, back)
        before = frame.column(condition.period, condition.kpi, back + 1)
        if last is None or before is None:
            return nothing
        change = change_percent_of(before, last)
        return _compare(change, condition.op, float(condition.percent))
    if isinstance(condition, Consecutive):
        held = [holds(condition.condition, frame, back + n) for n in range(condition.periods)]
        every: Bools = np.logical_and.reduce(held)
        return every
    if isinstance(condition, Trend):
        return _trend(condition, frame, back, nothing)
    if isinstance(condition, (Age, Absence)):
        figure = frame.now.oldest_age_days if isinstance(condition, Age) else (
            frame.now.days_since_movement)  # fmt: skip
        return (frame.now.on_hand > 0) & _compare(figure, ">", float(condition.days))
    if not isinstance(condition, (AllOf, AnyOf)):
        raise TypeError(f"{condition.kind} is not a stock point condition")
    inner = [holds(each, frame, back) for each in condition.conditions]
    combined: Bools = (np.logical_and if isinstance(condition, AllOf) else np.logical_or).reduce(
        inner
    )
    return combined


def _trend(condition: Trend, frame: Frame, back: int, nothing: Bools) -> Bools:
    grid = frame.grid(condition.period)
    end = grid.complete - back
    if end - condition.periods < 0:
        return nothing
    window = grid.kpi(condition.kpi)[:, end - condition.periods : end]
    steps = np.diff(window, axis=1)
    with np.errstate(invalid="ignore"):
        moving = steps > 0 if condition.direction == "up" else steps < 0
    known = ~np.isnan(window).any(axis=1)
    return np.asarray(moving.all(axis=1) & known, dtype=np.bool_)
