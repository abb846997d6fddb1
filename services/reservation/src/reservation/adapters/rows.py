"""Between the repository's statements and the domain: the columns of the set-based
statements (one array per column, for ``unnest``) and domain objects from rows."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from inventory_contracts import ShortLine

from reservation.domain import PointKey, Reservation, ReservationLine, StockPoint


def normalized(quantity: Decimal) -> Decimal:
    """NUMERIC(38, 12) comes back as 4.000000000000; people and events want 4."""
    return quantity.normalize()


def point_of(sku: str, location: str, on_hand: Decimal, reserved: Decimal) -> StockPoint:
    """A stock point from its row's values."""
    return StockPoint(sku, location, normalized(on_hand), normalized(reserved))


def point_keys(keys: Iterable[PointKey]) -> dict[str, list[str]]:
    """The unnest parameters of some stock points' keys, in locking order."""
    ordered = sorted(set(keys))
    return {"point_skus": [k[0] for k in ordered], "point_locations": [k[1] for k in ordered]}


def point_columns(points: Iterable[StockPoint]) -> dict[str, list[Any]]:
    """The unnest parameters of saving these points (`SAVE_POINTS`), in locking order."""
    ordered = sorted(points, key=lambda p: p.key)
    return {
        "point_skus": [p.sku for p in ordered],
        "point_locations": [p.location for p in ordered],
        "point_on_hand": [p.on_hand for p in ordered],
        "point_reserved": [p.reserved for p in ordered],
    }


def reservation_columns(decided: Sequence[Reservation]) -> dict[str, list[Any]]:
    """The unnest parameters of adding these reservations (`RECORD_PLACEMENTS`)."""
    return {
        "order_ids": [r.order_id for r in decided],
        "reservation_ids": [r.reservation_id for r in decided],
        "statuses": [r.status for r in decided],
        "reasons": [r.reason for r in decided],
        "messages": [r.message for r in decided],
        "short_lines": [
            json.dumps([s.model_dump(mode="json") for s in r.short_lines]) for r in decided
        ],
        "priorities": [r.priority for r in decided],
        "customer_ids": [r.customer_id for r in decided],
        "expires_at": [r.expires_at if r.status == "reserved" else None for r in decided],
        "allow_partial": [r.allow_partial for r in decided],
    }


LINE_QUANTITIES = {
    f"line_{name}": name for name in ("reserved", "released", "fulfilled", "backordered")
}
"""`SAVE_LINES`' arrays (parameter: line attribute) beside order ids and line numbers."""
NEW_LINE = {
    "line_skus": "sku",
    "line_locations": "location",
    "line_requested": "requested",
    **LINE_QUANTITIES,
}
"""`ADD_LINES`' arrays likewise."""


def line_columns(orders: Iterable[Reservation], arrays: dict[str, str]) -> dict[str, list[Any]]:
    """The unnest parameters of these reservations' lines: `line_order_ids`, `line_nos`, and
    one array per entry of `arrays` (parameter name: line attribute)."""
    lines = [(r.order_id, line) for r in orders for line in r.lines]
    return {
        "line_order_ids": [order_id for order_id, _ in lines],
        "line_nos": [line.line_no for _, line in lines],
        **{name: [getattr(line, attr) for _, line in lines] for name, attr in arrays.items()},
    }


def reservation_of(row: Any, lines: Sequence[Any]) -> Reservation:
    """A reservation from its row and its lines' rows (in line order)."""
    return Reservation(
        order_id=row["order_id"],
        status=row["status"],
        lines=[
            ReservationLine(
                line_no=line["line_no"],
                sku=line["sku"],
                location=line["location"],
                requested=normalized(line["requested"]),
                reserved=normalized(line["reserved"]),
                released=normalized(line["released"]),
                fulfilled=normalized(line["fulfilled"]),
                backordered=normalized(line["backordered"]),
            )
            for line in lines
        ],
        reason=row["reason"],
        message=row["message"],
        short_lines=tuple(ShortLine.model_validate(s) for s in row["short_lines"]),
        priority=row["priority"],
        customer_id=row["customer_id"],
        expires_at=row["expires_at"],
        allow_partial=row["allow_partial"],
    )
