"""What happens to reservations after placement: cancel, expiry, stock movements (shipments)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from inventory_contracts import (
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
    PointKey,
    Reservation,
    ReservationLine,
    StockPoint,
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


def _announce(
    points: Mapping[PointKey, StockPoint], now: datetime, cause: AvailabilityCause
) -> None:
    """Every point a release locked records its availability, in (sku, location) order."""
    for _, point in sorted(points.items()):
        point.record_availability(now, cause)


def cancel_order(
    reservation: Reservation,
    cancel: OrderCancelled,
    points: Mapping[PointKey, StockPoint],
    now: datetime,
) -> bool:
    """Give back what `cancel` cancels (all, or the quantities of its lines); True if any
    stock was given back (then the reservation recorded ReservationReleased and each of
    `points` its availability).

    A partial cancel drops a line's backorder before it releases held stock (what was never
    promised goes first). Only an open reservation changes: a rejected, released, expired or
    fulfilled order makes the cancellation a no-op.
    """
    if reservation.status != "reserved":
        return False
    cancelled: dict[PointKey, Decimal] | None = None
    if cancel.lines is not None:
        cancelled = defaultdict(Decimal)
        for c in cancel.lines:
            cancelled[(c.sku, c.location)] += c.quantity
    released = _give_back(reservation, points, cancelled)
    if not released:
        return False
    whole = cancel.lines is None or reservation.status != "reserved"
    reservation.events.append(
        ReservationReleased(
            order_id=reservation.order_id,
            reservation_id=reservation.reservation_id,
            lines=tuple(released),
            reason="cancelled" if whole else "partial_cancel",
        )
    )
    _announce(points, now, "release")
    return True


def is_expired(reservation: Reservation, now: datetime) -> bool:
    return (
        reservation.status == "reserved"
        and reservation.expires_at is not None
        and reservation.expires_at <= now
    )


def expire(reservation: Reservation, points: Mapping[PointKey, StockPoint], now: datetime) -> bool:
    """Release everything an expired reservation holds and drop what it waits for; True if
    any stock was given back (then the reservation recorded ReservationExpired and each of
    `points` its availability)."""
    if not is_expired(reservation, now):
        return False
    released = _give_back(reservation, points, None)
    reservation.status = "expired"
    if not released:
        return False
    reservation.events.append(
        ReservationExpired(
            order_id=reservation.order_id,
            reservation_id=reservation.reservation_id,
            lines=tuple(released),
            expired_at=now,
        )
    )
    _announce(points, now, "expiry")
    return True


def apply_movement(
    point: StockPoint, movement: StockMoved, reservation: Reservation | None, now: datetime
) -> None:
    """Apply a posted ledger entry to on-hand, fulfilling the order's line when it is an issue.

    The reservation's line for this stock point is consumed whole when its order ships: what
    shipped short of it, and what it still waited for, is not held any longer (the order is
    done at this point); the reservation records ReservationFulfilled. The point records the
    availability the entry left and, if on hand fell below what is promised, the
    over-commitment.
    """
    point.on_hand += movement.quantity_delta
    cause: AvailabilityCause = "stock_movement"
    line = _line_to_fulfil(point, movement, reservation)
    if reservation is not None and line is not None:
        quantity = line.outstanding
        line.fulfilled += quantity
        line.backordered = ZERO
        point.release(quantity)
        reservation.settle()
        cause = "fulfilment"
        reservation.events.append(
            ReservationFulfilled(
                order_id=reservation.order_id,
                reservation_id=reservation.reservation_id,
                lines=(OrderLine(sku=line.sku, location=line.location, quantity=quantity),),
                shipment_id=movement.document_id,
            )
        )
    point.record_availability(now, cause, movement)
    overcommitted = overcommitment(point)
    if overcommitted is not None:
        point.events.append(overcommitted)


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
