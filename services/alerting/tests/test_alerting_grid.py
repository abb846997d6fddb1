"""The vectorised evaluation agrees with the scalar one: periods built from roll-ups equal the
periods built from day rows, and every condition kind holds for the same stock points whether
asked of the arrays or of each stock point's facts."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from alerting.domain.day_rollups import rollups_of
from alerting.domain.evaluation import facts_of, holds, needs_of
from alerting.domain.grid import build, grid_start, now_of
from alerting.domain.kpi_arrays import sell_through_of
from alerting.domain.kpis import PERIOD_KPIS, DayRow, Period, periods, sell_through, snapshot
from alerting.domain.language import RuleDefinition
from alerting.domain.points import StockPoint
from alerting.domain.vectorised import Frame
from alerting.domain.vectorised import holds as holds_all

TODAY = date(2026, 12, 3)  # a Thursday
D = Decimal


def history(seed: int, first: date) -> list[DayRow]:
    """Random days of one stock point: runs of movements, quiet weeks, empty shelves, and
    days with only a backorder (no movement)."""
    rng = random.Random(seed)
    rows, on_hand, day = [], D(rng.randint(0, 30)), first
    while day <= TODAY:
        if rng.random() < 0.35:
            received = D(rng.choice([0, 0, 10, 25]))
            consumed = min(on_hand + received, D(rng.randint(0, 30)))
            closing = on_hand + received - consumed
            moves = int(received > 0) + int(consumed > 0)
            backordered = D(rng.choice([0, 0, 0, 4]))
            rows.append(DayRow(day, on_hand, closing, consumed, received, backordered, moves))
            on_hand = closing
        day += timedelta(days=rng.choice([1, 1, 2, 9]))
    return rows


def point(n: int, first: date) -> StockPoint:
    return StockPoint(f"SKU-{n}", "SH-01", None, "A", D(0), D(n % 3), first, None)


POINTS = 60
FIRST = TODAY - timedelta(days=420)
HISTORIES = [history(seed, FIRST) for seed in range(POINTS)]


@pytest.mark.parametrize(("period", "complete"), [("week", 9), ("day", 20), ("week", 60)])
def test_periods_from_roll_ups_equal_periods_from_day_rows(period: Period, complete: int) -> None:
    start = grid_start(TODAY, period, complete)
    grid = build(rollups_of(HISTORIES, period, start, TODAY), POINTS, period, start, TODAY)
    assert grid.complete == complete
    for n, rows in enumerate(HISTORIES):
        expected = periods(rows, period, start, TODAY)
        assert grid.periods_of(n, complete) == expected
        for kpi in PERIOD_KPIS:  # every KPI a rule can name, as the scalar rules read it
            scalar = [p.value(kpi) for p in expected]
            assert [None if np.isnan(v) else D(repr(float(v))) for v in grid.kpi(kpi)[n]] == scalar


def test_now_from_roll_ups_equals_the_snapshot_of_the_day_rows() -> None:
    start = grid_start(TODAY, "week", 70)  # before every row: the whole history
    rollups = rollups_of(HISTORIES, "week", start, TODAY)
    weeks = build(rollups, POINTS, "week", start, TODAY)
    first_seen = np.full(POINTS, float((TODAY - FIRST).days))
    now = now_of(weeks, rollups, np.full(POINTS, np.nan), first_seen)
    for n, rows in enumerate(HISTORIES):
        expected = snapshot(rows, FIRST, TODAY)
        found = now.snapshot(n)
        assert (found.on_hand, found.days_since_movement, found.oldest_age_days) == (
            expected.on_hand, expected.days_since_movement, expected.oldest_age_days,
        )  # fmt: skip


CONDITIONS: list[dict[str, Any]] = [
    {"kind": "threshold", "kpi": "sell_through", "op": ">=", "value": "0.5"},
    {"kind": "threshold", "kpi": "days_of_supply", "period": "day", "op": "<", "value": 3},
    {"kind": "threshold", "kpi": "stockout_days", "op": "!=", "value": 0},
    {"kind": "threshold", "kpi": "backorder_open", "op": ">", "value": 0},
    {"kind": "threshold", "kpi": "on_hand", "op": "<=", "value": 5},
    {"kind": "change", "kpi": "sell_through", "op": "<", "percent": -20},
    {"kind": "change", "kpi": "turnover", "op": ">=", "percent": 0},
    {"kind": "consecutive", "periods": 2,
     "condition": {"kind": "change", "kpi": "sell_through", "op": "<", "percent": -20}},
    {"kind": "consecutive", "periods": 3,
     "condition": {"kind": "threshold", "kpi": "consumed", "period": "day", "op": "==",
                   "value": 0}},
    {"kind": "trend", "kpi": "consumed", "periods": 3, "direction": "down"},
    {"kind": "trend", "kpi": "closing", "periods": 2, "direction": "up"},
    {"kind": "age", "days": 60},
    {"kind": "absence", "days": 8},
    {"kind": "all", "conditions": [
        {"kind": "threshold", "kpi": "stockout_days", "op": ">=", "value": 2},
        {"kind": "threshold", "kpi": "backorder_open", "op": ">", "value": 0}]},
    {"kind": "any", "conditions": [
        {"kind": "threshold", "kpi": "received", "op": ">", "value": 20},
        {"kind": "age", "days": 30}]},
]  # fmt: skip


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: str(c["kind"]))
def test_each_condition_holds_for_the_same_stock_points_vectorised_and_scalar(
    condition: dict[str, Any],
) -> None:
    rule = RuleDefinition.model_validate({"name_zh": "规则", "name_en": "rule",
                                          "condition": condition})  # fmt: skip
    needs = needs_of(rule)
    points = [point(n, FIRST) for n in range(POINTS)]
    since = TODAY - timedelta(days=needs.history_days)
    scalar = []
    for item, rows in zip(points, HISTORIES, strict=True):
        window = [r for r in rows if r.day >= since] + [r for r in rows if r.day < since][-1:]
        scalar.append(holds(rule.condition, facts_of(item, window, TODAY, needs)))
    weeks_start = grid_start(TODAY, "week", max(needs.weeks, 53))
    rollups = rollups_of(HISTORIES, "week", weeks_start, TODAY)
    weeks = build(rollups, POINTS, "week", weeks_start, TODAY)
    days_start = grid_start(TODAY, "day", max(needs.days, 1))
    days = build(rollups_of(HISTORIES, "day", days_start, TODAY), POINTS, "day", days_start, TODAY)
    first_seen = np.full(POINTS, float((TODAY - FIRST).days))
    now = now_of(weeks, rollups, np.full(POINTS, np.nan), first_seen)
    backorders = np.array([float(p.backorder_open) for p in points])
    frame = Frame(POINTS, weeks, days, now, backorders)
    assert holds_all(rule.condition, frame).tolist() == scalar
    assert any(scalar) or condition["kind"] in ("trend",)  # the example is not vacuous


def test_sell_through_is_one_definition_for_one_period_and_for_arrays() -> None:
    consumed, opening, received = np.array([75.0, 0, 60]), np.array([40.0, 0, 25]), np.array(
        [60.0, 0, 75])  # fmt: skip
    ratios = sell_through_of(consumed, opening, received)
    assert ratios[0] == 0.75 and np.isnan(ratios[1]) and ratios[2] == 0.6
    assert sell_through(D(75), D(40), D(60)) == D("0.75")
    assert sell_through(D(60), D(25), D(75)) == D("0.6")
