"""Deciding an order's one outcome: all-or-nothing, or partial with the rest backordered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from inventory_contracts import (
    OrderLine,
    OrderPlaced,
    ReservationRejected,
    ReservedLine,
    ShortLine,
    StockReserved,
)
from inventory_contracts.events.reservations import RejectionReason

from reservation.domain import rejections
from reservation.domain.model import (
    ZERO,
    MasterData,
    PointKey,
    Reservation,
    ReservationLine,
    StockPoint,
)


@dataclass(frozen=True)
class Placement:
    """A batch of orders decided on one locked snapshot of their stock points."""

    reservations: list[Reservation]
    """One per order, in decision order; each has recorded its outcome event."""
    changed: list[StockPoint]
    """The points whose reserved quantity changed, in (sku, location) order; each has recorded
    its availability once, as the batch left it."""


def _new_reservation(order: OrderPlaced, now: datetime, ttl: int | None) -> Reservation:
    return Reservation(
        order_id=order.order_id,
        status="reserved",
        lines=[
            ReservationLine(
                line_no=n, sku=line.sku, location=line.location, requested=line.quantity
            )
            for n, line in enumerate(order.lines, start=1)
        ],
        priority=order.priority,
        customer_id=order.customer_id,
        allow_partial=order.allow_partial,
        expires_at=now + timedelta(seconds=ttl) if ttl else None,
    )


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


def _refusal(
    reservation: Reservation,
    master: MasterData,
    points: Mapping[PointKey, StockPoint],
    cancelled_before: bool,
) -> tuple[RejectionReason, str, list[ShortLine]] | None:
    """Why the order gets nothing at all, if it does: cancelled first, invalid, or (when it
    is all-or-nothing) short of stock on some line."""
    if cancelled_before:
        order_id = reservation.order_id
        message = (
            f"Order {order_id} was cancelled before it arrived; nothing was reserved. "
            f"订单 {order_id} 在到达前已被取消，未预占库存。"
        )
        return "invalid_order", message, []
    problem = rejections.validation_problem(reservation.lines, master)
    if problem is not None:
        reason, message, offending = problem
        return reason, message, [rejections.short_line(line, points) for line in offending]
    if reservation.allow_partial:
        return None
    short = [
        rejections.short_line(line, points)
        for line in reservation.lines
        if line.key not in points or points[line.key].available_to_promise < line.requested
    ]
    if short:
        return "insufficient_stock", rejections.shortage_message(short), short
    return None


def _reserve(reservation: Reservation, points: Mapping[PointKey, StockPoint]) -> None:
    """Reserve what each line can get, backorder the rest, and record StockReserved."""
    for line in reservation.lines:
        point = points.get(line.key)
        line.reserved = min(line.requested, point.free) if point is not None else ZERO
        line.backordered = line.requested - line.reserved
        if point is not None and line.reserved > ZERO:
            point.reserve(line.reserved)
    backordered = tuple(
        OrderLine(sku=line.sku, location=line.location, quantity=line.backordered)
        for line in reservation.lines
        if line.backordered > ZERO
    )
    reservation.events.append(
        StockReserved(
            order_id=reservation.order_id,
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
            expires_at=reservation.expires_at,
            partial=bool(backordered),
            backordered_lines=backordered,
        )
    )


def place_order(
    order: OrderPlaced,
    master: MasterData,
    points: Mapping[PointKey, StockPoint],
    now: datetime,
    *,
    cancelled_before: bool = False,
    default_ttl_seconds: int | None = None,
) -> Reservation:
    """Decide the one outcome of `order`; the reservation records its outcome event.

    All-or-nothing by default: every line reserved, or none. With `allow_partial` every line
    gets what is available and the rest waits as a backorder (the outcome is StockReserved with
    `partial` and `backordered_lines`). `points` are the order's stock points as locked by the
    caller (a missing one has nothing on hand); reserving changes them in place.
    """
    ttl = order.reservation_ttl_seconds or default_ttl_seconds
    reservation = _new_reservation(order, now, ttl)
    refusal = _refusal(reservation, master, points, cancelled_before)
    if refusal is not None:
        return _reject(reservation, *refusal)
    _reserve(reservation, points)
    return reservation


def place_orders(
    orders: Sequence[OrderPlaced],
    master: MasterData,
    points: Mapping[PointKey, StockPoint],
    now: datetime,
    *,
    cancelled_before: frozenset[str] | set[str] = frozenset(),
    default_ttl_seconds: int | None = None,
) -> Placement:
    """Decide a batch of orders on one locked snapshot: higher priority first, then arrival.

    Each order is still all-or-nothing (or partial when it allows): the batch only shares the
    lock and the writes. Orders are decided in (priority descending, arrival) order, so a
    rush order in the same batch is served before a routine one. Every point the batch changed
    records one AvailabilityChanged, its final snapshot.
    """
    before = {key: point.reserved for key, point in points.items()}
    ranked = sorted(enumerate(orders), key=lambda pair: (-pair[1].priority, pair[0]))
    decided = [
        place_order(
            order,
            master,
            points,
            now,
            cancelled_before=order.order_id in cancelled_before,
            default_ttl_seconds=default_ttl_seconds,
        )
        for _, order in ranked
    ]
    changed = [p for key, p in sorted(points.items()) if p.reserved != before[key]]
    for point in changed:
        point.record_availability(now, "reservation")
    return Placement(decided, changed)
