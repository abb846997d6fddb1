"""Replenishment policy from a protection level: reorder point, lot, MOQ and pack.

The service level gives the protection level P: the inventory position to reach at a review,
enough for demand over lead time + review period. The policy is (R, s, nQ) with
``reorder point s = P - 1`` (order when the position falls below P; units are whole) and the
lot ``Q = max(MOQ, EOQ rounded up to whole packs)`` (`lots.lot_sizes`): at a review below P,
order the fewest whole lots that lift the position to P or above; ``order-up-to = s + Q`` is
the highest position right after an order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from replenishment.planning.classes import FloatArray


@dataclass(frozen=True)
class PolicyLevels:
    reorder_point: FloatArray
    order_quantity: FloatArray
    order_up_to: FloatArray
    safety_stock: FloatArray


def economic_order_quantity(
    annual_demand: FloatArray, order_cost: FloatArray, unit_cost: FloatArray, holding_rate: float
) -> FloatArray:
    """sqrt(2 D K / (h c)); 0 where there is no demand, no order cost or no holding cost."""
    holding = holding_rate * unit_cost
    with np.errstate(divide="ignore", invalid="ignore"):
        eoq = np.sqrt(2 * annual_demand * order_cost / holding)
    return np.where((holding > 0) & (annual_demand > 0), np.nan_to_num(eoq), 0.0)


def round_to_pack(quantity: FloatArray, moq: FloatArray, pack_size: FloatArray) -> FloatArray:
    """Round up to whole packs, then up to the MOQ (itself in whole packs)."""
    pack = np.maximum(pack_size, 1.0)
    packs = np.ceil(np.maximum(quantity, 0) / pack - 1e-9) * pack
    minimum = np.ceil(np.maximum(moq, 0) / pack - 1e-9) * pack
    rounded: FloatArray = np.maximum(packs, minimum)
    return rounded


def policy_levels(
    protection_level: FloatArray, mean_demand_over_protection: FloatArray, lot: FloatArray
) -> PolicyLevels:
    """Reorder point P - 1 (at least 0: a stored threshold cannot be negative, so the non-stock
    level P = 0 is kept as 0) and the lot as the order quantity."""
    order_quantity = lot
    reorder_point = np.maximum(protection_level - 1, 0.0)
    return PolicyLevels(
        reorder_point=reorder_point,
        order_quantity=order_quantity,
        order_up_to=reorder_point + order_quantity,
        safety_stock=protection_level - mean_demand_over_protection,
    )


def order_quantities(
    position: FloatArray,
    protection_level: FloatArray,
    lot: FloatArray,
    moq: FloatArray,
    pack_size: FloatArray,
) -> FloatArray:
    """What to order at a review (R, s, nQ): when the position is below the protection level,
    the fewest whole lots that lift it to the level or above, in whole packs, at least the MOQ.
    With a lot of one unit this is "order up to the protection level"."""
    due = position < protection_level
    lots = np.ceil((protection_level - position) / np.maximum(lot, 1e-9) - 1e-9)
    return np.where(due, round_to_pack(lots * lot, moq, pack_size), 0.0)
