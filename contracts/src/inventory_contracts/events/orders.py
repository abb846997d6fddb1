"""Orders context: customer orders placed, cancelled and shipped in the CRM/ERP."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field

from inventory_contracts.events.base import (
    ContractModel,
    Identifier,
    Int32,
    LocationCode,
    OrderEvent,
    PositiveInt32,
    PositiveQuantity,
    Sku,
)
from inventory_contracts.topics import Topics


class OrderLine(ContractModel):
    """A quantity of one SKU at one location."""

    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity


OrderLines = Annotated[tuple[OrderLine, ...], Field(min_length=1)]


class OrderPlaced(OrderEvent):
    """A customer placed an order; stock should be reserved for it.

    Published by integration-gateway (from CRM/ERP, or by hand with kcat). The reservation
    service answers with exactly one StockReserved or ReservationRejected for the same order_id.
    """

    event_type = "inventory.order.placed.v1"
    topic = Topics.ORDERS

    lines: OrderLines
    customer_id: Identifier | None = None
    priority: Int32 = Field(0, description="Higher is more urgent.")
    reservation_ttl_seconds: PositiveInt32 | None = Field(
        None, description="How long the reservation holds; the service default when absent."
    )
    allow_partial: bool = Field(
        False, description="Reserve what is available and backorder the rest, not reject."
    )
    quote_id: Identifier | None = Field(
        None, description="The quote this order converts: it takes over what the quote holds."
    )


class OrderCancelled(OrderEvent):
    """A customer order was cancelled, whole or some of its lines.

    Published by integration-gateway. Reserved stock for it is released.
    """

    event_type = "inventory.order.cancelled.v1"
    topic = Topics.ORDERS

    lines: OrderLines | None = Field(
        None, description="Quantities cancelled; absent means the whole order."
    )
    reason: str | None = None


class OrderShipped(OrderEvent):
    """Goods of a customer order left the warehouse.

    Published by integration-gateway. The stock ledger issues the stock; the reservation is
    fulfilled.
    """

    event_type = "inventory.order.shipped.v1"
    topic = Topics.ORDERS

    lines: OrderLines
    shipment_id: Identifier | None = None
    shipped_at: AwareDatetime | None = None
