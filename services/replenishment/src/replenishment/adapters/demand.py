"""Demand history: each order's demand per stock point, and its sums per day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from replenishment.adapters import statements, tables
from replenishment.domain.demand import OrderDemand


class DemandRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_many(self, demand: Sequence[OrderDemand]) -> None:
        """Add each order's demand for a stock point to its day, unless already recorded.

        One statement; `demand` holds an (order, stock point) at most once.
        """
        if not demand:
            return
        await self._session.execute(
            statements.RECORD_DEMAND,
            {
                "order_ids": [d.order_id for d in demand],
                "skus": [d.sku for d in demand],
                "locations": [d.location for d in demand],
                "quantities": [d.quantity for d in demand],
                "demand_dates": [d.demand_date for d in demand],
                "placed_at": [d.placed_at for d in demand],
            },
        )

    async def daily(self, sku: str, location: str) -> list[tuple[date, Decimal, int]]:
        t = tables.demand_daily
        query = (
            select(t.c.demand_date, t.c.quantity, t.c.order_count)
            .where(t.c.sku == sku, t.c.location == location)
            .order_by(t.c.demand_date)
        )
        return [
            (r.demand_date, r.quantity, r.order_count) for r in await self._session.execute(query)
        ]
