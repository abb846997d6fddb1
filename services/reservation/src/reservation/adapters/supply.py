"""Incoming supply in PostgreSQL: open purchase order lines per stock point, by date."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from reservation.adapters.rows import normalized, point_of
from reservation.adapters.tables import (
    incoming_supply,
    reservation_lines,
    reservations,
    stock_points,
)
from reservation.domain import ZERO, PointKey, StockPoint
from reservation.domain.promise import IncomingSupply, PointSupply
from reservation.ports import SupplyLine

# A receipt may be seen before its purchase order (two topics): each side fills in its part.
RECORD_ORDERED = text(
    """
    INSERT INTO incoming_supply (purchase_order_id, sku, location, expected_on, ordered)
    SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:skus AS text[]),
                         CAST(:locations AS text[]), CAST(:dates AS date[]),
                         CAST(:quantities AS numeric[]))
        ON CONFLICT (purchase_order_id, sku, location) DO UPDATE
       SET expected_on = excluded.expected_on, ordered = excluded.ordered, updated_at = now()
    """
)
RECORD_RECEIVED = text(
    """
    INSERT INTO incoming_supply AS s (purchase_order_id, sku, location, received)
    SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:skus AS text[]),
                         CAST(:locations AS text[]), CAST(:quantities AS numeric[]))
        ON CONFLICT (purchase_order_id, sku, location) DO UPDATE
       SET received = s.received + excluded.received, updated_at = now()
    """
)

RECORD_CANCELLED = text(
    """
    UPDATE incoming_supply SET ordered = LEAST(ordered, received), updated_at = now()
     WHERE purchase_order_id = ANY(CAST(:ids AS text[]))
    """
)


class SqlSupply:
    """`SupplyRepository` over the unit of work's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record_ordered(self, lines: Sequence[SupplyLine]) -> None:
        if lines:
            await self.session.execute(RECORD_ORDERED, _params(lines, with_dates=True))

    async def record_received(self, lines: Sequence[SupplyLine]) -> None:
        if lines:
            await self.session.execute(RECORD_RECEIVED, _params(lines, with_dates=False))

    async def record_cancelled(self, purchase_order_ids: Sequence[str]) -> None:
        if purchase_order_ids:
            await self.session.execute(RECORD_CANCELLED, {"ids": list(purchase_order_ids)})

    async def incoming_at(self, keys: Iterable[PointKey]) -> dict[PointKey, list[IncomingSupply]]:
        """The open lines (ordered, not all received, with a date) at these points."""
        wanted = sorted(set(keys))
        found: dict[PointKey, list[IncomingSupply]] = defaultdict(list)
        if not wanted:
            return found
        s = incoming_supply.c
        rows = await self.session.execute(
            select(s.sku, s.location, s.purchase_order_id, s.expected_on, s.ordered - s.received)
            .where(
                tuple_(s.sku, s.location).in_(wanted),
                s.ordered > s.received,
                s.expected_on.is_not(None),
            )
            .order_by(s.expected_on, s.purchase_order_id)
        )
        for sku, location, po_id, expected_on, open_quantity in rows:
            found[(sku, location)].append(
                IncomingSupply(po_id, expected_on, normalized(open_quantity))
            )
        return found

    async def supplies_at(self, keys: Iterable[PointKey]) -> dict[PointKey, PointSupply]:
        """On hand, reserved, waiting (backordered) and incoming at each point; unlocked reads
        (the promise is an answer of the moment, never a commitment)."""
        wanted = sorted(set(keys))
        points = await _points(self.session, wanted)
        waiting = await _waiting(self.session, wanted)
        incoming = await self.incoming_at(wanted)
        return {
            key: PointSupply(
                on_hand=points[key].on_hand if key in points else ZERO,
                reserved=points[key].reserved if key in points else ZERO,
                backordered=waiting.get(key, ZERO),
                incoming=tuple(incoming.get(key, ())),
            )
            for key in wanted
        }


async def _points(session: AsyncSession, keys: list[PointKey]) -> dict[PointKey, StockPoint]:
    p = stock_points.c
    rows = await session.execute(
        select(p.sku, p.location, p.on_hand, p.reserved).where(tuple_(p.sku, p.location).in_(keys))
    )
    return {(r.sku, r.location): point_of(r.sku, r.location, r.on_hand, r.reserved) for r in rows}


async def _waiting(session: AsyncSession, keys: list[PointKey]) -> dict[PointKey, Decimal]:
    line, order = reservation_lines.c, reservations.c
    rows = await session.execute(
        select(line.sku, line.location, func.sum(line.backordered))
        .select_from(reservation_lines.join(reservations, order.order_id == line.order_id))
        .where(
            tuple_(line.sku, line.location).in_(keys),
            line.backordered > 0,
            order.status == "reserved",
        )
        .group_by(line.sku, line.location)
    )
    return {(sku, location): normalized(total) for sku, location, total in rows}


def _params(lines: Sequence[SupplyLine], *, with_dates: bool) -> dict[str, object]:
    params: dict[str, object] = {
        "ids": [line.purchase_order_id for line in lines],
        "skus": [line.sku for line in lines],
        "locations": [line.location for line in lines],
        "quantities": [line.quantity for line in lines],
    }
    if with_dates:
        params["dates"] = [line.expected_on for line in lines]
    return params
