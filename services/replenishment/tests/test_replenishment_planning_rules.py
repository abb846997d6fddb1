"""Planning rules of the service, worked by hand: demand aggregation, supplier statistics,
suggestion quantities and ranking, and the exception lists."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from replenishment.domain.demand import DailyDemand, aggregate_demand, shift_periods
from replenishment.domain.stock_exceptions import exceptions
from replenishment.domain.suggestions import (
    StockPoint,
    parse_suggestion_id,
    rank,
    round_to_pack,
    suggest,
    suggestions,
)
from replenishment.domain.suppliers import (
    DeliveryLine,
    lead_time_probabilities,
    supplier_performance,
)

TODAY = date(2025, 3, 20)

# --- demand aggregation ------------------------------------------------------------------------

DAILY = [
    DailyDemand(date(2025, 3, 3), D(2), 1),  # Monday of ISO week 10
    DailyDemand(date(2025, 3, 9), D(3), 2),  # Sunday, same week
    DailyDemand(date(2025, 3, 10), D(4), 1),  # next Monday
    DailyDemand(date(2025, 3, 24), D("1.5"), 1),  # two weeks later: week of the 17th is empty
]


def test_weeks_are_iso_weeks_and_empty_weeks_count_as_zero() -> None:
    weeks = aggregate_demand(DAILY, "week")
    assert [(b.period_start, b.quantity, b.order_count) for b in weeks] == [
        (date(2025, 3, 3), D(5), 3),
        (date(2025, 3, 10), D(4), 1),
        (date(2025, 3, 17), D(0), 0),
        (date(2025, 3, 24), D("1.5"), 1),
    ]
    assert weeks[0].period_end == date(2025, 3, 9)


def test_months_and_days_and_a_window() -> None:
    daily = [*DAILY, DailyDemand(date(2025, 5, 2), D(7), 1)]
    months = aggregate_demand(daily, "month")
    assert [(b.period_start, b.quantity) for b in months] == [
        (date(2025, 3, 1), D("10.5")),
        (date(2025, 4, 1), D(0)),
        (date(2025, 5, 1), D(7)),
    ]
    assert months[0].period_end == date(2025, 3, 31)
    days = aggregate_demand(DAILY, "day", start=date(2025, 3, 8), end=date(2025, 3, 10))
    assert [(b.period_start, b.quantity) for b in days] == [
        (date(2025, 3, 8), D(0)),
        (date(2025, 3, 9), D(3)),
        (date(2025, 3, 10), D(4)),
    ]
    assert aggregate_demand(DAILY, "week", start=date(2025, 4, 1), end=date(2025, 3, 1)) == []
    assert aggregate_demand([], "week") == []


def test_months_wrap_over_the_year_end() -> None:
    daily = [DailyDemand(date(2024, 12, 31), D(1), 1), DailyDemand(date(2025, 1, 1), D(2), 1)]
    assert [b.period_start for b in aggregate_demand(daily, "month")] == [
        date(2024, 12, 1),
        date(2025, 1, 1),
    ]
    assert shift_periods(date(2025, 1, 1), "month", -13) == date(2023, 12, 1)


# --- supplier statistics -----------------------------------------------------------------------


def line(
    po: str, sku: str, released: int, expected: int, completed: int | None, **kw: object
) -> DeliveryLine:
    return DeliveryLine(
        purchase_order_id=po,
        supplier_id=str(kw.get("supplier", "SUP-1")),
        sku=sku,
        location="WH-1",
        quantity=D(10),
        received_quantity=D(10) if completed else D(0),
        released_on=date(2025, 3, released),
        expected_on=date(2025, 3, expected),
        completed_on=date(2025, 3, completed) if completed else None,
    )


LINES = [
    line("PO-1", "SKU-A", 1, 8, 8),  # on time (on the day), 7 days
    line("PO-2", "SKU-A", 1, 8, 11),  # late by 3, 10 days
    line("PO-3", "SKU-A", 5, 12, None),  # overdue on the 20th
    line("PO-4", "SKU-B", 18, 25, None),  # pending: not yet due
    line("PO-5", "SKU-B", 2, 9, 7),  # early by 2, 5 days
    line("PO-9", "SKU-A", 1, 2, 30, supplier="SUP-2"),  # another supplier's
]


def test_on_time_rate_counts_due_lines_only() -> None:
    found = supplier_performance("SUP-1", LINES, TODAY)
    assert (found.lines, found.on_time, found.late, found.overdue, found.pending) == (5, 2, 1, 1, 1)
    assert found.on_time_rate == pytest.approx(0.5)  # 2 of 4 due
    assert found.average_days_late == pytest.approx(1 / 3)  # (0 + 3 - 2) / 3


def test_lead_time_distribution_per_supplier_and_sku() -> None:
    found = supplier_performance("SUP-1", LINES, TODAY)
    overall = found.lead_time
    assert overall is not None
    assert (overall.observations, overall.min_days, overall.max_days) == (3, 5, 10)
    assert overall.mean_days == pytest.approx(22 / 3)
    assert overall.std_days == pytest.approx(math.sqrt(19 / 3))  # sample: 12.667 / 2
    assert (overall.p50_days, overall.p90_days) == (7, 10)  # nearest rank
    assert overall.histogram == {5: 1, 7: 1, 10: 1}
    assert sorted(found.lead_time_by_sku) == ["SKU-A", "SKU-B"]
    assert found.lead_time_by_sku["SKU-A"].mean_days == pytest.approx(8.5)
    assert supplier_performance("SUP-3", LINES, TODAY).on_time_rate is None


def test_lead_time_in_periods_from_observations_or_the_quote() -> None:
    # 5/7, 7/7, 10/7 round to 1 week; 14/7 is 2 weeks
    assert lead_time_probabilities([5, 7, 10, 14], 7, 7.0, 3) == {1: 0.75, 2: 0.25}
    assert lead_time_probabilities([5, 30], 11, 7.0, 3) == {2: 1.0}  # too few: 11 days quoted


# --- suggestions ---------------------------------------------------------------------------------


def point(sku: str, **kw: object) -> StockPoint:
    values: dict[str, object] = {
        "sku": sku,
        "location": "WH-1",
        "supplier_id": "SUP-1",
        "unit_cost": D(1),
        "currency": "CNY",
        "lead_time_days": 10,
        "on_hand": D(10),
        "reserved": D(0),
        "on_order": D(0),
        "reorder_point": D(15),
        "order_quantity": D(25),
        "daily_demand": 2.0,
    }
    return StockPoint(**{**values, **kw})  # type: ignore[arg-type]


def test_quantity_fills_up_to_the_order_up_to_level_in_packs_and_moq() -> None:
    # position 12 - 2 = 10; up to 40 -> 30; packs of 6 -> 30; MOQ 30 -> 30
    p = point("P1", on_hand=D(12), reserved=D(2), order_up_to=D(40), pack_size=D(6), moq=D(30))
    s = suggest(p, TODAY, 7)
    assert s is not None
    assert (s.quantity, s.value) == (D(30), D("30.00"))
    assert s.cover_days == pytest.approx(5.0) and s.risk_ratio == pytest.approx(0.5)
    assert (s.order_by, s.expected_arrival) == (TODAY, TODAY + timedelta(days=10))
    assert {r.code for r in s.reasons} >= {"position_at_reorder_point", "stockout_before_arrival"}
    assert all(r.zh and r.en for r in s.reasons)
    assert round_to_pack(D(31), D(0), D(6)) == D(36)
    assert round_to_pack(D(1), D(25), D(10)) == D(30)


def test_manual_policy_orders_whole_order_quantities() -> None:
    s = suggest(point("P3"), TODAY, 7)  # shortfall 5 below 15 -> one lot of 25
    assert s is not None and s.quantity == D(25) and s.order_up_to is None


def test_order_by_leaves_the_lead_time_before_the_stock_runs_out() -> None:
    # position 12 > rop 10, but 7 days at 1/day take it to 5: due within the review period;
    # stock lasts 12 days, lead time 3 -> order by day 9
    p = point("P6", on_hand=D(12), reorder_point=D(10), daily_demand=1.0, lead_time_days=3)
    s = suggest(p, TODAY, 7)
    assert s is not None and s.order_by == TODAY + timedelta(days=9)
    assert s.reasons[0].code == "reorder_point_within_review"
    assert suggest(replace(p, on_hand=D(100)), TODAY, 7) is None


def test_ranked_by_risk_then_value() -> None:
    risky_small = point("P1", order_up_to=D(40))  # ratio 0.5, 30 x 1 = 30
    risky_big = point("P3", unit_cost=D(10))  # ratio 0.5, 25 x 10 = 250
    covered = point("P2", on_hand=D(20), reorder_point=D(20), order_up_to=D(50))  # ratio 1.0
    no_demand = point("P4", on_hand=D(0), reorder_point=D(5), daily_demand=None)
    fine = point("P5", on_hand=D(100))
    found = suggestions([no_demand, covered, fine, risky_small, risky_big], TODAY, 7)
    assert [s.sku for s in found] == ["P3", "P1", "P2", "P4"]
    assert [s.risk_ratio for s in found][:3] == [0.5, 0.5, 1.0]
    assert rank(reversed(found)) == found


def test_snoozed_suggestions_are_hidden_until_the_day_after() -> None:
    snoozed = point("P1", snoozed_until=TODAY)
    assert suggestions([snoozed], TODAY, 7) == []
    assert [s.sku for s in suggestions([snoozed], TODAY, 7, include_snoozed=True)] == ["P1"]
    assert [s.sku for s in suggestions([snoozed], TODAY + timedelta(days=1), 7)] == ["P1"]
    assert parse_suggestion_id("SKU@1@WH-1") == ("SKU@1", "WH-1")
    assert parse_suggestion_id("nolocation") is None


# --- exceptions ----------------------------------------------------------------------------------


def kinds(points: list[StockPoint], kind: str) -> list[tuple[str, D]]:
    found = exceptions(points, kind, TODAY, excess_tolerance=D("0.2"), dead_after_days=90)  # type: ignore[arg-type]
    return [(e.sku, e.quantity) for e in found]


def test_stockout_risk_when_stock_runs_out_before_the_next_arrival() -> None:
    late_po = point("R1", next_arrival=TODAY + timedelta(days=8))  # lasts 5 days, 8 to wait
    quick = point("R2", lead_time_days=4)  # lasts 5 days, an order arrives in 4
    assert kinds([late_po, quick], "stockout_risk") == [("R1", D(6))]  # 2/day x 8 - 10


def test_excess_dead_and_too_much_on_order() -> None:
    excess = point("E1", on_hand=D(60), order_up_to=D(40))  # over 48 = 40 x 1.2
    within = point("E2", on_hand=D(45), order_up_to=D(40))
    assert kinds([excess, within], "excess") == [("E1", D(20))]
    dead = point("D1", on_hand=D(5), last_demand_on=TODAY - timedelta(days=100))
    alive = point("D2", on_hand=D(5), last_demand_on=TODAY - timedelta(days=30))
    never = point("D3", on_hand=D(2), last_demand_on=None)
    assert kinds([dead, alive, never], "dead") == [("D1", D(5)), ("D3", D(2))]
    heavy = point("O1", on_hand=D(30), on_order=D(40), order_up_to=D(40))  # position 70 > 48
    light = point("O2", on_hand=D(10), on_order=D(30), order_up_to=D(40))
    assert kinds([heavy, light], "too_much_on_order") == [("O1", D(30))]


def test_a_lot_covering_more_than_a_year_of_demand_is_a_large_lot_with_its_decision() -> None:
    # 0.1 a day: a lot of 100 covers 1,000 days (> 365): the 63.5 units beyond 365 days of
    # demand (100 - 36.5) are the exception; a lot of 30 (300 days) is not
    slow = point(
        "L1", daily_demand=0.1, order_quantity=D(100), pack_size=D(100), reorder_point=D(0)
    )
    stocked = point("L2", daily_demand=0.1, order_quantity=D(100), reorder_point=D(2))
    fine = point("L3", daily_demand=0.1, order_quantity=D(30))
    found = exceptions(
        [slow, stocked, fine], "large_lot", TODAY, excess_tolerance=D("0.2"), dead_after_days=90
    )
    assert [(e.sku, e.quantity, e.value) for e in found] == [
        ("L1", D("63.5"), D("63.50")),
        ("L2", D("63.5"), D("63.50")),
    ]
    assert "covers 1000 days of demand" in found[0].reason.en
    assert "non-stock (ordered against demand)" in found[0].reason.en
    assert "按需订货" in found[0].reason.zh and "包装 100" in found[0].reason.zh
    assert "stocked at one lot" in found[1].reason.en
    assert kinds([slow], "large_lot") == [("L1", D("63.5"))]
