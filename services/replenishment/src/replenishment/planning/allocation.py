"""The fill-rate allocation: each item's level for one overall fill-rate target at the least
expected stock value.

Lagrangian relaxation: for a price `lam` per unit short, each item takes the grid level
minimising ``cost * on_hand(P) + lam * short(P)``; `lam` is bisected (geometrically, between
1e-6 and 1e9, 50 steps) until the overall fill rate (units short over units demanded, all items
together) reaches the target. Stock goes where a currency unit of it buys the most service.

Two things keep the bisection cheap without changing its answer:

* **The bracket bounds each item's choice.** The level an item takes never falls as the price
  rises (on hand rises and short falls with the level), so at a price between the bracket's
  ends an item takes a level between the levels it took at them. An item whose two ends agree
  is decided; the others are searched only between their two levels. After a few steps most
  items are decided and the rest look at a few grid points, not the whole grid.
* **A memo of prices already tried** (`PriceMemo`): the bisection's first prices are the same
  for every target, and a re-plan's curves are used for many targets (each period of a
  simulation's replay, every point of its trade-off curve), so the wide first steps are paid
  once per set of curves.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from replenishment.planning.classes import FloatArray
from replenishment.planning.safety_stock import ServiceCurves

LOWEST_PRICE, HIGHEST_PRICE = 1e-6, 1e9
# search the items between their bracket's levels (gathered) once that is under this share
# of the whole grid; before, whole rows (up to the highest level any item can take)
GATHER_SHARE = 0.5

IntArray = np.ndarray


class PriceMemo:
    """Levels and overall fill rate of the prices already tried on one set of curves (LRU)."""

    def __init__(self, limit: int = 128) -> None:
        self.limit = limit
        self.seen: OrderedDict[float, tuple[IntArray, float]] = OrderedDict()
        self.hits = self.misses = 0

    def get(self, price: float) -> tuple[IntArray, float] | None:
        found = self.seen.get(price)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self.seen.move_to_end(price)
        return found

    def put(self, price: float, levels: IntArray, fill: float) -> None:
        self.seen[price] = (levels.astype(np.min_scalar_type(int(levels.max(initial=0)))), fill)
        while len(self.seen) > self.limit:
            self.seen.popitem(last=False)


class _Choices:
    """The level each item takes at a price, searched between known bounds."""

    def __init__(self, curves: ServiceCurves, unit_cost: FloatArray) -> None:
        self.curves = curves
        self.cost = np.maximum(unit_cost, 1e-9)
        self.rows = np.arange(len(unit_cost))
        self.demand = curves.mean_demand.sum()  # a float64 scalar: the fill rate in float64

    def fill(self, levels: IntArray) -> float:
        short = self.curves.short[self.rows, levels].sum()
        return float(1.0 - short / self.demand) if self.demand > 0 else 1.0

    def at(self, price: np.float64, lower: IntArray, upper: IntArray) -> IntArray:
        """Each item's first cheapest level at `price`, known to lie in [lower, upper]."""
        open_ = np.flatnonzero(lower < upper)
        levels = lower.copy()
        if open_.size == 0:
            return levels
        width = int((upper[open_] - lower[open_]).max()) + 1
        grid = self.curves.short.shape[1]
        if open_.size * width >= GATHER_SHARE * len(lower) * grid:
            top = int(upper.max()) + 1
            on_hand, short = self.curves.on_hand[:, :top], self.curves.short[:, :top]
            found: IntArray = np.argmin(self.cost[:, None] * on_hand + price * short, axis=1)
            return found
        columns = np.minimum(lower[open_, None] + np.arange(width)[None, :], grid - 1)
        taken = open_[:, None]
        value = (
            self.cost[open_, None] * self.curves.on_hand[taken, columns]
            + price * self.curves.short[taken, columns]
        )
        value[columns > upper[open_, None]] = np.inf
        levels[open_] = lower[open_] + np.argmin(value, axis=1)
        return levels


def allocate_for_fill_rate(
    curves: ServiceCurves,
    unit_cost: FloatArray,
    target: float,
    *,
    iterations: int = 50,
    memo: PriceMemo | None = None,
) -> tuple[FloatArray, float]:
    """Levels that reach an overall fill rate `target` at the least expected stock value.

    Returns (levels in units, expected fill rate). `memo` keeps the prices tried for the next
    call on the same curves (and must not be shared between different curves).
    """
    choices = _Choices(curves, unit_cost)
    grid = curves.short.shape[1]

    def evaluate(price: np.float64, lower: IntArray, upper: IntArray) -> tuple[IntArray, float]:
        known = memo.get(price) if memo is not None else None
        if known is not None:
            return known[0].astype(np.intp), known[1]
        levels = choices.at(price, lower, upper)
        fill = choices.fill(levels)
        if memo is not None:
            memo.put(price, levels, fill)
        return levels, fill

    low, high = np.float64(LOWEST_PRICE), np.float64(HIGHEST_PRICE)
    n = len(unit_cost)
    k_low = np.zeros(n, dtype=np.intp)
    k_high, fill_high = evaluate(high, k_low, np.full(n, grid - 1, dtype=np.intp))
    if fill_high < target:
        return k_high * curves.unit, fill_high
    for _ in range(iterations):
        mid = np.sqrt(low * high)  # a float64 scalar: the products stay in float64
        k, fill = evaluate(mid, k_low, k_high)
        if fill >= target:
            high, k_high, fill_high = mid, k, fill
        else:
            low, k_low = mid, k
    return k_high * curves.unit, fill_high
