"""Reservation context: stock promised to orders, and what became of the promises."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from inventory_contracts.events.base import (
    ContractModel,
    Event,
    Identifier,
    LocationCode,
    NonNegativeQuantity,
    OrderEvent,
    PositiveQuantity,
    Quantity,
    Sku,
    StockPointEvent,
)
from inventory_contracts.events.orders import OrderLine, OrderLines
from inventory_contracts.topics import Topics

RejectionReason = Literal[
    "insufficient_stock",
    "unknown_sku",
    "unknown_location",
    "inactive_sku",
    "invalid_order",
    "duplicate_line",
]
ReleaseReason = Literal["cancelled", "partial_cancel"]


class ReservedLine(ContractModel):
    """What was asked for and what was reserved of one SKU at one location."""

    sku: Sku
    location: LocationCode
    requested: PositiveQuantity
    reserved: NonNegativeQuantity

    @model_validator(mode="after")
    def _reserved_at_most_requested(self) -> Self:
        if self.reserved > self.requested:
            raise ValueError("reserved must not exceed requested")
        return self


class StockReserved(OrderEvent):
    """Stock was reserved for an order (all of it, or part of it when the order allows).

    Published by reservation in answer to OrderPlaced.
    """

    event_type = "inventory.stock.reserved.v1"
    topic = Topics.RESERVATIONS

    reservation_id: Identifier
    lines: tuple[ReservedLine, ...] = Field(min_length=1)
    expires_at: AwareDatetime | None = None
    partial: bool = Field(False, description="True when some line got less than requested.")
    backordered_lines: tuple[OrderLine, ...] = Field(
        (), description="Quantities not reserved, waiting for stock."
    )


class ShortLine(ContractModel):
    """A line that could not be reserved, with what was available."""

    sku: Sku
    location: LocationCode
    requested: PositiveQuantity
    available: Quantity


class ReservationRejected(OrderEvent):
    """No stock was reserved for an order; nothing is held for it.

    Published by reservation in answer to OrderPlaced.
    """

    event_type = "inventory.reservation.rejected.v1"
    topic = Topics.RESERVATIONS

    reason: RejectionReason
    message: str = Field(description="Human explanation, for the CRM user.")
    short_lines: tuple[ShortLine, ...] = ()


class ReservationReleased(OrderEvent):
    """Reserved stock was given back because the order was cancelled (whole or in part).

    Published by reservation.
    """

    event_type = "inventory.reservation.released.v1"
    topic = Topics.RESERVATIONS

    reservation_id: Identifier
    lines: OrderLines
    reason: ReleaseReason


class ReservationExpired(OrderEvent):
    """A reservation reached its expiry before the order shipped; its stock was given back.

    Published by reservation.
    """

    event_type = "inventory.reservation.expired.v1"
    topic = Topics.RESERVATIONS

    reservation_id: Identifier
    lines: OrderLines
    expired_at: AwareDatetime


class ReservationFulfilled(OrderEvent):
    """Reserved stock shipped; the reservation is consumed.

    Published by reservation after OrderShipped.
    """

    event_type = "inventory.reservation.fulfilled.v1"
    topic = Topics.RESERVATIONS

    reservation_id: Identifier
    lines: OrderLines
    shipment_id: Identifier | None = None


class FilledLine(ContractModel):
    """Stock reserved now for a line that was waiting, and what the line still waits for."""

    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity = Field(description="Reserved for the line by this fill.")
    still_backordered: NonNegativeQuantity = Field(
        description="What the line still waits for after this fill (0: nothing)."
    )


class BackorderFilled(OrderEvent):
    """Stock that became free was reserved for an order's backordered lines.

    Published by reservation when a receipt, a release or an expiry frees stock at a point where
    orders wait: the waiting lines take it, higher priority first, then in arrival order. One
    event per order and fill; the order keeps its reservation id.
    """

    event_type = "inventory.backorder.filled.v1"
    topic = Topics.RESERVATIONS

    reservation_id: Identifier
    lines: tuple[FilledLine, ...] = Field(min_length=1)


class StockOvercommitted(StockPointEvent):
    """On hand fell below what is reserved (e.g. a count found less); some promises can't be kept.

    Published by reservation after a stock movement.
    """

    event_type = "inventory.stock.overcommitted.v1"
    topic = Topics.RESERVATIONS

    on_hand: Quantity
    reserved: NonNegativeQuantity
    shortfall: PositiveQuantity = Field(description="reserved - on_hand.")


QuoteReleaseReason = Literal["expired", "cancelled"]


class HeldLine(ContractModel):
    """What a quote asks for of one SKU at one location, and how much of it is held."""

    sku: Sku
    location: LocationCode
    quantity: PositiveQuantity
    held: NonNegativeQuantity


class QuoteEvent(Event):
    """An event about one quote (a CRM's offer), keyed by its id."""

    topic = Topics.RESERVATIONS

    quote_id: Identifier

    def key(self) -> str:
        """The `quote_id`."""
        return self.quote_id


class QuoteHeld(QuoteEvent):
    """Stock was soft-reserved for a quote until `expires_at`: it is kept from other orders
    and promises until the quote converts to an order, is cancelled, or expires.

    Published by reservation.
    """

    event_type = "inventory.quote.held.v1"

    lines: tuple[HeldLine, ...] = Field(min_length=1)
    expires_at: AwareDatetime


class QuoteConverted(QuoteEvent):
    """A quote became an order: the order took over what the quote held, in the same step.

    Published by reservation with the order's StockReserved.
    """

    event_type = "inventory.quote.converted.v1"

    order_id: Identifier


class QuoteReleased(QuoteEvent):
    """A quote's hold ended without an order (it expired or was cancelled); its stock is free.

    Published by reservation.
    """

    event_type = "inventory.quote.released.v1"

    reason: QuoteReleaseReason
    lines: tuple[HeldLine, ...] = Field(min_length=1)
