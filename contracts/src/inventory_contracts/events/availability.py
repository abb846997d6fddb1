"""Availability context: available-to-promise per SKU x location."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from inventory_contracts.events.base import (
    ContractModel,
    Identifier,
    NonNegativeQuantity,
    Quantity,
    StockPointEvent,
)
from inventory_contracts.events.stock import MovementType
from inventory_contracts.topics import Topics

AvailabilityCause = Literal[
    "reservation", "release", "expiry", "fulfilment", "stock_movement", "backorder_fill"
]


class MovementReference(ContractModel):
    """The stock movement that changed on-hand, so consumers can reconcile with it.

    Replenishment closes purchase orders from this reference: on-hand and on-order then change
    in one step, and the inventory position never dips between a receipt and its availability.
    """

    movement_id: Identifier
    movement_type: MovementType
    quantity_delta: Quantity
    order_id: Identifier | None = None
    purchase_order_id: Identifier | None = None


class AvailabilityChanged(StockPointEvent):
    """Available-to-promise of one SKU at one location changed.

    Published by reservation after a reservation, release or stock movement. `on_hand` and
    `reserved` are one consistent snapshot, in the order reservation applied the changes.
    """

    event_type = "inventory.availability.changed.v1"
    topic = Topics.AVAILABILITY

    on_hand: Quantity
    reserved: NonNegativeQuantity
    available_to_promise: Quantity
    as_of: AwareDatetime
    cause: AvailabilityCause = "stock_movement"
    movement: MovementReference | None = Field(
        None, description="The stock movement behind this change, when one is."
    )
