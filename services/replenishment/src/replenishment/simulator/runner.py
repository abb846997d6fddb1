"""The simulation study: the system's planning against the coverage rule at the same fill rate.

The system re-plans every `replan_every` periods from the demand seen so far (classes,
forecasts with model selection, demand distributions); the target-dependent step (protection
levels for the fill-rate target) is cheap, so the work of each re-plan is reused for every
target of the trade-off curve. The coverage rule's k is bisected to reach the fill rate the
system reached.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from replenishment.planning import plan as planning
from replenishment.planning.safety_stock import lead_time_matrix
from replenishment.simulator.engine import Decide, Outcome, by_class, coverage_policy, replay
from replenishment.simulator.inputs import MAX_LEAD_TIME, Demand, Items

CURVE_TARGETS = (0.80, 0.85, 0.90, 0.93, 0.95, 0.97, 0.98, 0.99)


@dataclass(frozen=True)
class StudySettings:
    target_fill_rate: float | None = 0.95  # None: per-class service levels of the settings
    warmup: int = 24
    replan_every: int = 6
    coverage_window: int = 12
    planning: planning.PlanningSettings = field(default_factory=planning.PlanningSettings)


def item_terms(items: Items) -> planning.ItemTerms:
    longest = int(min(MAX_LEAD_TIME, items.lead_time.max(initial=0)))
    return planning.ItemTerms(
        unit_cost=items.unit_cost,
        lead_time_probs=lead_time_matrix(items.lead_time, longest),
        order_cost=items.order_cost,
        moq=items.moq,
        pack_size=items.pack_size,
    )


class SystemPolicy:
    """This issue's planning, re-planned every few periods from the history it is handed."""

    def __init__(self, items: Items, settings: StudySettings) -> None:
        self.terms = item_terms(items)
        self.settings = settings
        self.groundwork: dict[int, planning.Groundwork] = {}
        self.planning_seconds: list[float] = []
        self.first_plan: planning.Plan | None = None

    def _groundwork(self, t: int, history: np.ndarray) -> planning.Groundwork:
        epoch = t - (t - self.settings.warmup + 1) % self.settings.replan_every
        if epoch not in self.groundwork:
            began = time.perf_counter()
            # history ends at t; the epoch's plan sees only columns up to the epoch
            seen = history[:, : epoch + 1]
            self.groundwork[epoch] = planning.groundwork(seen, self.terms, self.settings.planning)
            self.planning_seconds.append(time.perf_counter() - began)
        return self.groundwork[epoch]

    def decide_for(self, target: float | None) -> Decide:
        def decide(t: int, history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            base = self._groundwork(t, history)
            result = planning.finish(base, self.terms, self.settings.planning, target)
            if self.first_plan is None:
                self.first_plan = result
            return result.protection_level, result.levels.order_up_to

        return decide


def search_coverage(
    demand: np.ndarray, items: Items, start: int, wanted: float, window: int
) -> tuple[float, Outcome, bool]:
    """The smallest k (to 0.01) whose fill rate reaches `wanted`; the best k if none does."""
    low, high = 0.0, 36.0
    top = replay(demand, items, start, coverage_policy(high, window))
    if top.summary()["fill_rate"] < wanted:
        return high, top, False
    best = top
    while high - low > 0.01:
        mid = (low + high) / 2
        outcome = replay(demand, items, start, coverage_policy(mid, window))
        if outcome.summary()["fill_rate"] >= wanted:
            high, best = mid, outcome
        else:
            low = mid
    return high, best, True


def run_study(
    demand: Demand, items: Items, settings: StudySettings
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The JSON report and the trade-off curve rows."""
    began = time.perf_counter()
    matrix = demand.matrix
    start = settings.warmup
    if start >= matrix.shape[1]:
        raise ValueError(
            f"need more than {start} periods of demand (warm-up), got {matrix.shape[1]}"
        )
    system = SystemPolicy(items, settings)
    outcome = replay(matrix, items, start, system.decide_for(settings.target_fill_rate))
    assert system.first_plan is not None
    classes = system.first_plan.abc
    reached = outcome.summary()["fill_rate"]
    k, coverage, matched = search_coverage(
        matrix, items, start, float(reached), settings.coverage_window
    )
    ratio = outcome.summary()["avg_inventory_value"] / max(
        coverage.summary()["avg_inventory_value"], 1e-9
    )
    curve: list[dict[str, Any]] = []
    for target in CURVE_TARGETS:
        point = replay(matrix, items, start, system.decide_for(target)).summary()
        curve.append({"policy": "system", "parameter": target, **_curve_fields(point)})
    for cover in (0.5, 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12):
        point = replay(
            matrix, items, start, coverage_policy(cover, settings.coverage_window)
        ).summary()
        curve.append({"policy": "coverage", "parameter": cover, **_curve_fields(point)})
    report = {
        "target_fill_rate": settings.target_fill_rate,
        "system": {**outcome.summary(), "by_class": by_class(outcome, classes)},
        "coverage": {
            **coverage.summary(),
            "k": round(k, 2),
            "reached_system_fill_rate": matched,
            "by_class": by_class(coverage, classes),
        },
        "inventory_value_ratio": ratio,
        "protocol": {
            "items": int(matrix.shape[0]),
            "periods": len(demand.periods),
            "first_simulated_period": demand.periods[start],
            "warmup_periods": start,
            "replan_every": settings.replan_every,
            "coverage_window": settings.coverage_window,
            "review_periods": settings.planning.review_periods,
        },
        "runtime_seconds": {
            "planning_runs": len(system.planning_seconds),
            "planning_run_mean": float(np.mean(system.planning_seconds)),
            "planning_run_max": float(np.max(system.planning_seconds)),
            "total": time.perf_counter() - began,
        },
    }
    return report, curve


def _curve_fields(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "fill_rate": summary["fill_rate"],
        "avg_inventory_value": summary["avg_inventory_value"],
    }


def with_target(settings: StudySettings, target: float | None) -> StudySettings:
    return replace(settings, target_fill_rate=target)
