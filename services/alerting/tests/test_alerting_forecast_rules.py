"""Forecast error and bias in rule conditions: the worked example of the docs, the same stock
points firing vectorised and scalar, and field-level errors for KPI names the language lacks."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from alerting.domain.day_rollups import rollups_of
from alerting.domain.evaluation import facts_of, holds, needs_of
from alerting.domain.grid import Forecasts, build, grid_start, now_of
from alerting.domain.kpis import Measured, PeriodKpis, period_start, periods
from alerting.domain.language import RuleDefinition
from alerting.domain.vectorised import Frame
from alerting.domain.vectorised import holds as holds_all
from pydantic import ValidationError

from .test_alerting_grid import FIRST, HISTORIES, POINTS, TODAY, point

D = Decimal
WEEKS = 10


def rule(condition: dict[str, Any], **more: Any) -> RuleDefinition:
    return RuleDefinition.model_validate(
        {"name_zh": "规则", "name_en": "rule", "condition": condition, **more}
    )


def test_the_worked_example_of_the_docs() -> None:
    """TEA forecast 40, 32 demanded: error 8 / 32 = 0.25, bias +25 %; CUP 10 vs 18: -44.44 %."""
    week = grid_start(TODAY, "week", 1)
    tea = PeriodKpis(week, "week", D(40), D(8), D(32), D(0), D(0), 0, 7, D(40), D(32))
    cups = PeriodKpis(week, "week", D(18), D(0), D(18), D(0), D(0), 0, 7, D(10), D(18))
    assert (tea.value("forecast_error"), tea.value("forecast_bias")) == (D("0.25"), D("25"))
    assert (cups.value("forecast_error"), cups.value("forecast_bias")) == (
        D("0.4444"), D("-44.44"),
    )  # fmt: skip
    unmeasured = PeriodKpis(week, "week", D(1), D(1), D(0), D(0), D(0), 0, 7)
    nothing_demanded = PeriodKpis(week, "week", D(1), D(1), D(0), D(0), D(0), 0, 7, D(5), D(0))
    assert unmeasured.value("forecast_bias") is None
    assert nothing_demanded.value("forecast_error") is None
    over = rule({"kind": "threshold", "kpi": "forecast_bias", "op": ">", "value": 30})
    assert over.forecast_periods() == {"week"}


def measurements(seed: int) -> dict[Any, tuple[Decimal, Decimal]]:
    """Random measured weeks of one stock point (some weeks not measured, some with no
    demand)."""
    rng = random.Random(seed)
    found = {}
    for n in range(WEEKS + 1):
        if rng.random() < 0.8:
            start = period_start(TODAY, "week") - timedelta(weeks=n)
            found[start] = (D(rng.randint(0, 40)), D(rng.choice([0, 10, 20, 30])))
    return found


MEASURED: list[Measured] = [measurements(seed) for seed in range(POINTS)]
CONDITIONS: list[dict[str, Any]] = [
    {"kind": "threshold", "kpi": "forecast_bias", "op": ">", "value": 30},
    {"kind": "threshold", "kpi": "forecast_error", "op": ">=", "value": "0.5"},
    {"kind": "change", "kpi": "forecast_error", "op": ">", "percent": 20},
    {"kind": "consecutive", "periods": 2,
     "condition": {"kind": "threshold", "kpi": "forecast_bias", "op": "<", "value": -10}},
    {"kind": "trend", "kpi": "forecast_bias", "periods": 2, "direction": "up"},
]  # fmt: skip


def frame() -> Frame:
    start = grid_start(TODAY, "week", WEEKS)
    rollups = rollups_of(HISTORIES, "week", start, TODAY)
    weeks = build(rollups, POINTS, "week", start, TODAY)
    rows = [(n, (when - start).days // 7, f, a) for n, found in enumerate(MEASURED)
            for when, (f, a) in found.items()]  # fmt: skip
    at, slot, forecast, actual = (list(c) for c in zip(*rows, strict=True))
    weeks.measure(Forecasts(
        np.asarray(at, dtype=np.int64), np.asarray(slot, dtype=np.int64),
        np.asarray(forecast, dtype=np.float64), np.asarray(actual, dtype=np.float64),
    ))  # fmt: skip
    first_seen = np.full(POINTS, float((TODAY - FIRST).days))
    now = now_of(weeks, rollups, np.full(POINTS, np.nan), first_seen)
    return Frame(POINTS, weeks, None, now, np.zeros(POINTS))


def test_the_grid_has_the_forecast_kpis_the_scalar_periods_have() -> None:
    grid = frame().grid("week")
    start = grid_start(TODAY, "week", WEEKS)
    for n, rows in enumerate(HISTORIES):
        expected = periods(rows, "week", start, TODAY, MEASURED[n])
        assert grid.periods_of(n, WEEKS) == expected
        for kpi in ("forecast_error", "forecast_bias"):
            found = [None if np.isnan(v) else D(repr(float(v))) for v in grid.kpi(kpi)[n]]
            assert found == [p.value(kpi) for p in expected]


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: str(c["kind"]))
def test_forecast_conditions_hold_for_the_same_stock_points_vectorised_and_scalar(
    condition: dict[str, Any],
) -> None:
    definition = rule(condition)
    needs = needs_of(definition)
    scalar = [
        holds(definition.condition, facts_of(point(n, FIRST), rows, TODAY, needs,
                                             measured={"week": MEASURED[n]}))
        for n, rows in enumerate(HISTORIES)
    ]  # fmt: skip
    assert holds_all(definition.condition, frame()).tolist() == scalar
    assert any(scalar)  # the example is not vacuous


def test_a_kpi_the_language_lacks_is_a_field_level_error() -> None:
    with pytest.raises(ValidationError) as raised:
        rule({"kind": "change", "kpi": "forecast_wape", "op": ">", "percent": 10})
    assert [e["loc"] for e in raised.value.errors()] == [("condition", "change", "kpi")]
    fine = rule({"kind": "trend", "kpi": "forecast_error", "period": "day", "periods": 3,
                 "direction": "up"}, recovery={"kind": "threshold", "kpi": "forecast_bias",
                                               "op": "<", "value": 5})  # fmt: skip
    assert fine.forecast_periods() == {"day", "week"}
