"""Classification, safety-stock and policy maths against values worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from replenishment.planning import classes, prior
from replenishment.planning.allocation import allocate_for_fill_rate
from replenishment.planning.policy import (
    economic_order_quantity,
    order_quantities,
    policy_levels,
    round_to_pack,
)
from replenishment.planning.safety_stock import (
    ServiceCurves,
    demand_distributions,
    lead_time_matrix,
    level_for_targets,
    service_curves,
)


def test_abc_by_consumption_value_with_the_item_crossing_a_cut_kept_in_the_class() -> None:
    # total 100; cumulative share before each item: 0, .50, .80, .90, .96
    # A while < .80, B while < .95, C after: A A B B C
    value = np.array([30.0, 50.0, 6.0, 10.0, 4.0])
    assert classes.abc_classes(value).tolist() == ["A", "A", "B", "B", "C"]
    # cuts 50/30: shares before (sorted) 0 .5 .8 .9 .96 -> A B C C C
    custom = classes.abc_classes(value, classes.AbcCuts(a=0.5, b=0.3))
    assert custom.tolist() == ["B", "A", "C", "C", "C"]


def test_xyz_by_coefficient_of_variation() -> None:
    history = np.array(
        [
            [10, 10, 10, 10],  # cv 0 -> X
            [5, 15, 5, 15],  # mean 10, std 5, cv 0.5 -> X (bound included)
            [0, 20, 0, 20],  # mean 10, std 10, cv 1.0 -> Y
            [0, 0, 0, 40],  # mean 10, std sqrt(300) = 17.3 -> Z
        ],
        dtype=float,
    )
    assert classes.xyz_classes(history).tolist() == ["X", "X", "Y", "Z"]


def test_syntetos_boylan_patterns() -> None:
    history = np.array(
        [
            [5, 5, 5, 5, 5, 5],  # ADI 1, CV² 0 -> smooth
            [1, 9, 1, 9, 1, 9],  # ADI 1; sizes mean 5, var 16, CV² 0.64 -> erratic
            [0, 2, 0, 4, 0, 0],  # ADI 6/2 = 3; sizes 2, 4: mean 3, var 1, CV² 1/9 -> intermittent
            [0, 1, 0, 9, 0, 0],  # ADI 3; sizes 1, 9: mean 5, var 16, CV² 0.64 -> lumpy
            [
                np.nan,
                np.nan,
                2,
                2,
                0,
                2,
            ],  # listed 4 periods, 3 with demand: ADI 1.33 -> intermittent
        ]
    )
    adi, cv2 = classes.adi_and_cv2(history)
    assert adi.tolist() == pytest.approx([1, 1, 3, 3, 4 / 3])
    assert cv2.tolist() == pytest.approx([0, 0.64, 1 / 9, 0.64, 0])
    patterns = classes.demand_patterns(adi, cv2).tolist()
    assert patterns == ["smooth", "erratic", "intermittent", "lumpy", "intermittent"]


def coin_flip_curves(items: int = 1) -> ServiceCurves:
    # demand per period 0 or 1 with probability 1/2 (empirical), lead time 1, review 1:
    # D over L+R = 2 periods: P(0,1,2) = 1/4, 1/2, 1/4; D over L = 1: P(0,1) = 1/2, 1/2
    history = np.tile([0.0, 1.0, 0.0, 1.0], (items, 1))
    unit, over_lr, over_l = demand_distributions(
        history,
        np.full(items, "intermittent"),
        forecast=np.full(items, 0.5),
        forecast_rmse=np.full(items, np.nan),
        lead_time_probs=lead_time_matrix(np.full(items, 1.0), 1),
        review=1,
        grid=8,
    )
    assert over_lr[0, :3].tolist() == pytest.approx([0.25, 0.5, 0.25])
    assert over_l[0, :2].tolist() == pytest.approx([0.5, 0.5])
    return service_curves(unit, over_lr, over_l, np.full(items, 0.5), review=1)


def test_empirical_lead_time_demand_gives_short_units_stock_and_fill_rate() -> None:
    curves = coin_flip_curves()
    # E[(D2-P)^+]: P=0 -> 1, P=1 -> 1/4, P=2 -> 0;  E[(D1-P)^+]: P=0 -> 1/2, P=1 -> 0
    # short = difference: 1/2, 1/4, 0; fill = 1 - short / 0.5: 0, 1/2, 1
    assert curves.short[0, :3].tolist() == pytest.approx([0.5, 0.25, 0.0])
    assert curves.fill_rate()[0, :3].tolist() == pytest.approx([0.0, 0.5, 1.0])
    # on hand E[(P-D2)^+]: P=1 -> 1 * 1/4; P=2 -> 2 * 1/4 + 1 * 1/2 = 1
    assert curves.on_hand[0, :3].tolist() == pytest.approx([0.0, 0.25, 1.0])
    # cycle service level P(D2 <= P): 1/4, 3/4, 1
    assert curves.cycle[0, :3].tolist() == pytest.approx([0.25, 0.75, 1.0])
    assert level_for_targets(curves, np.array([0.5])).tolist() == [1.0]
    assert level_for_targets(curves, np.array([0.9])).tolist() == [2.0]
    assert level_for_targets(curves, np.array([0.7]), "cycle").tolist() == [1.0]


def test_allocation_spends_stock_where_it_is_cheap() -> None:
    curves = coin_flip_curves(items=2)
    # overall 0.75 allows 0.25 units short of 1.0 demanded. Cheap item at 2 (short 0, on hand 1)
    # and dear item at 1 (short 1/4, on hand 1/4): value 1 * 1 + 100 * 1/4 = 26, against
    # 1/4 + 100 * 1 = 100.25 the other way round.
    levels, fill = allocate_for_fill_rate(curves, np.array([1.0, 100.0]), 0.75)
    assert levels.tolist() == [2.0, 1.0]
    assert fill == pytest.approx(0.75)


def test_normal_demand_for_smooth_items_puts_the_cycle_quantile_where_expected() -> None:
    # forecast 10 per period, RMSE 2, lead time 1 + review 1: D ~ N(20, 2 * sqrt 2 = 2.83);
    # the 95% quantile is 20 + 1.645 * 2.83 = 24.65; with P(D <= k) read at k + 0.5 the
    # smallest whole level is k = 25 (24.5 < 24.65).
    unit, over_lr, over_l = demand_distributions(
        np.full((1, 12), 10.0),
        np.array(["smooth"]),
        forecast=np.array([10.0]),
        forecast_rmse=np.array([2.0]),
        lead_time_probs=lead_time_matrix(np.array([1.0]), 1),
        review=1,
    )
    curves = service_curves(unit, over_lr, over_l, np.array([10.0]), review=1)
    assert level_for_targets(curves, np.array([0.95]), "cycle").tolist() == [25.0]


def test_lead_time_variability_widens_lead_time_demand() -> None:
    # demand 1 every period; lead time 0 or 2 with probability 1/2, review 1:
    # D over L+R is 1 or 3 with probability 1/2 each
    probs = np.array([[0.5, 0.0, 0.5]])
    _, over_lr, _ = demand_distributions(
        np.ones((1, 6)),
        np.array(["intermittent"]),
        np.array([1.0]),
        np.array([np.nan]),
        probs,
        1,
        grid=8,
    )
    assert over_lr[0, :4].tolist() == pytest.approx([0, 0.5, 0, 0.5])


def test_economic_order_quantity_and_rounding() -> None:
    # sqrt(2 * 1200 * 50 / (0.25 * 10)) = sqrt(48000) = 219.09
    eoq = economic_order_quantity(np.array([1200.0]), np.array([50.0]), np.array([10.0]), 0.25)
    assert eoq[0] == pytest.approx(219.089, abs=1e-3)
    # packs of 12: ceil(219.09 / 12) = 19 packs = 228; an MOQ of 300 is 25 packs = 300
    assert round_to_pack(eoq, np.array([0.0]), np.array([12.0])).tolist() == [228.0]
    assert round_to_pack(eoq, np.array([300.0]), np.array([12.0])).tolist() == [300.0]
    assert (
        economic_order_quantity(np.array([0.0]), np.array([50.0]), np.array([10.0]), 0.25)[0] == 0
    )


def test_policy_levels_and_orders() -> None:
    # protection 10 over a protection interval with mean 6: safety stock 4; lot-for-lot
    levels = policy_levels(np.array([10.0]), np.array([6.0]), np.array([1.0]))
    assert levels.reorder_point.tolist() == [9.0]
    assert levels.order_quantity.tolist() == [1.0]
    assert levels.order_up_to.tolist() == [10.0]
    assert levels.safety_stock.tolist() == [4.0]

    # position 7 below 10: order up to 10 -> 3; in packs of 5 -> 5; MOQ 8 in packs of 5 -> 10
    def order(moq: float, pack: float, position: float = 7.0, lot: float = 1.0) -> float:
        quantity = order_quantities(
            np.array([position]),
            np.array([10.0]),
            np.array([lot]),
            np.array([moq]),
            np.array([pack]),
        )
        return float(quantity[0])

    assert order(0, 1) == 3
    assert order(0, 5) == 5
    assert order(8, 5) == 10
    assert order(0, 1, position=10.0) == 0  # at the protection level: nothing due
    # (R, s, nQ) with lots of 4: 3 short of 10 -> one lot (position 11); 7 short -> two lots
    assert order(0, 4, lot=4) == 4
    assert order(0, 4, position=3.0, lot=4) == 8
    assert order(0, 4, position=9.5, lot=4) == 4


def test_pooled_prior_is_what_formerly_quiet_items_sold_next() -> None:
    # 6 periods -> stretches of 3: quiet over periods 0-2 are items 0 and 1 (item 2 sold, item 3
    # was not listed for the whole stretch); what they sold in periods 3-5: 0,2,0 and 0,0,1
    history = np.array(
        [
            [0, 0, 0, 0, 2, 0],
            [0, 0, 0, 0, 0, 1],
            [5, 0, 0, 0, 0, 0],
            [np.nan, 0, 0, 9, 9, 9],
        ]
    )
    pmf = prior.pooled_quiet_pmf(history, window=12, grid=4)
    assert pmf is not None
    assert pmf.tolist() == pytest.approx([4 / 6, 1 / 6, 1 / 6, 0.0])
    assert prior.quiet_items(history, 3).tolist() == [False, False, True, False]
    assert prior.pooled_quiet_pmf(np.ones((2, 6)), window=3, grid=4) is None


def test_an_item_without_demand_in_the_window_gets_the_pooled_prior() -> None:
    # item 0 never sold; prior: 1 unit with probability 1/2 per period; lead time 0, review 1
    history = np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0]])
    quiet_prior = np.array([0.5, 0.5])
    _, over_lr, _ = demand_distributions(
        history,
        np.array(["intermittent", "intermittent"]),
        np.zeros(2),
        np.full(2, np.nan),
        lead_time_matrix(np.zeros(2), 0),
        1,
        grid=4,
        quiet_pmf=quiet_prior,
    )
    assert over_lr[0].tolist() == pytest.approx([0.5, 0.5, 0, 0])
    # without the prior the same item is planned for no demand at all
    _, without, _ = demand_distributions(
        history,
        np.array(["intermittent", "intermittent"]),
        np.zeros(2),
        np.full(2, np.nan),
        lead_time_matrix(np.zeros(2), 0),
        1,
        grid=4,
    )
    assert without[0].tolist() == pytest.approx([1, 0, 0, 0])
