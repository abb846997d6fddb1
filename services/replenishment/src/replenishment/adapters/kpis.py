"""The reads behind replenishment's business gauges (replenishment.metrics): per location,
ABC class or supplier, never per SKU."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

FORECAST = """
SELECT location, abc_class AS class, avg(forecast_mase) AS mase,
       sum(forecast_bias) AS bias, sum(forecast_per_period) AS forecast
FROM policy_planning WHERE forecast_mase IS NOT NULL GROUP BY location, abc_class
"""
ON_TIME = """
SELECT o.supplier_id AS supplier, count(*) AS due,
       count(*) FILTER (WHERE r.first_receipt::date <= o.expected_receipt_date) AS on_time
FROM purchase_orders o
LEFT JOIN LATERAL (
  SELECT min(received_at) AS first_receipt FROM purchase_order_receipts p
  WHERE p.purchase_order_id = o.purchase_order_id
) r ON true
WHERE o.expected_receipt_date > :since AND o.expected_receipt_date <= :today
  AND (r.first_receipt IS NOT NULL OR o.expected_receipt_date < :today)  -- not pending
GROUP BY o.supplier_id
"""
REQUISITIONS = """
SELECT location, status, count(*) AS open FROM requisitions
WHERE status IN ('pending_approval', 'approved') GROUP BY location, status
"""
PURCHASE_ORDERS = """
SELECT location, count(*) AS open, sum(amount) AS amount FROM purchase_orders
WHERE status IN ('open', 'partially_received') GROUP BY location
"""

Forecast = tuple[Decimal, Decimal, Decimal]


async def forecast_errors(session: AsyncSession) -> dict[tuple[str, str], Forecast]:
    """(location, ABC class) -> (mean MASE, summed bias, summed forecast per period) of the
    last planning run's policies."""
    rows = await session.execute(text(FORECAST))
    return {(r.location, r[1]): (r.mase, r.bias, r.forecast) for r in rows}


async def deliveries(session: AsyncSession, since: date, today: date) -> dict[str, tuple[int, int]]:
    """supplier -> (purchase orders due in (since, today] that were received or are overdue
    (one due today and not received is pending, not counted), of them first received by the
    expected date): alerting's `OnTime` over the same orders."""
    rows = await session.execute(text(ON_TIME), {"since": since, "today": today})
    return {r.supplier: (r.due, r.on_time) for r in rows}


async def open_requisitions(session: AsyncSession) -> dict[tuple[str, str], int]:
    """(location, status) -> requisitions waiting for approval or approved, not yet ordered."""
    return {(r.location, r.status): r.open for r in await session.execute(text(REQUISITIONS))}


async def open_purchase_orders(session: AsyncSession) -> dict[str, tuple[int, Decimal]]:
    """location -> (purchase orders not fully received, their amount)."""
    rows = await session.execute(text(PURCHASE_ORDERS))
    return {r.location: (r.open, r.amount) for r in rows}


async def planned_locations(session: AsyncSession) -> set[str]:
    """Every location with a replenishment policy (its gauges read 0 rather than vanish)."""
    return set((await session.execute(text("SELECT DISTINCT location FROM policies"))).scalars())
