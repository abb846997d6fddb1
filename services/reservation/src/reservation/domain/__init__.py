"""Reservation domain: stock points, reservations and the rules that never oversell.

Pure: no database, no Kafka. The functions take the state the handler loaded (under row locks)
and change it in memory; the aggregates they change (`Reservation`, `StockPoint`, a backorder
`Allocation`) record the events that follow in their `events`, which the unit of work writes
to the outbox with the state, in one transaction.
"""

from reservation.domain.backorders import (
    Allocation,
    allocate,
    apply_fill,
    backorders_filled,
    fill_backorders,
)
from reservation.domain.changes import (
    apply_movement,
    cancel_order,
    expire,
    is_expired,
    overcommitment,
    points_to_release,
)
from reservation.domain.model import (
    ZERO,
    Backorder,
    Fill,
    InsufficientStock,
    MasterData,
    PointKey,
    Reservation,
    ReservationLine,
    Status,
    StockPoint,
    reservation_id_of,
)
from reservation.domain.placing import Placement, place_order, place_orders
from reservation.domain.quotes import place_with_quotes

__all__ = [
    "ZERO",
    "Allocation",
    "Backorder",
    "Fill",
    "InsufficientStock",
    "MasterData",
    "Placement",
    "PointKey",
    "Reservation",
    "ReservationLine",
    "Status",
    "StockPoint",
    "allocate",
    "apply_fill",
    "apply_movement",
    "backorders_filled",
    "cancel_order",
    "expire",
    "fill_backorders",
    "is_expired",
    "overcommitment",
    "place_order",
    "place_orders",
    "place_with_quotes",
    "points_to_release",
    "reservation_id_of",
]
