"""The forecast KPIs on the worked example of docs/alerting.md."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from alerting.domain.forecasts import measured, rollup, wape

WEEK = date(2026, 11, 23)


def test_error_and_bias_of_one_stock_point() -> None:
    tea = measured(WEEK, D(40), D(32))  # forecast 40, 32 came
    assert (tea.absolute_error, tea.bias) == (D(8), D(8))
    assert tea.wape == D("0.25") and tea.bias_percent == D("25.00")


def test_a_roll_up_sums_before_the_ratio_and_errors_do_not_cancel() -> None:
    tea, cups = measured(WEEK, D(40), D(32)), measured(WEEK, D(10), D(18))
    total = rollup([tea, cups])
    assert total is not None
    assert (total.forecast, total.actual, total.absolute_error, total.bias) == (
        D(50), D(50), D(16), D(0),
    )  # fmt: skip
    assert total.wape == D("0.32") and total.bias_percent == D("0.00") and total.points == 2


def test_nothing_demanded_gives_no_ratio() -> None:
    idle = measured(WEEK, D(5), D(0))
    assert (idle.absolute_error, idle.wape, idle.bias_percent) == (D(5), None, None)
    assert wape(D(0), D(0)) is None and rollup([]) is None
