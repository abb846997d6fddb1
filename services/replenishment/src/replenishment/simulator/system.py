"""The system's side of the study: this issue's planning, re-planned every few periods from
the demand seen so far, with the realised-fill-rate feedback on its internal target."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from replenishment.planning import plan as planning
from replenishment.planning.allocation import PriceMemo
from replenishment.planning.forecast import Forecasts, ForecastSettings
from replenishment.planning.safety_stock import ServiceCurves, lead_time_matrix
from replenishment.simulator.engine import Outcome, replay
from replenishment.simulator.inputs import Items
from replenishment.simulator.replans import ReplanStore

# periods between the backtests that choose each series' model (a quarter of weekly data); the
# re-plans in between refit the chosen model on the new history (`forecast_items`)
RESELECT_EVERY = 13


@dataclass(frozen=True)
class StudySettings:
    target_fill_rate: float | None = 0.95  # None: per-class service levels of the settings
    warmup: int = 12
    replan_every: int = 6
    coverage_window: int = 12
    # realised-fill-rate feedback: the planning's internal target is the target plus
    # `feedback_gain` x (fill rate planned - fill rate reached) over the periods so far; 0 = off
    feedback_gain: float = 1.0
    # measure each item from the first period an order can reach (lead time + 1 after joining)
    burn_in: bool = True
    # re-plans' curves kept in memory up to this many MB; beyond it, in a temporary folder
    memory_budget_mb: float = 2000.0
    planning: planning.PlanningSettings = field(
        default_factory=lambda: planning.PlanningSettings(
            quiet_item_prior=True,
            sparse_prior_weight=0.5,
            forecast=ForecastSettings(reselect_every=RESELECT_EVERY),
        )
    )


def item_terms(items: Items) -> planning.ItemTerms:
    longest = int(items.lead_time.max(initial=0))
    return planning.ItemTerms(
        unit_cost=items.unit_cost,
        lead_time_probs=lead_time_matrix(items.lead_time, longest),
        order_cost=items.order_cost,
        moq=items.moq,
        pack_size=items.pack_size,
    )


def compact(base: planning.Groundwork, measure: str) -> planning.Groundwork:
    """The groundwork as kept for every re-plan of a study: the curves in single precision,
    and without the cycle service levels unless the targets are cycle service levels (the
    fill-rate allocation and the fill-rate targets never read them): a third of the memory."""
    c = base.curves
    cycle = c.cycle if measure == "cycle" else np.empty((len(c.unit), 0))
    curves = ServiceCurves(
        unit=c.unit,
        short=c.short.astype(np.float32),
        on_hand=c.on_hand.astype(np.float32),
        cycle=cycle.astype(np.float32),
        mean_demand=c.mean_demand,
    )
    return replace(base, curves=curves)


class SystemPolicy:
    """This issue's planning, re-planned every few periods from the history it is handed."""

    def __init__(self, items: Items, settings: StudySettings) -> None:
        self.terms = item_terms(items)
        self.settings = settings
        self.groundwork = ReplanStore(settings.memory_budget_mb)
        self.planning_seconds: list[float] = []
        self.first_plan: planning.Plan | None = None
        self.forecasts: Forecasts | None = None  # the last re-plan's, for the next one
        # each re-plan's tried prices of the fill-rate allocation, for every replay after
        self.prices: dict[int, PriceMemo] = {}
        # called after each planning run with its seconds and the number of runs so far
        self.on_planned: Callable[[float, int], None] | None = None

    def epoch(self, t: int) -> int:
        return t - (t - self.settings.warmup + 1) % self.settings.replan_every

    def _groundwork(self, t: int, history: np.ndarray) -> planning.Groundwork:
        epoch = self.epoch(t)
        if epoch not in self.groundwork:
            began = time.perf_counter()
            # history ends at t; the epoch's plan sees only columns up to the epoch
            seen = history[:, : epoch + 1]
            base = planning.groundwork(seen, self.terms, self.settings.planning, self.forecasts)
            self.forecasts = base.forecasts
            self.groundwork.put(epoch, compact(base, self.settings.planning.service_measure))
            self.planning_seconds.append(time.perf_counter() - began)
            if self.on_planned is not None:
                self.on_planned(self.planning_seconds[-1], len(self.planning_seconds))
        return self.groundwork.get(epoch)

    def decide_for(self, target: float | None) -> SystemDecide:
        return SystemDecide(self, target)


class SystemDecide:
    """One replay's decisions, with the realised-fill-rate feedback on the internal target.

    The outcome of the first `lead time + 1` periods comes from the starting stock, not from
    any decision, so the feedback counts the periods after them only. Each counted period
    adds its units demanded, served on time, and the internal target planned for it (the plan
    whose orders could first serve it), so `planned - reached` is the planning's own bias.
    """

    def __init__(self, policy: SystemPolicy, target: float | None) -> None:
        self.policy = policy
        self.target = target
        self.lag = int(policy.terms.lead_time_probs.shape[1])  # longest lead time + 1
        self.internal: dict[int, float] = {}
        self.demanded = self.served = self.planned = 0.0

    def observe(self, t: int, demanded: np.ndarray, served: np.ndarray) -> None:
        planned = self.internal.get(t - self.lag)
        if planned is None:
            return
        units = float(demanded.sum())
        self.demanded += units
        self.served += float(served.sum())
        self.planned += planned * units

    def internal_target(self) -> float | None:
        if self.target is None:
            return None
        gain = self.policy.settings.feedback_gain
        if gain <= 0 or self.demanded <= 0:
            return self.target
        gap = (self.planned - self.served) / self.demanded
        return float(np.clip(self.target + gain * gap, 0.5, 0.999))

    def __call__(self, t: int, history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        base = self.policy._groundwork(t, history)
        target = self.internal_target()
        if target is not None:
            self.internal[t] = target
        prices = self.policy.prices.setdefault(self.policy.epoch(t), PriceMemo())
        policy = self.policy
        result = planning.finish(base, policy.terms, policy.settings.planning, target, prices)
        if self.policy.first_plan is None:
            self.policy.first_plan = result
        return result.protection_level, result.levels.order_quantity


def match_system(
    system: SystemPolicy,
    matrix: np.ndarray,
    items: Items,
    start: int,
    wanted: float,
    *,
    steps: int = 7,
    on_period: Callable[[], None] | None = None,
) -> Outcome:
    """The system at the least target (to ~0.004) whose fill rate reaches `wanted`.

    The mirror of the coverage rule's search for its smallest k: the target is bisected
    between 0.5 and 0.999, since with the feedback a target can overshoot (asked 0.96 it
    reached 0.965) or fall short. If even 0.999 falls short, its outcome is returned.
    """
    burn_in = system.settings.burn_in

    def run(target: float) -> Outcome:
        return replay(
            matrix, items, start, system.decide_for(target), burn_in=burn_in, on_period=on_period
        )

    low, high = 0.5, 0.999
    best = run(high)
    if best.summary()["fill_rate"] < wanted:
        return best
    for _ in range(steps):
        mid = (low + high) / 2
        outcome = run(mid)
        if outcome.summary()["fill_rate"] >= wanted:
            high = mid
            if outcome.summary()["avg_inventory_value"] < best.summary()["avg_inventory_value"]:
                best = outcome
        else:
            low = mid
    return best
