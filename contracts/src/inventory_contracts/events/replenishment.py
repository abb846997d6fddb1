"""Replenishment context: reorder signals and purchase requisitions."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from inventory_contracts.events.base import (
    DEFAULT_CURRENCY,
    Currency,
    Event,
    Identifier,
    LocationCode,
    Money,
    NonNegativeQuantity,
    PositiveQuantity,
    Quantity,
    Sku,
    StockPointEvent,
)
from inventory_contracts.topics import Topics


class StockBelowThreshold(StockPointEvent):
    """Inventory position of one SKU at one location fell to or below its reorder point.

    Published by replenishment.
    """

    event_type = "inventory.stock.below-threshold.v1"
    topic = Topics.REPLENISHMENT

    inventory_position: Quantity = Field(description="on_hand - reserved + on_order.")
    on_hand: Quantity
    reserved: NonNegativeQuantity
    on_order: NonNegativeQuantity
    reorder_point: NonNegativeQuantity
    safety_stock: NonNegativeQuantity | None = None


class ReplenishmentProposed(Event):
    """A purchase requisition was raised to restock one SKU at one location.

    Published by replenishment; approval follows with ApprovalRequested.
    """

    event_type = "inventory.replenishment.proposed.v1"
    topic = Topics.REPLENISHMENT

    requisition_id: Identifier
    sku: Sku
    location: LocationCode
    supplier_id: Identifier
    quantity: PositiveQuantity
    unit_cost: Money
    amount: Money
    currency: Currency = DEFAULT_CURRENCY
    reason: str = Field(description="Why, for the approver (e.g. the policy and figures).")
    need_by: date | None = None

    def key(self) -> str:
        """The `requisition_id`."""
        return self.requisition_id
