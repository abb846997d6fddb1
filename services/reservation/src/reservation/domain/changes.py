"""What happens to reservations after placement: cancel, expiry, shipment, stock arriving."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from inventory_contracts import (
    BackorderFilled,
    Event,
    FilledLine,
    OrderCancelled,
    OrderLine,
    ReservationExpired,
    ReservationFulfilled,
    ReservationReleased,
    StockMoved,
    StockOvercommitted,
)
from inventory_contracts.events.availability import AvailabilityCause

from reservation.domain.model import (
    ZERO,
    Backorder,
    Fill,
    PointKey,
    Reservation,
    ReservationLine,
    StockPoint,
    reservation_id_of,
)


def points_to_release(
    reservation: Reservation, cancel: OrderCancelled | None = None
) -> list[PointKey]:
    """The stock points a cancellation (or expiry: None) may touch, sorted, to lock first."""
    if reservation.status != "reserved":
        return []
    wanted = None
    if cancel is not None and cancel.lines is not None:
        wanted = {(c.sku, c.location) for c in cancel.lines}
    return sorted(
        line.key
        for line in reservation.lines
        if (line.outstanding > ZERO or line.backordered > ZERO)
        and (wanted is None or line.key in wanted)
    )


def _give_back(
    reservation: Reservation,
    points: Mapping[PointKey, StockPoint],
    wanted: Mapping[PointKey, Decimal] | None,
) -> list[OrderLine]:
    """Drop the waiting quantity first, then release held stock; return what was released."""
    released: list[OrderLine] = []
    for line in reservation.lines:
        asked = None if wanted is None else wanted.get(line.key, ZERO)
        waiting = line.backordered if asked is None else min(asked, line.backordered)
        line.backordered -= waiting
        rest = line.outstanding if asked is None else min(asked - waiting, line.outstanding)
        if rest <= ZERO:
            continue
        line.released += rest
        points[line.key].release(rest)
        released.append(OrderLine(sku=line.sku, location=line.location, quantity=rest))
    reservation.settle()
    return released


def cancel_order(
    reservation: Reservation,
    cancel: OrderCancelled,
    points: Mapping[PointKey, StockPoint],
    now: datetime,
) -> list[Event]:
    """Give back what `cancel` cancels (all, or the quantities of its lines); return the events.

    A partial cancel drops a line's backorder before it releases held stock (what was never
    promised goes first). Only an open reservation changes: a rejected, released, expired or
    fulfilled order makes the cancellation a no-op. The caller publishes availability.
    """
    if reservation.status != "reserved":
        return []
    cancelled: dict[PointKey, Decimal] | None = None
    if cancel.lines is not None:
        cancelled = defaultdict(Decimal)
        for c in cancel.lines:
            cancelled[(c.sku, c.location)] += c.quantity
    released = _give_back(reservation, points, cancelled)
    if not released:
        return []
    whole = cancel.lines is None or reservation.status != "reserved"
    return [
        ReservationReleased(
            order_id=reservation.order_id,
            reservation_id=reservation.reservation_id,
            lines=tuple(released),
            reason="cancelled" if whole else "partial_cancel",
        )
    ]


def is_expired(reservation: Reservation, now: datetime) -> bool:
    return (
        reservation.status == "reserved"
        and reservation.expires_at is not None
        and reservation.expires_at <= now
    )


def expire(
    reservation: Reservation, points: Mapping[PointKey, StockPoint], now: datetime
) -> list[Event]:
    """Release everything an expired reservation holds and drop what it waits for."""
    if not is_expired(reservation, now):
        return []
    released = _give_back(reservation, points, None)
    reservation.status = "expired"
    if not released:
        return []
    return [
        ReservationExpired(
            order_id=reservation.order_id,
            reservation_id=reservation.reservation_id,
            lines=tuple(released),
            expired_at=now,
        )
    ]


def fill_backorders(point: StockPoint, waiting: Sequence[Backorder]) -> list[Fill]:
    """Reserve what is free at `point` for waiting lines: higher priority first, then arrival.

    A line takes what it can (partial orders accept part), and the queue stops when nothing is
    free any more. Changes `point` in place.
    """
    fills: list[Fill] = []
    for backorder in sorted(waiting, key=lambda b: (-b.priority, b.sequence, b.line_no)):
        quantity = min(backorder.quantity, point.free)
        if quantity <= ZERO:
            break
        point.reserve(quantity)
        fills.append(
            Fill(
                backorder.order_id,
                backorder.line_no,
                point.sku,
                point.location,
                quantity,
                still_backordered=backorder.quantity - quantity,
            )
        )
    return fills


def backorders_filled(fills: Sequence[Fill]) -> list[BackorderFilled]:
    """One BackorderFilled per order among `fills`, its lines in the order they were filled."""
    by_order: dict[str, list[Fill]] = defaultdict(list)
    for fill in fills:
        by_order[fill.order_id].append(fill)
    return [
        BackorderFilled(
            order_id=order_id,
            reservation_id=reservation_id_of(order_id),
            lines=tuple(
                FilledLine(
                    sku=f.sku,
                    location=f.location,
                    quantity=f.quantity,
                    still_backordered=f.still_backordered,
                )
                for f in order_fills
            ),
        )
        for order_id, order_fills in by_order.items()
    ]


def apply_fill(reservation_line: ReservationLine, fill: Fill) -> None:
    """Move a filled quantity from waiting to held on the order's line."""
    reservation_line.backordered -= fill.quantity
    reservation_line.reserved += fill.quantity


def apply_movement(
    point: StockPoint, movement: StockMoved, reservation: Reservation | None, now: datetime
) -> tuple[list[Event], AvailabilityCause]:
    """Apply a posted ledger entry to on-hand, fulfilling the order's line when it is an issue.

    The reservation's line for this stock point is consumed whole when its order ships: what
    shipped short of it, and what it still waited for, is not held any longer (the order is
    done at this point). Returns the events and the cause to publish availability with.
    """
    point.on_hand += movement.quantity_delta
    events: list[Event] = []
    cause: AvailabilityCause = "stock_movement"
    line = _line_to_fulfil(point, movement, reservation)
    if reservation is not None and line is not None:
        quantity = line.outstanding
        line.fulfilled += quantity
        line.backordered = ZERO
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
    return events, cause


def overcommitment(point: StockPoint) -> StockOvercommitted | None:
    """The alert to raise when on hand has fallen below what is promised, else None."""
    if point.shortfall <= ZERO:
        return None
    return StockOvercommitted(
        sku=point.sku,
        location=point.location,
        on_hand=point.on_hand,
        reserved=point.reserved,
        shortfall=point.shortfall,
    )


def _line_to_fulfil(
    point: StockPoint, movement: StockMoved, reservation: Reservation | None
) -> ReservationLine | None:
    if movement.movement_type != "issue" or reservation is None:
        return None
    if reservation.status != "reserved":
        return None
    line = reservation.line_for(point.key)
    return line if line is not None and line.outstanding > ZERO else None
