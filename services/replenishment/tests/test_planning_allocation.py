"""The fill-rate allocation's bounded search and memo give the plain bisection's answer."""

from __future__ import annotations

import numpy as np
import pytest
from replenishment.planning import lots, plan
from replenishment.planning.allocation import PriceMemo, allocate_for_fill_rate
from replenishment.planning.safety_stock import ServiceCurves, lead_time_matrix


def plain_bisection(curves: ServiceCurves, cost: np.ndarray, target: float) -> np.ndarray:
    """The definition: every item's first cheapest level over the whole grid at each price."""
    rows = np.arange(len(cost))
    demand = curves.mean_demand.sum()

    def choose(price: float) -> tuple[np.ndarray, float]:
        k = np.argmin(cost[:, None] * curves.on_hand + price * curves.short, axis=1)
        return k, 1.0 - curves.short[rows, k].sum() / demand

    low, high = 1e-6, 1e9
    k_high, fill = choose(high)
    if fill < target:
        return k_high
    for _ in range(50):
        mid = np.sqrt(low * high)
        k, fill = choose(mid)
        if fill >= target:
            high, k_high = mid, k
        else:
            low = mid
    return k_high


def planned_curves() -> tuple[ServiceCurves, np.ndarray]:
    # 300 items: smooth, intermittent and lumpy demand, lead times 1-8, packs 1-50 and costs
    # over three orders of magnitude: the curves a planning run hands the allocation
    rng = np.random.default_rng(17)
    n = 300
    chance = rng.uniform(0.05, 1.0, n)
    size = rng.integers(1, 30, n)
    history = np.where(rng.random((n, 40)) < chance[:, None], rng.poisson(size[:, None]), 0)
    cost = np.exp(rng.normal(2.0, 1.5, n))
    terms = plan.ItemTerms(
        unit_cost=cost,
        lead_time_probs=lead_time_matrix(rng.integers(1, 9, n).astype(float), 8),
        order_cost=np.zeros(n),
        moq=np.zeros(n),
        pack_size=rng.choice([1.0, 5.0, 10.0, 50.0], n),
    )
    base = plan.groundwork(history.astype(float), terms, plan.PlanningSettings(grid=64))
    return base.curves, cost


@pytest.mark.parametrize("target", [0.5, 0.8, 0.9, 0.95, 0.99, 0.9999])
def test_the_bounded_search_finds_the_plain_bisections_levels(target: float) -> None:
    curves, cost = planned_curves()
    levels, fill = allocate_for_fill_rate(curves, cost, target)
    expected = plain_bisection(curves, cost, target)
    assert np.array_equal(np.rint(levels / curves.unit).astype(int), expected)
    assert fill >= target or target == 0.9999  # the grid's top may fall short of 0.9999


def test_a_memo_shared_by_many_targets_changes_no_answer_and_saves_the_wide_steps() -> None:
    curves, cost = planned_curves()
    memo = PriceMemo()
    allocate_for_fill_rate(curves, cost, 0.95, memo=memo)
    assert (memo.hits, memo.misses) == (0, 51)  # the highest price, then 50 steps
    allocate_for_fill_rate(curves, cost, 0.95, memo=memo)
    assert (memo.hits, memo.misses) == (51, 51)  # the same target again: nothing computed
    for target in (0.951, 0.9487, 0.90, 0.8, 0.99):
        hits = memo.hits
        with_memo, fill = allocate_for_fill_rate(curves, cost, target, memo=memo)
        alone, fill_alone = allocate_for_fill_rate(curves, cost, target)
        assert np.array_equal(with_memo, alone) and fill == fill_alone
        # every target starts at the highest price and the same first step
        assert memo.hits - hits >= 2


def test_a_small_memo_forgets_the_least_recently_used_prices() -> None:
    curves, cost = planned_curves()
    memo = PriceMemo(limit=10)
    allocate_for_fill_rate(curves, cost, 0.9, memo=memo)
    assert len(memo.seen) == 10
    levels, _ = allocate_for_fill_rate(curves, cost, 0.9, memo=memo)
    assert np.array_equal(levels, allocate_for_fill_rate(curves, cost, 0.9)[0])


def test_lot_curves_keep_the_plain_bisections_answer() -> None:
    # with lots the curves are mixtures over the lot's cycle: still the same levels
    curves, cost = planned_curves()
    with_lots = lots.lot_curves(curves, np.full(len(cost), 20.0))
    for target in (0.85, 0.95):
        levels, _ = allocate_for_fill_rate(with_lots, cost, target)
        steps = np.rint(levels / with_lots.unit).astype(int)
        assert np.array_equal(steps, plain_bisection(with_lots, cost, target))
