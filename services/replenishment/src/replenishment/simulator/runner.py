"""The simulation study: the system's planning against the coverage rule at the same fill rate.

The system re-plans every `replan_every` periods from the demand seen so far (classes,
forecasts with model selection, demand distributions); the target-dependent step (protection
levels for the fill-rate target) is cheap, so the work of each re-plan is reused for every
target of the trade-off curve. The coverage rule's k is bisected to reach the fill rate the
system reached.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from replenishment.simulator.engine import Outcome, by_class, coverage_policy, replay
from replenishment.simulator.inputs import Demand, Items
from replenishment.simulator.progress import Progress, peak_rss_mb
from replenishment.simulator.segments import by_band, lot_cover_bands
from replenishment.simulator.system import StudySettings, SystemPolicy, match_system

CURVE_TARGETS = (0.80, 0.85, 0.90, 0.93, 0.95, 0.97, 0.98, 0.99)
COVERAGE_CURVE = (0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 18, 24, 36)
COMMON_FILL_RATES = (0.80, 0.85, 0.90)

__all__ = ["StudySettings", "ratio_along_curve", "run_study", "search_coverage", "with_target"]


def search_coverage(
    demand: np.ndarray,
    items: Items,
    start: int,
    wanted: float,
    window: int,
    *,
    burn_in: bool = False,
    on_period: Callable[[], None] | None = None,
) -> tuple[float, Outcome, bool]:
    """The smallest k (to 0.01) whose fill rate reaches `wanted`; the best k if none does."""
    low, high = 0.0, 36.0

    def run(k: float) -> Outcome:
        policy = coverage_policy(k, window)
        return replay(demand, items, start, policy, burn_in=burn_in, on_period=on_period)

    top = run(high)
    if top.summary()["fill_rate"] < wanted:
        return high, top, False
    best = top
    while high - low > 0.01:
        mid = (low + high) / 2
        outcome = run(mid)
        if outcome.summary()["fill_rate"] >= wanted:
            high, best = mid, outcome
        else:
            low = mid
    return high, best, True


# replays of a study: the system's run, the coverage search (k = 36, then bisection to 0.01),
# the system's re-run search if the coverage rule falls short (0.999, then 7 steps), the curves
REPLAYS_EXPECTED = 1 + 13 + 8 + len(CURVE_TARGETS) + len(COVERAGE_CURVE)


def run_study(
    demand: Demand, items: Items, settings: StudySettings, progress: Progress | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The JSON report and the trade-off curve rows; `progress` shows the periods replayed."""
    began = time.perf_counter()
    matrix = demand.matrix
    start = settings.warmup
    if start >= matrix.shape[1]:
        raise ValueError(f"need more than {start} periods of demand (warm-up)")
    progress = progress or Progress(enabled=False)
    step, periods = progress.step, matrix.shape[1] - start
    progress.expect(REPLAYS_EXPECTED, periods)
    system = SystemPolicy(items, settings)
    system.on_planned = progress.planned
    decide = system.decide_for(settings.target_fill_rate)
    outcome = replay(matrix, items, start, decide, burn_in=settings.burn_in, on_period=step)
    assert system.first_plan is not None
    classes = system.first_plan.abc
    bands = lot_cover_bands(items, matrix[:, :start])
    reached = float(outcome.summary()["fill_rate"])
    window, burn_in = settings.coverage_window, settings.burn_in
    k, coverage, matched = search_coverage(
        matrix, items, start, reached, window, burn_in=burn_in, on_period=step
    )
    basis = outcome
    if not matched:  # the coverage rule fell short at k = 36: no bisection (12 replays fewer)
        progress.expect(-12, periods)
        rerun = match_system(
            system, matrix, items, start, coverage.summary()["fill_rate"], on_period=step
        )
        basis = _cheaper(outcome, rerun, coverage)
    else:
        progress.expect(-8, periods)
    ratio = basis.summary()["avg_inventory_value"] / max(
        coverage.summary()["avg_inventory_value"], 1e-9
    )
    curve = trade_off_curve(system, matrix, items, start, on_period=step)
    system.groundwork.close()
    report = {
        "target_fill_rate": settings.target_fill_rate,
        "system": {
            **outcome.summary(),
            "by_class": by_class(outcome, classes),
            "by_lot_cover": by_band(outcome, bands),
            "stocking": _stocking(system),
        },
        "coverage": {
            **coverage.summary(),
            "k": round(k, 2),
            "reached_system_fill_rate": matched,
            "by_class": by_class(coverage, classes),
            "by_lot_cover": by_band(coverage, bands),
        },
        "inventory_value_ratio": ratio,
        "comparison": _comparison(basis, coverage, matched, curve),
        "protocol": _protocol(demand, settings),
        "runtime_seconds": _runtime(system, began),
    }
    return report, curve


def _comparison(
    basis: Outcome, coverage: Outcome, matched: bool, curve: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "fill_rate": basis.summary()["fill_rate"],
        "system_avg_inventory_value": basis.summary()["avg_inventory_value"],
        "coverage_avg_inventory_value": coverage.summary()["avg_inventory_value"],
        "system_rerun_at_coverage_best": not matched,
        "ratio_along_curve": ratio_along_curve(curve),
    }


def _stocking(system: SystemPolicy) -> dict[str, int]:
    """How many items the first plan stocks, plans as non-stock, or stocks at one lot."""
    assert system.first_plan is not None
    kinds, counts = np.unique(system.first_plan.stocking, return_counts=True)
    return {str(k): int(c) for k, c in zip(kinds, counts, strict=True)}


def _cheaper(outcome: Outcome, rerun: Outcome, coverage: Outcome) -> Outcome:
    """What the system is compared at when the coverage rule cannot reach its fill rate: the
    system re-run at the best fill rate the coverage rule reaches (k at its cap), if that
    reaches it for less stock; else the system's own run."""
    wanted = coverage.summary()["fill_rate"]
    cheaper = rerun.summary()["avg_inventory_value"] < outcome.summary()["avg_inventory_value"]
    return rerun if rerun.summary()["fill_rate"] >= wanted and cheaper else outcome


def trade_off_curve(
    system: SystemPolicy,
    matrix: np.ndarray,
    items: Items,
    start: int,
    *,
    on_period: Callable[[], None] | None = None,
) -> list[dict[str, Any]]:
    """Fill rate and average inventory value of the system at each target and of the coverage
    rule at each k."""
    settings = system.settings
    curve: list[dict[str, Any]] = []
    for target in CURVE_TARGETS:
        decide = system.decide_for(target)
        point = replay(
            matrix, items, start, decide, burn_in=settings.burn_in, on_period=on_period
        ).summary()
        curve.append({"policy": "system", "parameter": target, **_curve_fields(point)})
    for cover in COVERAGE_CURVE:
        point = replay(
            matrix,
            items,
            start,
            coverage_policy(cover, settings.coverage_window),
            burn_in=settings.burn_in,
            on_period=on_period,
        ).summary()
        curve.append({"policy": "coverage", "parameter": cover, **_curve_fields(point)})
    return curve


def _protocol(demand: Demand, settings: StudySettings) -> dict[str, Any]:
    start = settings.warmup
    return {
        "items": int(demand.matrix.shape[0]),
        "periods": len(demand.periods),
        "first_simulated_period": demand.periods[start],
        "warmup_periods": start,
        "replan_every": settings.replan_every,
        "reselect_models_every": settings.planning.forecast.reselect_every,
        "coverage_window": settings.coverage_window,
        "review_periods": settings.planning.review_periods,
        "feedback_gain": settings.feedback_gain,
        "burn_in_lead_time_plus_one": settings.burn_in,
        "history_window": settings.planning.history_window,
        "quiet_item_prior": settings.planning.quiet_item_prior,
        "sparse_prior_weight": settings.planning.sparse_prior_weight,
    }


def _runtime(system: SystemPolicy, began: float) -> dict[str, Any]:
    return {
        "planning_runs": len(system.planning_seconds),
        "planning_run_mean": float(np.mean(system.planning_seconds)),
        "planning_run_max": float(np.max(system.planning_seconds)),
        "total": time.perf_counter() - began,
        "peak_rss_mb": peak_rss_mb(),
    }


def ratio_along_curve(curve: list[dict[str, Any]]) -> dict[str, float | None]:
    """System / coverage value at common fill rates, linear between the curves' points."""
    result: dict[str, float | None] = {}
    lines = {}
    for policy in ("system", "coverage"):
        points = sorted(
            (r["fill_rate"], r["avg_inventory_value"]) for r in curve if r["policy"] == policy
        )
        lines[policy] = (np.array([p[0] for p in points]), np.array([p[1] for p in points]))
    for fill in COMMON_FILL_RATES:
        values = []
        for x, y in lines.values():
            values.append(
                float(np.interp(fill, x, y)) if len(x) and x[0] <= fill <= x[-1] else None
            )
        system_value, coverage_value = values
        result[f"{fill:.2f}"] = (
            system_value / coverage_value if system_value is not None and coverage_value else None
        )
    return result


def _curve_fields(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "fill_rate": summary["fill_rate"],
        "avg_inventory_value": summary["avg_inventory_value"],
    }


def with_target(settings: StudySettings, target: float | None) -> StudySettings:
    return replace(settings, target_fill_rate=target)
