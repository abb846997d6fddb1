"""Deciding an order's one outcome: all-or-nothing, or partial with the rest backordered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

from reservation import rejections
from reservation.domain.model import ZERO, PointKey, Reservation, ReservationLine, StockPoint
from reservation.rejections import MasterData


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
    default_ttl_seconds: int | None = None,
) -> Reservation:
    """Decide the one outcome of `order` and return it with its outcome event.

    All-or-nothing by default: every line reserved, or none. With `allow_partial` every line
    gets what is available and the rest waits as a backorder (the outcome is StockReserved with
    `partial` and `backordered_lines`). `points` are the order's stock points as locked by the
    caller (a missing one has nothing on hand); reserving changes them in place. The caller
    publishes the availability of the points it touched once they are final.
    """
    ttl = order.reservation_ttl_seconds or default_ttl_seconds
    reservation = Reservation(
        order_id=order.order_id,
        status="reserved",
        lines=_lines_of(order),
        priority=order.priority,
        customer_id=order.customer_id,
        allow_partial=order.allow_partial,
        expires_at=now + timedelta(seconds=ttl) if ttl else None,
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
        short = [rejections.short_line(line, points) for line in offending]
        return _reject(reservation, reason, message, short)
    if not order.allow_partial:
        short = [
            rejections.short_line(line, points)
            for line in reservation.lines
            if line.key not in points or points[line.key].available_to_promise < line.requested
        ]
        if short:
            message = rejections.shortage_message(short)
            return _reject(reservation, "insufficient_stock", message, short)
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
            expires_at=reservation.expires_at,
            partial=bool(backordered),
            backordered_lines=backordered,
        )
    )
    return reservation


def place_orders(
    orders: Sequence[OrderPlaced],
    master: MasterData,
    points: Mapping[PointKey, StockPoint],
    now: datetime,
    *,
    cancelled_before: frozenset[str] | set[str] = frozenset(),
    default_ttl_seconds: int | None = None,
) -> list[Reservation]:
    """Decide a batch of orders on one locked snapshot: higher priority first, then arrival.

    Each order is still all-or-nothing (or partial when it allows): the batch only shares the
    lock and the writes. Orders are decided in (priority descending, arrival) order, so a
    rush order in the same batch is served before a routine one.
    """
    ranked = sorted(enumerate(orders), key=lambda pair: (-pair[1].priority, pair[0]))
    return [
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
