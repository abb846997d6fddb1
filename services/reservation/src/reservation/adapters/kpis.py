"""The reads behind reservation's business gauges (reservation.metrics): per location or per
rejection reason, never per SKU or order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

FILL = """
SELECT l.location, sum(l.requested) AS requested, sum(l.reserved) AS reserved
FROM reservations r JOIN reservation_lines l ON l.order_id = r.order_id
WHERE r.created_at > :since GROUP BY l.location
"""
STOCKOUTS = """
SELECT p.location, count(*) FILTER (WHERE p.on_hand - p.reserved <= 0) AS stockouts
FROM stock_points p GROUP BY p.location
"""
BACKORDERS = """
SELECT l.location, count(*) AS lines, sum(l.backordered) AS quantity
FROM reservations r JOIN reservation_lines l ON l.order_id = r.order_id
WHERE r.status = 'reserved' AND l.backordered > 0 GROUP BY l.location
"""
REJECTIONS = """
SELECT coalesce(r.reason, 'unknown') AS reason, count(*) AS orders FROM reservations r
WHERE r.status = 'rejected' AND r.created_at > :since GROUP BY 1
"""


async def fill(session: AsyncSession, since: datetime) -> dict[str, tuple[Decimal, Decimal]]:
    """location -> (requested, reserved) over the order lines placed since `since`."""
    rows = await session.execute(text(FILL), {"since": since})
    return {row.location: (row.requested, row.reserved) for row in rows}


async def stockouts(session: AsyncSession) -> dict[str, int]:
    """location -> stock points with nothing available (every location with a point listed)."""
    return {row.location: row.stockouts for row in await session.execute(text(STOCKOUTS))}


async def backorders(session: AsyncSession) -> dict[str, tuple[int, Decimal]]:
    """location -> (order lines waiting for stock, quantity they wait for)."""
    rows = await session.execute(text(BACKORDERS))
    return {row.location: (row.lines, row.quantity) for row in rows}


async def rejections(session: AsyncSession, since: datetime) -> dict[str, int]:
    """rejection reason -> orders rejected since `since`."""
    rows = await session.execute(text(REJECTIONS), {"since": since})
    return {row.reason: row.orders for row in rows}
