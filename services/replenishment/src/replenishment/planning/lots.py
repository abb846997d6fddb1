"""Lot-aware service curves: what a level buys and costs when every order is a whole lot.

The lot actually ordered is ``Q = max(MOQ, EOQ rounded up to whole packs)``, itself whole packs
(`lot_sizes`). The policy is (R, s, nQ): at a review with the inventory position below the
protection level P (the reorder point is s = P - 1), order the fewest whole lots that lift it
to P or above. In steady state the position after a review is then uniform on
``P, P + 1, ..., P + Q - 1`` (Hadley and Whitin), so every per-level quantity of the base-stock
curves (`safety_stock.service_curves`, position exactly P) is averaged over that window:

* units short per review period ``short_Q(P) = (1/Q) sum_{y=P}^{P+Q-1} short(y)`` with
  ``short(y) = E[(D_{L+R} - y)^+] - E[(D_L - y)^+]``. A replenishment cycle lasts Q / (R mu)
  reviews on average, so the expected shortage per replenishment cycle is
  ``ESPRC = sum_{y=P}^{P+Q-1} short(y) / (R mu)`` and the fill rate is the loss-function form
  ``fill = 1 - ESPRC / Q = 1 - short_Q(P) / (R mu)``;
* expected on hand ``on_hand_Q(P) = (1/Q) sum_{y=P}^{P+Q-1} E[(y - D_{L+R})^+]``: the safety
  stock plus the cycle stock of the lot, about (Q - 1) / 2 units when the lot is large;
* the cycle service level is averaged the same way.

P = 0 is the non-stock policy: order (a lot) only once demand is waiting. Beyond the grid the
base curves continue exactly: no more units short and one more unit on hand per unit of level
(the grid holds all the demand of the protection interval), so lots longer than the grid cost
nothing extra to price.
"""

from __future__ import annotations

import numpy as np

from replenishment.planning.classes import FloatArray
from replenishment.planning.policy import round_to_pack
from replenishment.planning.safety_stock import ServiceCurves


def lot_sizes(eoq: FloatArray, moq: FloatArray, pack_size: FloatArray) -> FloatArray:
    """The lot actually ordered: EOQ (at least one unit) rounded up to packs, at least the MOQ."""
    return round_to_pack(np.maximum(eoq, 1.0), moq, pack_size)


def lot_cover(lot: FloatArray, mean_demand: FloatArray) -> FloatArray:
    """The lot in periods of mean demand (infinite for an item without demand)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        cover: FloatArray = np.where(mean_demand > 0, lot / mean_demand, np.inf)
    return cover


def _window_mean(values: FloatArray, width: np.ndarray, slope: FloatArray) -> FloatArray:
    """Row i, column P: the mean of values[i, P .. P + width_i - 1], where a column past the
    last one is the last value plus `slope_i` per column beyond it."""
    n, grid = values.shape
    cumulative = np.concatenate([np.zeros((n, 1)), np.cumsum(values, axis=1)], axis=1)
    start = np.arange(grid)[None, :]
    end = start + width[:, None]
    inside_end = np.minimum(end, grid)
    rows = np.arange(n)[:, None]
    inside = cumulative[rows, inside_end] - cumulative[rows, np.broadcast_to(start, end.shape)]
    beyond = (end - inside_end).astype(float)  # columns past the grid: grid .. end - 1
    last = values[:, -1:]
    tail = beyond * last + slope[:, None] * beyond * (beyond + 1) / 2
    mean: FloatArray = (inside + tail) / width[:, None]
    return mean


def lot_curves(curves: ServiceCurves, lot: FloatArray) -> ServiceCurves:
    """The curves of the (R, s, nQ) policy with lot `lot` (units) at every protection level."""
    width = np.maximum(1, np.rint(lot / curves.unit)).astype(np.int64)
    if (width == 1).all():
        return curves
    flat = np.zeros(len(lot))
    return ServiceCurves(
        unit=curves.unit,
        short=_window_mean(curves.short, width, flat),
        on_hand=_window_mean(curves.on_hand, width, curves.unit),
        cycle=_window_mean(curves.cycle, width, flat),
        mean_demand=curves.mean_demand,
    )
