"""The ratio KPIs over arrays: every stock point and period at once, NaN where a KPI has no
value. Each is the one definition of its KPI: `domain.kpis` applies the same functions to a
single period (`sell_through`, `turnover`, ...), so the rules' vectorised evaluation, the
back-test and the API cannot disagree."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
"""KPI figures over many stock points and periods at once; NaN where a KPI has no value."""


def _ratio(numerator: Floats, denominator: Floats, places: int) -> Floats:
    """numerator / denominator rounded to `places` (half to even), NaN unless the
    denominator is positive."""
    positive = denominator > 0
    safe = np.where(positive, denominator, 1.0)
    with np.errstate(invalid="ignore"):
        return np.where(positive, np.round(numerator / safe, places), np.nan)


def sell_through_of(consumed: Floats, opening: Floats, received: Floats) -> Floats:
    """**Sell-through (去化率)**, the one definition: units consumed in the period / (opening
    on hand + units received in the period), to 4 places; NaN when nothing was there to sell.

    Over arrays (the rules' evaluation of every stock point at once); `sell_through` is this
    same function on one period."""
    return _ratio(consumed, opening + received, 4)


def turnover_of(consumed: Floats, opening: Floats, closing: Floats) -> Floats:
    """Units consumed / average on hand ((opening + closing) / 2), to 4 places."""
    return _ratio(consumed, (opening + closing) / 2, 4)


def days_of_supply_of(on_hand: Floats, consumed: Floats, days: Floats) -> Floats:
    """On hand / average daily consumption, to 0.1 day; NaN when nothing was consumed."""
    consuming = (consumed > 0) & (days > 0)
    daily = np.where(consuming, consumed / np.where(days > 0, days, 1.0), 0.0)
    return np.where(consuming, _ratio(on_hand, daily, 1), np.nan)


def change_percent_of(previous: Floats, current: Floats) -> Floats:
    """(current - previous) / |previous| in percent, to 0.01; NaN without both or from zero."""
    magnitude = np.abs(previous)
    return np.where(magnitude > 0, _ratio((current - previous) * 100, magnitude, 2), np.nan)


def wape_of(absolute_error: Floats, actual: Floats) -> Floats:
    """**Forecast error (预测误差, WAPE)**, the one definition: summed |forecast - actual| /
    summed actual demand, to 4 places; NaN when nothing was demanded (or nothing measured)."""
    return _ratio(absolute_error, actual, 4)


def bias_percent_of(bias: Floats, actual: Floats) -> Floats:
    """**Forecast bias (预测偏差) in percent**, the one definition: summed (forecast - actual) /
    summed actual demand x 100, to 0.01; > 0: planning forecast too much."""
    return _ratio(bias * 100, actual, 2)
