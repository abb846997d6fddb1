"""Use cases of the KPI store: movements, backorders and item attributes feed it; the rules
over its KPIs are evaluated for the stock points a run of movements touched."""

from __future__ import annotations

from collections.abc import Sequence

from inventory_contracts.events.master_data import ItemUpserted
from inventory_contracts.events.reservations import BackorderFilled, StockReserved
from inventory_contracts.events.stock import StockMoved
from inventory_runtime.clock import utc_now
from inventory_runtime.inbound import InboundEvent

from alerting.domain.movements import day_changes
from alerting.handlers.rules import evaluate_touched
from alerting.ports import KpiUoW


async def record_movements(run: Sequence[InboundEvent[StockMoved]], uow: KpiUoW) -> None:
    """Consecutive `StockMoved` -> their days in the KPI store, one write per stock point and
    day; then the rules with one alert per stock point, for the stock points touched."""
    changes = day_changes(message.data for message in run)
    await uow.kpis.record(changes)
    touched = sorted({(change.sku, change.location) for change in changes})
    await evaluate_touched(touched, uow, utc_now())


async def record_backorders(message: InboundEvent[StockReserved], uow: KpiUoW) -> None:
    """Lines a reservation could not cover wait as backorders of their stock points."""
    day = message.cloud_event.time.date()
    for line in message.data.backordered_lines:
        await uow.kpis.record_backorder(line.sku, line.location, day, line.quantity)


async def record_filled_backorders(message: InboundEvent[BackorderFilled], uow: KpiUoW) -> None:
    """Backordered lines filled by new stock no longer wait."""
    day = message.cloud_event.time.date()
    for line in message.data.lines:
        await uow.kpis.record_backorder(line.sku, line.location, day, -line.quantity)


async def record_item(message: InboundEvent[ItemUpserted], uow: KpiUoW) -> None:
    """The item's category and ABC class, which KPIs roll up by and rules scope by."""
    await uow.kpis.upsert_item(message.data)
