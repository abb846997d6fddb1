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

from typing import Final

import numpy as np

from replenishment.planning.classes import FloatArray, StrArray
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


STOCK: Final = "stock"
NON_STOCK: Final = "non_stock"  # ordered against demand: a lot once demand is waiting
ONE_LOT: Final = "one_lot"  # the smallest lot covers too long: stocked at about one lot


def stocking(
    protection_steps: np.ndarray, lot: FloatArray, cover: FloatArray, max_cover: float
) -> StrArray:
    """Per item: non-stock when the chosen level is 0 (the stock a level would hold is not worth
    its fill at the target's price), one lot when stocked with a lot of more than one unit
    covering more than `max_cover` periods of demand (the EOQ is capped there, so only an MOQ
    or a pack makes such a lot), else stock."""
    large = too_large(lot, cover, max_cover)
    kinds: StrArray = np.where(protection_steps <= 0, NON_STOCK, np.where(large, ONE_LOT, STOCK))
    return kinds


def too_large(lot: FloatArray, cover: FloatArray, max_cover: float) -> np.ndarray:
    """Lots a smaller pack or MOQ would shrink: over one unit and over `max_cover` periods."""
    large: np.ndarray = (cover > max_cover) & (lot > 1)
    return large


def stocking_reason(kind: str, lot: float, cover: float, max_cover: float) -> tuple[str, str]:
    """Why an item is non-stock or stocked at one lot, in English and Chinese ("" for stock)."""
    lot_text = f"{lot:g}"
    if kind == STOCK:
        return "", ""
    if too_large(np.array([lot]), np.array([cover]), max_cover)[0]:
        cover_text = "no demand" if not np.isfinite(cover) else f"{cover:.1f} periods of demand"
        cover_zh = "无需求" if not np.isfinite(cover) else f"{cover:.1f} 期需求"
        what = (
            "planned as non-stock (ordered against demand)"
            if kind == NON_STOCK
            else "stocked at one lot"
        )
        what_zh = "按需订货（不备库存）" if kind == NON_STOCK else "只备一个订货批量"
        return (
            f"the smallest orderable lot of {lot_text} units covers {cover_text} (limit "
            f"{max_cover:g}); {what}; ask the supplier for a smaller pack or MOQ",
            f"最小订货批量 {lot_text} 件可覆盖 {cover_zh}（上限 {max_cover:g} 期）；"
            f"{what_zh}；请向供应商争取更小的包装或最小起订量",
        )
    return (
        f"too little demand to stock economically at this target: a lot of {lot_text} units "
        "would hold stock worth more than the fill it buys; planned as non-stock (ordered "
        "against demand)",
        f"需求过少，按当前目标备库存不经济：一个 {lot_text} 件的订货批量所占库存价值高于其带来的"
        "满足率；按需订货（不备库存）",
    )
