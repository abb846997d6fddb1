"""Reservation's business gauges (docs/conventions.md), read from its tables every
`KPI_REFRESH_SECONDS` by `kpi_job(refresh)`: by location or rejection reason, never by SKU.
Every instance exports the same values: aggregate with max."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import get_args

from inventory_contracts.events.reservations import RejectionReason
from inventory_runtime.clock import utc_now
from inventory_runtime.kpi import Sessions, publish
from prometheus_client import Gauge

from reservation.adapters import kpis

WINDOW = timedelta(hours=24)
"""Fill rate and rejections count the orders placed in this rolling window."""

FILL_RATE = Gauge(
    "inventory_reservation_fill_rate",
    "Quantity reserved / quantity ordered, over the order lines placed in the last 24 hours.",
    ["location"],
)
STOCKOUTS = Gauge(
    "inventory_reservation_stockouts",
    "Stock points (SKU x location) with nothing available to promise.",
    ["location"],
)
BACKORDER_LINES = Gauge(
    "inventory_reservation_backorder_lines",
    "Order lines waiting for stock (backordered, not yet filled).",
    ["location"],
)
BACKORDERED_QUANTITY = Gauge(
    "inventory_reservation_backordered_quantity",
    "Quantity the backordered order lines still wait for.",
    ["location"],
)
REJECTIONS = Gauge(
    "inventory_reservation_rejections",
    "Orders rejected in the last 24 hours, by reason.",
    ["reason"],
)
REASONS: tuple[str, ...] = get_args(RejectionReason)


def fill_rate(requested: Decimal, reserved: Decimal) -> Decimal | None:
    return reserved / requested if requested > 0 else None


async def refresh(sessions: Sessions) -> None:
    """Read the figures and publish every gauge (each known reason, 0 when quiet)."""
    since = utc_now() - WINDOW
    async with sessions() as session:
        fill = await kpis.fill(session, since)
        stockouts = await kpis.stockouts(session)
        backorders = await kpis.backorders(session)
        rejections = await kpis.rejections(session, since)
    publish(FILL_RATE, {(loc,): fill_rate(*figures) for loc, figures in fill.items()})
    publish(STOCKOUTS, {(loc,): count for loc, count in stockouts.items()})
    waiting = {loc: backorders.get(loc, (0, Decimal(0))) for loc in stockouts.keys() | backorders}
    publish(BACKORDER_LINES, {(loc,): lines for loc, (lines, _) in waiting.items()})
    publish(BACKORDERED_QUANTITY, {(loc,): quantity for loc, (_, quantity) in waiting.items()})
    publish(
        REJECTIONS, {(reason,): rejections.get(reason, 0) for reason in {*REASONS, *rejections}}
    )
