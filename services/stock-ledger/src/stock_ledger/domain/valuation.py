"""Cost layers: lots, FIFO/FEFO consumption and the receipt dates aging counts from.

Every inbound movement opens a layer (SKU x location x lot, receipt date, unit cost, remaining
quantity); every outbound one consumes layers, FEFO (earliest expiry first) for expiry-managed
items, FIFO (earliest receipt date first) otherwise, or only the named lot. For FIFO-valued
items the consumed layers' costs are the cost of the issue; for moving-average items layers
carry quantities, lots and receipt dates only, and the issue goes out at the average cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from stock_ledger.domain.model import ZERO


@dataclass
class CostLayer:
    """What is left of one inbound movement at one stock point."""

    layer_id: int | None
    sku: str
    location: str
    lot: str | None
    expiry_date: date | None
    receipt_date: date
    quantity: Decimal
    remaining: Decimal
    unit_cost: Decimal
    movement_id: str
    seq: int = 0
    """Tie-break of layers received the same day (posting order); new layers come last."""

    @property
    def value(self) -> Decimal:
        return self.remaining * self.unit_cost


@dataclass(frozen=True)
class Consumption:
    """Quantity taken from one layer by one outbound movement."""

    layer: CostLayer
    quantity: Decimal

    @property
    def cost(self) -> Decimal:
        return self.quantity * self.layer.unit_cost


def issue_order(layer: CostLayer, fefo: bool) -> tuple[object, ...]:
    """FEFO: earliest expiry (none last), then FIFO; FIFO: receipt date, then posting order."""
    fifo = (layer.receipt_date, layer.seq, layer.layer_id or 0)
    if fefo:
        return (layer.expiry_date is None, layer.expiry_date or date.max, *fifo)
    return fifo


def available(layers: Iterable[CostLayer], lot: str | None) -> Decimal:
    return sum((layer.remaining for layer in layers if lot is None or layer.lot == lot), ZERO)


def consume(
    layers: Sequence[CostLayer], quantity: Decimal, *, fefo: bool, lot: str | None = None
) -> tuple[list[Consumption], Decimal]:
    """Take `quantity` from `layers` (changed in place) in issue order.

    Returns the consumptions and what could not be taken (the shortfall, 0 when enough).
    """
    taken: list[Consumption] = []
    left = quantity
    for layer in sorted(layers, key=lambda layer: issue_order(layer, fefo)):
        if left <= 0:
            break
        if layer.remaining <= 0 or (lot is not None and layer.lot != lot):
            continue
        portion = min(layer.remaining, left)
        layer.remaining -= portion
        left -= portion
        taken.append(Consumption(layer, portion))
    return taken, left


def moving_average_receipt(
    on_hand: Decimal, value: Decimal, quantity: Decimal, unit_cost: Decimal
) -> tuple[Decimal, Decimal]:
    """(on hand, value) after receiving `quantity` at `unit_cost`.

    Stock that was negative is valued afresh at this receipt's cost: what was missing has now
    arrived, so the stock left is this receipt's.
    """
    after = on_hand + quantity
    if on_hand < 0 or after <= 0:
        return after, after * unit_cost
    return after, value + quantity * unit_cost
