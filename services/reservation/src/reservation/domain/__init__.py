"""Reservation domain: stock points, reservations and the rules that never oversell.

Pure: no database, no Kafka. The functions take the state the handler loaded (under row locks),
change it in memory and return the events to publish; the handler writes both in one
transaction.
"""

from reservation.domain.changes import (
    apply_fill,
    apply_movement,
    backorders_filled,
    cancel_order,
    expire,
    fill_backorders,
    is_expired,
    overcommitment,
    points_to_release,
)
from reservation.domain.model import (
    ZERO,
    Backorder,
    Fill,
    InsufficientStock,
    PointKey,
    Reservation,
    ReservationLine,
    Status,
    StockPoint,
    reservation_id_of,
)
from reservation.domain.placing import place_order, place_orders
from reservation.rejections import MasterData

__all__ = [
    "ZERO",
    "Backorder",
    "Fill",
    "InsufficientStock",
    "MasterData",
    "PointKey",
    "Reservation",
    "ReservationLine",
    "Status",
    "StockPoint",
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
    "points_to_release",
    "reservation_id_of",
]
