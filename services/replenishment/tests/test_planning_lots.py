"""Lot-aware planning: the (R, s, nQ) curves, the allocation with lots, stock or non-stock.

Every expected number is worked by hand in the comments.
"""

from __future__ import annotations

import numpy as np
import pytest
from replenishment.planning import lots, plan
from replenishment.planning.allocation import allocate_for_fill_rate
from replenishment.planning.safety_stock import (
    ServiceCurves,
    demand_distributions,
    lead_time_matrix,
    service_curves,
)


def one_a_period(grid: int = 8) -> ServiceCurves:
    """Demand exactly 1 a period, lead time 1, review 1: D over L+R = 2, D over L = 1."""
    unit, over_lr, over_l = demand_distributions(
        np.ones((1, 12)),
        np.array(["intermittent"]),
        np.array([1.0]),
        np.array([np.nan]),
        lead_time_matrix(np.array([1.0]), 1),
        1,
        grid=grid,
    )
    return service_curves(unit, over_lr, over_l, np.array([1.0]), review=1)


def test_lot_sizes_are_the_eoq_in_packs_at_least_the_moq() -> None:
    # EOQ 7.3 in packs of 5 -> 10; EOQ 0 (no order cost) -> one unit -> one pack of 5;
    # an MOQ of 12 in packs of 5 -> 15; no pack, no MOQ, EOQ 0 -> 1 unit
    lot = lots.lot_sizes(
        np.array([7.3, 0.0, 0.0, 0.0]), np.array([0, 0, 12, 0.0]), np.array([5, 5, 5, 1.0])
    )
    assert lot.tolist() == [10.0, 5.0, 15.0, 1.0]
    # lot 15 at 0.5 a period covers 30 periods; no demand: infinite
    assert lots.lot_cover(np.array([15.0, 3.0]), np.array([0.5, 0.0])).tolist() == [30.0, np.inf]


def test_deterministic_demand_with_a_lot_of_four() -> None:
    base = one_a_period()
    # base stock y: short(y) = (2 - y)^+ - (1 - y)^+ = 1, 1, 0, 0 ...; on hand (y - 2)^+
    assert base.short[0, :4].tolist() == pytest.approx([1, 1, 0, 0])
    curves = lots.lot_curves(base, np.array([4.0]))
    # position after a review uniform on P..P+3:
    # P = 0 (non-stock): short (1 + 1 + 0 + 0) / 4 = 0.5 -> fill 0.5; on hand (0+0+0+1)/4 = 0.25
    # P = 1: short (1 + 0 + 0 + 0) / 4 = 0.25 -> fill 0.75; on hand (0+0+1+2)/4 = 0.75
    # P = 2: short 0 -> fill 1; on hand (0+1+2+3)/4 = 1.5 = the cycle stock (Q - 1) / 2
    assert curves.short[0, :3].tolist() == pytest.approx([0.5, 0.25, 0.0])
    assert curves.fill_rate()[0, :3].tolist() == pytest.approx([0.5, 0.75, 1.0])
    assert curves.on_hand[0, :3].tolist() == pytest.approx([0.25, 0.75, 1.5])
    # loss-function form: ESPRC at P = 1 is (1 + 0 + 0 + 0) / (R mu = 1) = 1 unit per cycle of
    # 4 periods; fill = 1 - ESPRC / Q = 1 - 1/4 = 0.75, the same as above
    esprc = base.short[0, 1:5].sum() / 1.0
    assert esprc == pytest.approx(1.0)
    assert curves.fill_rate()[0, 1] == pytest.approx(1 - esprc / 4)


def test_levels_past_the_grid_continue_exactly() -> None:
    # grid of 4 points (levels 0..3) and a lot of 10: the window of P = 3 runs to level 12.
    # on hand (y - 2)^+ over y = 3..12: 1 + 2 + ... + 10 = 55 -> 5.5; short 0
    # P = 0: on hand over y = 0..9: 0 + 0 + 1 + ... + 7 = 28 -> 2.8; short (1 + 1) / 10 = 0.2
    curves = lots.lot_curves(one_a_period(grid=4), np.array([10.0]))
    assert curves.on_hand[0].tolist() == pytest.approx([2.8, 3.6, 4.5, 5.5])
    assert curves.short[0].tolist() == pytest.approx([0.2, 0.1, 0.0, 0.0])
    assert curves.cycle[0, 0] == pytest.approx(0.8)  # P(D <= y) = 0, 0, 1 x 8 over y = 0..9


def test_coin_flip_demand_with_a_lot_of_two() -> None:
    # 0 or 1 a period with probability 1/2, lead time 1, review 1 (see test_planning_maths):
    # base short(y) = 1/2, 1/4, 0; on hand E[(y - D2)^+] = 0, 1/4, 1, 2 (y = 3: 3 - E[D2] = 2)
    unit, over_lr, over_l = demand_distributions(
        np.tile([0.0, 1.0], (1, 6)),
        np.array(["intermittent"]),
        np.array([0.5]),
        np.array([np.nan]),
        lead_time_matrix(np.array([1.0]), 1),
        1,
        grid=8,
    )
    base = service_curves(unit, over_lr, over_l, np.array([0.5]), review=1)
    curves = lots.lot_curves(base, np.array([2.0]))
    # P = 0: short (1/2 + 1/4) / 2 = 3/8, fill 1 - 3/8 / 0.5 = 1/4; on hand (0 + 1/4) / 2 = 1/8
    # P = 1: short (1/4 + 0) / 2 = 1/8, fill 3/4; on hand (1/4 + 1) / 2 = 5/8
    # P = 2: short 0, fill 1; on hand (1 + 2) / 2 = 3/2
    assert curves.short[0, :3].tolist() == pytest.approx([3 / 8, 1 / 8, 0])
    assert curves.fill_rate()[0, :3].tolist() == pytest.approx([1 / 4, 3 / 4, 1])
    assert curves.on_hand[0, :3].tolist() == pytest.approx([1 / 8, 5 / 8, 3 / 2])


def test_a_lower_target_never_holds_more_stock_with_lots() -> None:
    # four items with lots from 1 to 40 units and costs 1..100: every fill-rate target of the
    # trade-off curve, lower to higher, holds no more expected stock value than the next
    rng = np.random.default_rng(3)
    history = np.where(rng.random((4, 24)) < 0.5, rng.integers(1, 4, (4, 24)), 0).astype(float)
    unit, over_lr, over_l = demand_distributions(
        history,
        np.full(4, "intermittent"),
        history.mean(axis=1),
        np.full(4, np.nan),
        lead_time_matrix(np.full(4, 2.0), 2),
        1,
        grid=64,
    )
    base = service_curves(unit, over_lr, over_l, history.mean(axis=1), review=1)
    curves = lots.lot_curves(base, np.array([1.0, 5.0, 20.0, 40.0]))
    cost = np.array([1.0, 10.0, 30.0, 100.0])
    rows = np.arange(4)
    values, fills = [], []
    for target in (0.5, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.99):
        levels, fill = allocate_for_fill_rate(curves, cost, target)
        steps = np.rint(levels / curves.unit).astype(int)
        values.append(float((cost * curves.on_hand[rows, steps]).sum()))
        fills.append(fill)
        assert fill >= target - 1e-9
    assert values == sorted(values)
    assert fills == sorted(fills)


def lot_terms(moq: list[int], pack: list[int], cost: list[float]) -> plan.ItemTerms:
    n = len(moq)
    return plan.ItemTerms(
        unit_cost=np.array(cost),
        lead_time_probs=lead_time_matrix(np.full(n, 2.0), 2),
        order_cost=np.zeros(n),
        moq=np.array(moq, dtype=float),
        pack_size=np.array(pack, dtype=float),
    )


def test_stock_non_stock_and_one_lot_with_their_reasons() -> None:
    # item 0: 3 units every period, packs of 1 -> stock; item 1: one unit every 4 periods
    # (0.25 a period) in packs of 5 = 20 periods of demand (limit 12). Non-stock, item 1 misses
    # the first unit of every lot and what comes in the lead time after, about a third of 5
    # (fill ~0.67, 7.7% of all demand): at 0.99 it must be stocked (at one lot); at 0.60 the
    # fast mover alone reaches the target and the slow one is not worth its stock: non-stock
    history = np.zeros((2, 24))
    history[0] = 3.0
    history[1, ::4] = 1.0
    terms = lot_terms([0, 0], [1, 5], [1.0, 1.0])
    settings = plan.PlanningSettings(overall_fill_rate=0.99)
    planned = plan.plan(history, terms, settings)
    assert planned.lot.tolist() == [1.0, 5.0]
    assert planned.lot_cover.tolist() == pytest.approx([1 / 3, 20.0])
    assert planned.stocking.tolist() == [lots.STOCK, lots.ONE_LOT]
    low = plan.finish(plan.groundwork(history, terms, settings), terms, settings, 0.60)
    assert low.stocking.tolist() == [lots.STOCK, lots.NON_STOCK]
    assert low.protection_level[1] == 0
    en, zh = lots.stocking_reason(lots.ONE_LOT, 100.0, 400.0, 12.0)
    assert "100 units covers 400.0 periods of demand (limit 12)" in en
    assert "smaller pack" in en and "最小订货批量 100 件" in zh
    en, zh = lots.stocking_reason(lots.NON_STOCK, 5.0, 4.0, 12.0)
    assert en.startswith("too little demand") and "按需订货" in zh
    assert lots.stocking_reason(lots.STOCK, 1.0, 1.0, 12.0) == ("", "")


def test_a_quiet_item_is_stocked_from_the_prior_only_when_worth_it() -> None:
    # 20 items: 10 sold nothing in periods 12-23 and one unit every other period after
    # (the pooled prior of quiet items: 0 or 1 with probability 1/2); item 19 is quiet now
    rng = np.random.default_rng(5)
    history = np.where(rng.random((20, 36)) < 0.5, 1.0, 0.0)
    history[:10, 12:24] = 0.0
    history[19, 24:] = 0.0
    cost = np.ones(20)
    cost[19] = 50.0  # dear, with a pack of 10: only worth stocking at a very high target
    terms = plan.ItemTerms(
        unit_cost=cost,
        lead_time_probs=lead_time_matrix(np.full(20, 1.0), 1),
        order_cost=np.zeros(20),
        moq=np.zeros(20),
        pack_size=np.r_[np.ones(19), 10.0],
    )
    settings = plan.PlanningSettings(quiet_item_prior=True, history_window=12)
    base = plan.groundwork(history, terms, settings)
    assert base.mean_demand[19] > 0  # the prior, not "never sells"
    low = plan.finish(base, terms, settings, 0.70)
    high = plan.finish(base, terms, settings, 0.999)
    assert low.stocking[19] == lots.NON_STOCK
    assert high.protection_level[19] > 0


def test_planning_in_chunks_of_items_gives_the_same_plan() -> None:
    rng = np.random.default_rng(11)
    history = np.where(rng.random((7, 30)) < 0.6, rng.integers(1, 9, (7, 30)), 0).astype(float)
    history[0] = 5.0 + rng.normal(0, 1, 30).round()  # a smooth one
    terms = lot_terms([0, 10, 0, 0, 3, 0, 0], [1, 5, 20, 1, 2, 1, 50], [2.0, 5, 1, 9, 3, 4, 1])
    whole = plan.PlanningSettings(overall_fill_rate=0.9, quiet_item_prior=True)
    chunked = plan.PlanningSettings(overall_fill_rate=0.9, quiet_item_prior=True, chunk_items=3)
    one, other = plan.plan(history, terms, whole), plan.plan(history, terms, chunked)
    assert one.protection_level.tolist() == other.protection_level.tolist()
    assert np.allclose(one.curves.on_hand, other.curves.on_hand)
    assert np.allclose(one.curves.short, other.curves.short)


def test_the_eoq_is_bounded_by_a_year_of_demand_and_a_one_unit_lot_is_no_large_lot() -> None:
    # 1 a period at cost 1 with an order cost of 1,000: EOQ sqrt(2 x 12 x 1000 / 0.25) = 310,
    # capped at 12 periods (one year) of demand: 12. Item 1: one unit every 24 periods in
    # lots of 1 covers 24 periods (over 12) but cannot be smaller: stock, not one lot
    history = np.zeros((2, 24))
    history[0] = 1.0
    history[1, 5] = 1.0
    terms = plan.ItemTerms(
        unit_cost=np.ones(2),
        lead_time_probs=lead_time_matrix(np.full(2, 1.0), 1),
        order_cost=np.array([1000.0, 0.0]),
        moq=np.zeros(2),
        pack_size=np.ones(2),
    )
    planned = plan.plan(history, terms, plan.PlanningSettings(overall_fill_rate=0.99))
    assert planned.lot.tolist() == [12.0, 1.0]
    assert planned.lot_cover.tolist() == pytest.approx([12.0, 24.0])
    assert planned.protection_level[1] > 0
    assert planned.stocking.tolist() == [lots.STOCK, lots.STOCK]
    en, _ = lots.stocking_reason(lots.NON_STOCK, 1.0, 24.0, 12.0)
    assert en.startswith("too little demand")
