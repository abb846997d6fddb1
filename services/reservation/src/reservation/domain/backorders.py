"""Backorders: stock that becomes free goes to the lines waiting for it at its stock point."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from inventory_contracts import BackorderFilled, Event, FilledLine

from reservation.domain.model import (
    ZERO,
    Backorder,
    Fill,
    PointKey,
    ReservationLine,
    StockPoint,
    reservation_id_of,
)


@dataclass
class Allocation:
    """Free stock handed to the backorders waiting at some stock points, in one go.

    It records one BackorderFilled per order that got stock in `events`; each filled point
    records its own availability.
    """

    fills: list[Fill] = field(default_factory=list)
    """In the order they were made."""
    filled: list[StockPoint] = field(default_factory=list)
    """The points that handed out stock, in the order they were given."""
    events: list[Event] = field(default_factory=list, repr=False)


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


def allocate(
    points: Sequence[StockPoint],
    waiting: Mapping[PointKey, Sequence[Backorder]],
    now: datetime,
) -> Allocation:
    """Hand what is free at `points` (locked) to the backorders `waiting` there.

    Each point that gave stock records its availability (cause `backorder_fill`); the
    allocation records what each order got (BackorderFilled).
    """
    allocation = Allocation()
    for point in points:
        point_fills = fill_backorders(point, waiting.get(point.key, ()))
        if point_fills:
            allocation.fills.extend(point_fills)
            allocation.filled.append(point)
    allocation.events.extend(backorders_filled(allocation.fills))
    for point in allocation.filled:
        point.record_availability(now, "backorder_fill")
    return allocation


def apply_fill(reservation_line: ReservationLine, fill: Fill) -> None:
    """Move a filled quantity from waiting to held on the order's line."""
    reservation_line.backordered -= fill.quantity
    reservation_line.reserved += fill.quantity
