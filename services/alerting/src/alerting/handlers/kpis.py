"""Use cases of the KPI store: movements, backorders and item attributes feed it; the rules
over its KPIs are evaluated for the stock points a run of movements touched."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from inventory_contracts.events.approvals import (
    ApprovalEscalated,
    ApprovalEvent,
    ApprovalRequested,
)
from inventory_contracts.events.master_data import ItemUpserted
from inventory_contracts.events.purchase_orders import (
    GoodsReceived,
    PurchaseOrderCancelled,
    PurchaseOrderReleased,
)
from inventory_contracts.events.replenishment import (
    ForecastAccuracyMeasured,
    StockPointClassified,
)
from inventory_contracts.events.reservations import BackorderFilled, StockReserved
from inventory_contracts.events.stock import StockMoved
from inventory_runtime.clock import utc_now
from inventory_runtime.inbound import InboundEvent

from alerting.domain.movements import day_changes
from alerting.handlers.business_rules import evaluate_on_event
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
    """Lines a reservation could not cover wait as backorders of their stock points (and the
    per-stock-point rules look at them)."""
    day = message.cloud_event.time.date()
    for line in message.data.backordered_lines:
        await uow.kpis.record_backorder(line.sku, line.location, day, line.quantity)
    touched = sorted({(line.sku, line.location) for line in message.data.backordered_lines})
    await evaluate_touched(touched, uow, utc_now())


async def record_filled_backorders(message: InboundEvent[BackorderFilled], uow: KpiUoW) -> None:
    """Backordered lines filled by new stock no longer wait (and the rules look again)."""
    day = message.cloud_event.time.date()
    for line in message.data.lines:
        await uow.kpis.record_backorder(line.sku, line.location, day, -line.quantity)
    touched = sorted({(line.sku, line.location) for line in message.data.lines})
    await evaluate_touched(touched, uow, utc_now())


async def record_item(message: InboundEvent[ItemUpserted], uow: KpiUoW) -> None:
    """The item's category and ABC class, which KPIs roll up by and rules scope by."""
    await uow.kpis.upsert_item(message.data)


async def record_classification(message: InboundEvent[StockPointClassified], uow: KpiUoW) -> None:
    """The ABC class planning computed for a stock point: rules scoped by class (and roll-ups
    by class) use it from now on."""
    event = message.data
    await uow.kpis.classify(event.sku, event.location, event.abc_class, event.classified_at)


async def record_forecast_accuracy(
    message: InboundEvent[ForecastAccuracyMeasured], uow: KpiUoW
) -> None:
    """A closed period's forecast against the demand that came (forecast error and bias); the
    per-stock-point rules look at the stock point again."""
    await uow.business.forecast(message.data)
    await evaluate_touched([(message.data.sku, message.data.location)], uow, utc_now())


async def record_purchase_order(message: InboundEvent[PurchaseOrderReleased], uow: KpiUoW) -> None:
    """A released purchase order: whom it is from and when its goods are expected."""
    order = message.data
    await uow.business.purchase_order(
        order.purchase_order_id, order.supplier_id, order.expected_receipt_date
    )


async def record_cancelled_order(
    message: InboundEvent[PurchaseOrderCancelled], uow: KpiUoW
) -> None:
    """A cancelled purchase order with nothing received is not judged for on-time delivery
    (one with a receipt keeps it: its first arrival was on time or late)."""
    await uow.business.cancelled(message.data.purchase_order_id)
    await evaluate_on_event("supplier_on_time", uow, utc_now())


async def record_goods_received(message: InboundEvent[GoodsReceived], uow: KpiUoW) -> None:
    """Goods arrived against a purchase order (the first arrival decides if it was on time)."""
    if message.data.purchase_order_id is not None:
        await uow.business.received(message.data.purchase_order_id, message.data.received_at)
        await evaluate_on_event("supplier_on_time", uow, utc_now())


async def record_approval(message: InboundEvent[ApprovalEvent], uow: KpiUoW) -> None:
    """An approval request was made, went overdue, or was decided or withdrawn."""
    event, at = message.data, message.cloud_event.time
    changes: dict[str, Any] = {"subject_type": event.subject_type}
    if isinstance(event, ApprovalRequested):
        changes["requested_at"] = at
    elif isinstance(event, ApprovalEscalated):
        changes["overdue_since"] = event.overdue_since
    else:
        changes["decided_at"] = at
    await uow.business.approval(event.request_id, changes)
    await evaluate_on_event("overdue_approvals", uow, utc_now())
