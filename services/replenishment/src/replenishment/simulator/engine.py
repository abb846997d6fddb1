"""Period-by-period replay of demand under a policy, with lead times and backorders.

At the end of each period a policy sees only the demand up to and including that period (it is
handed a copy of those columns, never the matrix), reviews the inventory position (on hand -
backorders + on order) and may order; an order placed at the end of period t is on hand from
period t + L + 1. At the start of a period arrivals come in, backorders are served first, then
that period's demand; what cannot be served is backordered (served later, not on time).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from replenishment.planning.classes import FloatArray, StrArray
from replenishment.planning.policy import order_quantities
from replenishment.simulator.inputs import Items

# (period index t, demand history up to and including t) -> (protection level, lot): below the
# protection level, order the fewest whole lots that reach it (a lot of 1: order up to it)
Decide = Callable[[int, FloatArray], tuple[FloatArray, FloatArray]]
# A policy may also have `observe(t, demanded, served_on_time)`: called at the end of period t,
# before its decision, with that period's outcome per item (the past only, like the history).
Observe = Callable[[int, FloatArray, FloatArray], None]


@dataclass(frozen=True)
class Outcome:
    demanded: FloatArray  # per item, units
    on_time: FloatArray
    stockout_periods: FloatArray
    active_periods: FloatArray
    inventory_value: FloatArray  # per item: sum over periods of end-of-period on hand x cost
    orders: FloatArray
    orders_log: FloatArray  # items x periods: quantity ordered at the end of each period

    def summary(self, mask: np.ndarray | None = None) -> dict[str, float | int]:
        m = np.ones(len(self.demanded), bool) if mask is None else mask
        periods = self.active_periods[m].sum()
        demanded = self.demanded[m].sum()
        evaluated = int(np.max(self.active_periods)) if len(self.active_periods) else 0
        return {
            "fill_rate": float(self.on_time[m].sum() / demanded) if demanded else 1.0,
            "cycle_service_level": float(1 - self.stockout_periods[m].sum() / periods)
            if periods
            else 1.0,
            "avg_inventory_value": float(self.inventory_value[m].sum() / max(evaluated, 1)),
            "stockout_periods": int(self.stockout_periods[m].sum()),
            "orders": int(self.orders[m].sum()),
            "items": int(m.sum()),
            "units_demanded": float(demanded),
        }


def starting_stock(demand: FloatArray, start: int, lead_time: FloatArray) -> FloatArray:
    """The same start for every policy: mean demand before `start` x (lead time + 1), rounded up."""
    history = demand[:, :start]
    listed = (~np.isnan(history)).sum(axis=1)
    mean = np.where(listed > 0, np.nansum(history, axis=1) / np.maximum(listed, 1), 0.0)
    return np.ceil(mean * (lead_time + 1))


def active_from(demand: FloatArray, start: int, min_history: int) -> np.ndarray:
    """First simulated period of each item: `start`, or later for items listed late."""
    first = np.argmax(~np.isnan(demand), axis=1)
    active: np.ndarray = np.maximum(start, first + min_history)
    return active


def replay(
    demand: FloatArray,
    items: Items,
    start: int,
    decide: Decide,
    *,
    min_history: int = 6,
    burn_in: bool = False,
    on_period: Callable[[], None] | None = None,
) -> Outcome:
    """Replay from `start`; with `burn_in` an item's outcome is measured only from its first
    period that an order of the policy can reach (lead time + 1 periods after it joins): before
    that, what is served depends on the common starting stock alone, not on any policy."""
    n, periods = demand.shape
    lead = items.lead_time.astype(int)
    begins = active_from(demand, start, min_history)
    measured_from = begins + (lead + 1 if burn_in else 0)
    on_hand = np.where(begins == start, starting_stock(demand, start, items.lead_time), 0.0)
    backlog = np.zeros(n)
    pipeline = np.zeros((n, periods + int(lead.max(initial=0)) + 2))
    rows = np.arange(n)
    demanded, on_time = np.zeros(n), np.zeros(n)
    stockouts, active_periods = np.zeros(n), np.zeros(n)
    value, orders = np.zeros(n), np.zeros(n)
    log = np.zeros((n, periods))
    observe: Observe | None = getattr(decide, "observe", None)
    for t in range(start, periods):
        active = begins <= t
        on_hand += pipeline[:, t]
        late = np.minimum(on_hand, backlog)
        on_hand -= late
        backlog -= late
        wanted = np.where(active, np.nan_to_num(demand[:, t]), 0.0)
        served = np.minimum(on_hand, wanted)
        on_hand -= served
        backlog += wanted - served
        measured = measured_from <= t
        demanded += np.where(measured, wanted, 0.0)
        on_time += np.where(measured, served, 0.0)
        stockouts += measured & (wanted > served + 1e-9)
        active_periods += measured
        value += np.where(measured, on_hand * items.unit_cost, 0.0)
        if observe is not None:
            observe(t, wanted.copy(), served.copy())
        protection, lot = decide(t, demand[:, : t + 1].copy())
        on_order = pipeline[:, t + 1 :].sum(axis=1)
        position = on_hand - backlog + on_order
        quantity = order_quantities(position, protection, lot, items.moq, items.pack_size)
        quantity = np.where(active, quantity, 0.0)
        pipeline[rows, t + 1 + lead] += quantity
        orders += quantity > 0
        log[:, t] = quantity
        if on_period is not None:
            on_period()
    return Outcome(demanded, on_time, stockouts, active_periods, value, orders, log)


def coverage_policy(k: float, window: int = 12) -> Decide:
    """The naive rule: order up to k periods of the recent average demand (last `window`)."""

    def decide(t: int, history: FloatArray) -> tuple[FloatArray, FloatArray]:
        recent = history[:, -window:]
        listed = (~np.isnan(recent)).sum(axis=1)
        mean = np.where(listed > 0, np.nansum(recent, axis=1) / np.maximum(listed, 1), 0.0)
        level = np.ceil(k * mean - 1e-9)
        return level, np.ones(len(level))

    return decide


def by_class(outcome: Outcome, classes: StrArray) -> dict[str, dict[str, float | int]]:
    return {c: outcome.summary(classes == c) for c in sorted(set(classes.tolist()))}
