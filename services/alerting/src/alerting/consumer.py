"""What alerting consumes: threshold breaches, rejected reservations and availability; stock
movements, backorders and items for its KPI store."""

from __future__ import annotations

from inventory_contracts.events.approvals import (
    ApprovalEscalated,
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
    ApprovalWithdrawn,
)
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.master_data import ItemUpserted
from inventory_contracts.events.purchase_orders import (
    GoodsReceived,
    PurchaseOrderCancelled,
    PurchaseOrderReleased,
)
from inventory_contracts.events.replenishment import (
    ForecastAccuracyMeasured,
    StockBelowThreshold,
    StockPointClassified,
)
from inventory_contracts.events.reservations import (
    BackorderFilled,
    ReservationRejected,
    StockReserved,
)
from inventory_contracts.events.stock import StockMoved
from inventory_runtime.handlers import HandlerRegistry
from inventory_runtime.subscription import Subscription

from alerting import handlers
from alerting.handlers import kpis as kpi_handlers
from alerting.ports import KpiUoW

GROUP_ID = "alerting"


def registry() -> HandlerRegistry[KpiUoW]:
    """Breaches and rejections raise alerts one message at a time; availability, the busiest
    type by far (one per stock point a reservation touches), resolves them a run at a time.
    Stock movements feed the KPI store a run at a time (and the rules over the KPIs watch the
    stock points they touched); backorders, items, the stock points' ABC classes from
    planning and its forecasts against demand, purchase orders, receipts and approval requests
    feed it one at a time."""
    return (
        HandlerRegistry[KpiUoW]()
        .on(StockBelowThreshold, handlers.raise_low_stock)
        .on(ReservationRejected, handlers.raise_rejected_reservation)
        .on_batch(AvailabilityChanged, handlers.resolve_recovered)
        .on_batch(StockMoved, kpi_handlers.record_movements)
        .on(StockReserved, kpi_handlers.record_backorders)
        .on(BackorderFilled, kpi_handlers.record_filled_backorders)
        .on(ItemUpserted, kpi_handlers.record_item)
        .on(StockPointClassified, kpi_handlers.record_classification)
        .on(ForecastAccuracyMeasured, kpi_handlers.record_forecast_accuracy)
        .on(PurchaseOrderReleased, kpi_handlers.record_purchase_order)
        .on(PurchaseOrderCancelled, kpi_handlers.record_cancelled_order)
        .on(GoodsReceived, kpi_handlers.record_goods_received)
        .on(ApprovalRequested, kpi_handlers.record_approval)
        .on(ApprovalEscalated, kpi_handlers.record_approval)
        .on(ApprovalGranted, kpi_handlers.record_approval)
        .on(ApprovalRejected, kpi_handlers.record_approval)
        .on(ApprovalWithdrawn, kpi_handlers.record_approval)
    )


def subscription() -> Subscription[KpiUoW]:
    """Consumer group ``alerting`` over the three topics its rules read, a batch at a time.

    `AvailabilityChanged` skips the inbox: only availability newer than an alert's
    observation closes it and a resolved alert stays resolved, so a redelivered snapshot
    cannot close a newer alert or publish a second `AlertResolved`.
    """
    return registry().subscription(GROUP_ID, idempotent=(AvailabilityChanged,))
