"""Reservation domain: stock points, reservations and the rules that never oversell.

Pure: no database, no Kafka. The functions take the state the handler loaded (under row locks),
change it in memory and return the events to publish; the handler writes both in one
transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from inventory_contracts import (
    AvailabilityChanged,
    Event,
    MovementReference,
    OrderCancelled,
    OrderLine,
    OrderPlaced,
    ReservationFulfilled,
    ReservationRejected,
    ReservationReleased,
    ReservedLine,
    ShortLine,
    StockMoved,
    StockOvercommitted,
    StockReserved,
)
from inventory_contracts.events.availability import AvailabilityCause
from inventory_contracts.events.reservations import RejectionReason

from reservation import rejections
from reservation.rejections import MasterData

ZERO = Decimal(0)
PointKey = tuple[str, str]
"""(sku, location) of a stock point."""
Status = Literal["reserved", "rejected", "released", "fulfilled"]


class InsufficientStock(Exception):
    """A reservation asked for more than is available to promise (a bug if it ever escapes)."""


@dataclass
class StockPoint:
    """What reservation knows of one SKU at one location."""

    sku: str
    location: str
    on_hand: Decimal = ZERO
    reserved: Decimal = ZERO

    @property
    def key(self) -> PointKey:
        return (self.sku, self.location)

    @property
    def available_to_promise(self) -> Decimal:
        return self.on_hand - self.reserved

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

    def availability(
        self, now: datetime, cause: AvailabilityCause, movement: StockMoved | None = None
    ) -> AvailabilityChanged:
        reference = None
        if movement is not None:
            reference = MovementReference(
                movement_id=movement.movement_id,
                movement_type=movement.movement_type,
                quantity_delta=movement.quantity_delta,
                order_id=movement.order_id,
                purchase_order_id=movement.purchase_order_id,
            )
        return AvailabilityChanged(
            sku=self.sku,
            location=self.location,
            on_hand=self.on_hand,
            reserved=self.reserved,
            available_to_promise=self.available_to_promise,
            as_of=now,
            cause=cause,
            movement=reference,
        )


@dataclass
class ReservationLine:
    """One line of an order: asked for, reserved, and what became of the reserved quantity."""

    line_no: int
    sku: str
    location: str
    requested: Decimal
    reserved: Decimal = ZERO
    released: Decimal = ZERO
    fulfilled: Decimal = ZERO

    @property
    def key(self) -> PointKey:
        return (self.sku, self.location)

    @property
    def outstanding(self) -> Decimal:
        """Still held for the order."""
        return self.reserved - self.released - self.fulfilled


@dataclass
class Reservation:
    """The one outcome of an order, and the stock still held for it."""

    order_id: str
    status: Status
    lines: list[ReservationLine]
    reason: RejectionReason | None = None
    message: str | None = None
    short_lines: tuple[ShortLine, ...] = ()
    priority: int = 0
    customer_id: str | None = None
    expires_at: datetime | None = None
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @property
    def reservation_id(self) -> str:
        return reservation_id_of(self.order_id)

    @property
    def outstanding(self) -> Decimal:
        return sum((line.outstanding for line in self.lines), ZERO)

    def line_for(self, key: PointKey) -> ReservationLine | None:
        return next((line for line in self.lines if line.key == key), None)

    def settle(self) -> None:
        """Close the reservation once nothing is held any more."""
        if self.status == "reserved" and self.outstanding == ZERO:
            shipped = any(line.fulfilled > ZERO for line in self.lines)
            self.status = "fulfilled" if shipped else "released"


def reservation_id_of(order_id: str) -> str:
    """One reservation per order, so its id follows from the order id."""
    return f"RSV-{order_id}"


def _lines_of(order: OrderPlaced) -> list[ReservationLine]:
    return [
        ReservationLine(line_no=n, sku=line.sku, location=line.location, requested=line.quantity)
        for n, line in enumerate(order.lines, start=1)
    ]


def _reject(
    reservation: Reservation, reason: RejectionReason, message: str, short: Sequence[ShortLine]
) -> Reservation:
    reservation.status = "rejected"
    reservation.reason = reason
    reservation.message = message
    reservation.short_lines = tuple(short)
    reservation.events.append(
        ReservationRejected(
            order_id=reservation.order_id, reason=reason, message=message, short_lines=tuple(short)
        )
    )
    return reservation


def place_order(
    order: OrderPlaced,
    master: MasterData,
    points: Mapping[PointKey, StockPoint],
    now: datetime,
    *,
    cancelled_before: bool = False,
) -> Reservation:
    """Decide the one outcome of `order`: every line reserved, or none.

    `points` are the order's stock points as locked by the caller (a missing one has nothing
    on hand). Reserving changes them in place; the returned reservation carries the events.
    """
    reservation = Reservation(
        order_id=order.order_id,
        status="reserved",
        lines=_lines_of(order),
        priority=order.priority,
        customer_id=order.customer_id,
    )
    if cancelled_before:
        message = (
            f"Order {order.order_id} was cancelled before it arrived; nothing was reserved. "
            f"订单 {order.order_id} 在到达前已被取消，未预占库存。"
        )
        return _reject(reservation, "invalid_order", message, ())
    problem = rejections.validation_problem(reservation.lines, master)
    if problem is not None:
        reason, message, offending = problem
        return _reject(
            reservation,
            reason,
            message,
            [rejections.short_line(line, points) for line in offending],
        )
    short = [
        rejections.short_line(line, points)
        for line in reservation.lines
        if line.key not in points or points[line.key].available_to_promise < line.requested
    ]
    if short:
        return _reject(reservation, "insufficient_stock", rejections.shortage_message(short), short)
    for line in reservation.lines:
        points[line.key].reserve(line.requested)
        line.reserved = line.requested
    reservation.events.append(
        StockReserved(
            order_id=order.order_id,
            reservation_id=reservation.reservation_id,
            lines=tuple(
                ReservedLine(
                    sku=line.sku,
                    location=line.location,
                    requested=line.requested,
                    reserved=line.reserved,
                )
                for line in reservation.lines
            ),
        )
    )
    reservation.events.extend(
        points[line.key].availability(now, "reservation") for line in reservation.lines
    )
    return reservation


def points_to_release(reservation: Reservation, cancel: OrderCancelled) -> list[PointKey]:
    """The stock points a cancellation may touch (to lock them, sorted, before `cancel_order`)."""
    if reservation.status != "reserved":
        return []
    wanted = None if cancel.lines is None else {(c.sku, c.location) for c in cancel.lines}
    return sorted(
        line.key
        for line in reservation.lines
        if line.outstanding > ZERO and (wanted is None or line.key in wanted)
    )


def cancel_order(
    reservation: Reservation,
    cancel: OrderCancelled,
    points: Mapping[PointKey, StockPoint],
    now: datetime,
) -> list[Event]:
    """Give back what `cancel` cancels (all, or the quantities of its lines); return the events.

    Only a reservation still holding stock releases anything: a rejected, released or
    fulfilled order makes the cancellation a no-op.
    """
    if reservation.status != "reserved":
        return []
    cancelled: dict[PointKey, Decimal] | None = None
    if cancel.lines is not None:
        cancelled = defaultdict(Decimal)
        for c in cancel.lines:
            cancelled[(c.sku, c.location)] += c.quantity
    released_lines: list[OrderLine] = []
    events: list[Event] = []
    for line in reservation.lines:
        wanted = line.outstanding if cancelled is None else cancelled.get(line.key, ZERO)
        quantity = min(wanted, line.outstanding)
        if quantity <= ZERO:
            continue
        line.released += quantity
        point = points[line.key]
        point.release(quantity)
        released_lines.append(OrderLine(sku=line.sku, location=line.location, quantity=quantity))
        events.append(point.availability(now, "release"))
    if not released_lines:
        return []
    reservation.settle()
    whole = cancel.lines is None or reservation.outstanding == ZERO
    released = ReservationReleased(
        order_id=reservation.order_id,
        reservation_id=reservation.reservation_id,
        lines=tuple(released_lines),
        reason="cancelled" if whole else "partial_cancel",
    )
    return [released, *events]


def apply_movement(
    point: StockPoint, movement: StockMoved, reservation: Reservation | None, now: datetime
) -> list[Event]:
    """Apply a posted ledger entry to on-hand, fulfilling the order's line when it is an issue.

    The reservation's line for this stock point is consumed whole when its order ships: what
    shipped short of it is not held any longer (the order is done at this point).
    """
    point.on_hand += movement.quantity_delta
    events: list[Event] = []
    cause: AvailabilityCause = "stock_movement"
    line = _line_to_fulfil(point, movement, reservation)
    if reservation is not None and line is not None:
        quantity = line.outstanding
        line.fulfilled += quantity
        point.release(quantity)
        reservation.settle()
        cause = "fulfilment"
        events.append(
            ReservationFulfilled(
                order_id=reservation.order_id,
                reservation_id=reservation.reservation_id,
                lines=(OrderLine(sku=line.sku, location=line.location, quantity=quantity),),
                shipment_id=movement.document_id,
            )
        )
    events.append(point.availability(now, cause, movement))
    if point.shortfall > ZERO:
        events.append(
            StockOvercommitted(
                sku=point.sku,
                location=point.location,
                on_hand=point.on_hand,
                reserved=point.reserved,
                shortfall=point.shortfall,
            )
        )
    return events


def _line_to_fulfil(
    point: StockPoint, movement: StockMoved, reservation: Reservation | None
) -> ReservationLine | None:
    if movement.movement_type != "issue" or reservation is None:
        return None
    if reservation.status != "reserved":
        return None
    line = reservation.line_for(point.key)
    return line if line is not None and line.outstanding > ZERO else None
