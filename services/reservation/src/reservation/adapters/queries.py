"""Read-only queries behind the HTTP API (no locks; a consistent snapshot per statement)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reservation.adapters.rows import normalized, point_of
from reservation.adapters.tables import (
    backorder_fills,
    items,
    locations,
    reservation_lines,
    reservations,
    stock_points,
)
from reservation.domain import StockPoint


class FillRecord(NamedTuple):
    line_no: int
    quantity: Decimal
    filled_at: datetime


async def fills_of(session: AsyncSession, order_id: str) -> list[FillRecord]:
    """The backorder fills of an order, oldest first (for reading over the API)."""
    rows = await session.execute(
        select(backorder_fills.c.line_no, backorder_fills.c.quantity, backorder_fills.c.filled_at)
        .where(backorder_fills.c.order_id == order_id)
        .order_by(backorder_fills.c.id)
    )
    return [FillRecord(row.line_no, normalized(row.quantity), row.filled_at) for row in rows]


async def stock_point(session: AsyncSession, sku: str, location: str) -> StockPoint | None:
    """One stock point, unlocked (for reading over the API)."""
    row = (
        await session.execute(
            select(stock_points).where(
                stock_points.c.sku == sku, stock_points.c.location == location
            )
        )
    ).one_or_none()
    return None if row is None else point_of(sku, location, row.on_hand, row.reserved)


async def stock_points_of(
    session: AsyncSession, sku: str | None, location: str | None, limit: int
) -> list[StockPoint]:
    """Stock points filtered by SKU and/or location, in (sku, location) order."""
    query = select(stock_points).order_by(stock_points.c.sku, stock_points.c.location)
    if sku is not None:
        query = query.where(stock_points.c.sku == sku)
    if location is not None:
        query = query.where(stock_points.c.location == location)
    rows = await session.execute(query.limit(limit))
    return [point_of(r.sku, r.location, r.on_hand, r.reserved) for r in rows]


async def is_known(session: AsyncSession, sku: str, location: str) -> bool:
    """Both the SKU and the location arrived in master data."""
    found_sku = await session.scalar(select(items.c.sku).where(items.c.sku == sku))
    found_location = await session.scalar(
        select(locations.c.location).where(locations.c.location == location)
    )
    return found_sku is not None and found_location is not None


async def backordered_at(session: AsyncSession, sku: str, location: str) -> tuple[Decimal, int]:
    """What the still reserved orders wait for at a stock point, and how many lines wait (the
    lines the backorder fill reads, by `ix_reservation_lines_waiting`)."""
    lines, orders = reservation_lines, reservations
    row = (
        await session.execute(
            select(func.coalesce(func.sum(lines.c.backordered), 0), func.count())
            .select_from(lines.join(orders, orders.c.order_id == lines.c.order_id))
            .where(
                lines.c.sku == sku,
                lines.c.location == location,
                lines.c.backordered > 0,
                orders.c.status == "reserved",
            )
        )
    ).one()
    return normalized(row[0]), int(row[1])
