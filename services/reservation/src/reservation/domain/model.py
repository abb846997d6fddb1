"""Stock points, reservations and their lines: the state the rules work on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from inventory_contracts import AvailabilityChanged, Event, MovementReference, ShortLine, StockMoved
from inventory_contracts.events.availability import AvailabilityCause
from inventory_contracts.events.reservations import RejectionReason

ZERO = Decimal(0)
PointKey = tuple[str, str]
"""(sku, location) of a stock point."""
Status = Literal["reserved", "rejected", "released", "fulfilled", "expired"]


class InsufficientStock(Exception):
    """A reservation asked for more than is available to promise (a bug if it ever escapes)."""


@dataclass(frozen=True)
class MasterData:
    """Items and locations known to the service: code -> active."""

    items: Mapping[str, bool]
    locations: Mapping[str, bool]


@dataclass
class StockPoint:
    """What reservation knows of one SKU at one location; it records the availability (and
    over-commitment) its changes cause in `events`."""

    sku: str
    location: str
    on_hand: Decimal = ZERO
    reserved: Decimal = ZERO
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @property
    def key(self) -> PointKey:
        return (self.sku, self.location)

    @property
    def available_to_promise(self) -> Decimal:
        return self.on_hand - self.reserved

    @property
    def free(self) -> Decimal:
        """What a new promise may take: available to promise, never below zero."""
        return max(self.available_to_promise, ZERO)

    @property
    def shortfall(self) -> Decimal:
        """How much more is reserved than is on hand (0 when every promise can be kept)."""
        return max(self.reserved - self.on_hand, ZERO)

    def reserve(self, quantity: Decimal) -> None:
        if quantity > self.available_to_promise:
            raise InsufficientStock(f"{self.sku}@{self.location}: {quantity} > ATP")
        self.reserved += quantity

    def release(self, quantity: Decimal) -> Decimal:
        """Give back up to `quantity` (never below zero reserved); return what was given back."""
        released = min(quantity, self.reserved)
        self.reserved -= released
        return released

    def record_availability(
        self, now: datetime, cause: AvailabilityCause, movement: StockMoved | None = None
    ) -> None:
        """Record the point's availability as it is now (`cause`: what changed it)."""
        reference = None
        if movement is not None:
            reference = MovementReference(
                movement_id=movement.movement_id,
                movement_type=movement.movement_type,
                quantity_delta=movement.quantity_delta,
                order_id=movement.order_id,
                purchase_order_id=movement.purchase_order_id,
            )
        self.events.append(
            AvailabilityChanged(
                sku=self.sku,
                location=self.location,
                on_hand=self.on_hand,
                reserved=self.reserved,
                available_to_promise=self.available_to_promise,
                as_of=now,
                cause=cause,
                movement=reference,
            )
        )


@dataclass
class ReservationLine:
    """One line of an order: asked for, reserved, waiting, and what became of the reserved.

    requested = reserved + backordered + what was cancelled or expired while still waiting.
    """

    line_no: int
    sku: str
    location: str
    requested: Decimal
    reserved: Decimal = ZERO
    released: Decimal = ZERO
    fulfilled: Decimal = ZERO
    backordered: Decimal = ZERO

    @property
    def key(self) -> PointKey:
        return (self.sku, self.location)

    @property
    def outstanding(self) -> Decimal:
        """Still held for the order."""
        return self.reserved - self.released - self.fulfilled


@dataclass
class Reservation:
    """The one outcome of an order, the stock still held for it and what it still waits for;
    it records the events of the order's outcome and of what later becomes of it in `events`."""

    order_id: str
    status: Status
    lines: list[ReservationLine]
    reason: RejectionReason | None = None
    message: str | None = None
    short_lines: tuple[ShortLine, ...] = ()
    priority: int = 0
    customer_id: str | None = None
    expires_at: datetime | None = None
    allow_partial: bool = False
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @property
    def reservation_id(self) -> str:
        return reservation_id_of(self.order_id)

    @property
    def outstanding(self) -> Decimal:
        return sum((line.outstanding for line in self.lines), ZERO)

    @property
    def backordered(self) -> Decimal:
        return sum((line.backordered for line in self.lines), ZERO)

    def line_for(self, key: PointKey) -> ReservationLine | None:
        return next((line for line in self.lines if line.key == key), None)

    def settle(self) -> None:
        """Close the reservation once nothing is held and nothing is waited for any more."""
        if self.status == "reserved" and self.outstanding == ZERO and self.backordered == ZERO:
            shipped = any(line.fulfilled > ZERO for line in self.lines)
            self.status = "fulfilled" if shipped else "released"


@dataclass(frozen=True)
class Backorder:
    """A line still waiting for stock at one stock point, in the queue's order."""

    order_id: str
    line_no: int
    quantity: Decimal
    priority: int
    sequence: int
    """Arrival order of the order (smaller came first)."""


@dataclass(frozen=True)
class Fill:
    """Stock that arrived and was reserved for a waiting line."""

    order_id: str
    line_no: int
    sku: str
    location: str
    quantity: Decimal
    still_backordered: Decimal
    """What the line waits for after this fill."""


def reservation_id_of(order_id: str) -> str:
    """One reservation per order, so its id follows from the order id."""
    return f"RSV-{order_id}"
