"""Forecast error (预测误差) and bias (预测偏差) of a stock point's planning periods, defined once.

Replenishment publishes, per stock point and closed planning period, the units it had forecast
and the units demanded (`ForecastAccuracyMeasured`). From those:

- **absolute error** = |forecast - actual| (units), per stock point and period;
- **bias** = forecast - actual (units): positive when planning forecast too much;
- **WAPE** (weighted absolute percentage error) = sum of absolute errors / sum of actuals, of one
  stock point or of a roll-up; **bias %** = sum of bias / sum of actuals.

WAPE, not MAPE or MASE: MAPE divides each period's error by its own demand, so one week with
demand 0 or 1 makes it infinite or huge (common for slow items); MASE needs each item's in-sample
naive error, which only replenishment has. WAPE is MAPE weighted by demand, stays finite
whenever anything was demanded and rolls up (sums first, then the ratio, like sell-through).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np

from alerting.domain.kpi_arrays import Floats, bias_percent_of, wape_of

RATIO = Decimal("0.0001")
PERCENT = Decimal("0.01")


def absolute_error(forecast: Decimal, actual: Decimal) -> Decimal:
    """|forecast - actual| of one stock point's period."""
    return abs(forecast - actual)


def bias(forecast: Decimal, actual: Decimal) -> Decimal:
    """forecast - actual of one stock point's period (> 0: over-forecast)."""
    return forecast - actual


def _one(ratio: Floats, places: Decimal) -> Decimal | None:
    figure = float(ratio)
    return None if np.isnan(figure) else Decimal(repr(figure)).quantize(places)


def _floats(*values: Decimal) -> list[Floats]:
    return [np.asarray(float(value), dtype=np.float64) for value in values]


def wape(absolute_errors: Decimal, actuals: Decimal) -> Decimal | None:
    """`kpi_arrays.wape_of` on one stock point's (or roll-up's) sums: summed absolute errors /
    summed actual demand; None when nothing was demanded."""
    return _one(wape_of(*_floats(absolute_errors, actuals)), RATIO)


def bias_percent(biases: Decimal, actuals: Decimal) -> Decimal | None:
    """`kpi_arrays.bias_percent_of` on one stock point's (or roll-up's) sums: summed bias /
    summed actual demand x 100; None when nothing was demanded."""
    return _one(bias_percent_of(*_floats(biases, actuals)), PERCENT)


@dataclass(frozen=True)
class ForecastPeriod:
    """The forecasts of one period of one stock point, or summed over several."""

    start: date
    forecast: Decimal
    actual: Decimal
    absolute_error: Decimal
    bias: Decimal
    points: int = 1

    @property
    def wape(self) -> Decimal | None:
        return wape(self.absolute_error, self.actual)

    @property
    def bias_percent(self) -> Decimal | None:
        return bias_percent(self.bias, self.actual)


def measured(start: date, forecast: Decimal, actual: Decimal) -> ForecastPeriod:
    """One stock point's period as replenishment measured it."""
    return ForecastPeriod(start, forecast, actual, absolute_error(forecast, actual),
                          bias(forecast, actual))  # fmt: skip


def rollup(members: Iterable[ForecastPeriod]) -> ForecastPeriod | None:
    """Several stock points' same period: sums, so WAPE and bias % are of the sums (an
    over-forecast item does not cancel another's under-forecast in the absolute error)."""
    items = list(members)
    if not items:
        return None
    zero = Decimal(0)
    return ForecastPeriod(
        items[0].start,
        sum((p.forecast for p in items), zero),
        sum((p.actual for p in items), zero),
        sum((p.absolute_error for p in items), zero),
        sum((p.bias for p in items), zero),
        sum(p.points for p in items),
    )
