"""Replenishment's business gauges (docs/conventions.md), read from its tables every
`KPI_REFRESH_SECONDS` by `kpi_job(refresher(advice))`: by location, ABC class or supplier,
never by SKU. Every instance exports the same values: aggregate with max."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from inventory_runtime.clock import utc_now
from inventory_runtime.kpi import Refresh, Sessions, publish
from prometheus_client import Gauge

from replenishment.adapters import kpis
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.handlers import advice
from replenishment.handlers.advice import AdviceSettings

ON_TIME_WINDOW = timedelta(days=90)

FORECAST_ERROR = Gauge(
    "inventory_forecast_error",
    "Mean MASE of the last planning run's forecasts (1 = as good as the naive forecast).",
    ["location", "class"],
)
FORECAST_BIAS = Gauge(
    "inventory_forecast_bias",
    "Summed forecast bias / summed forecast per period (> 0: over-forecast).",
    ["location", "class"],
)
SUPPLIER_ON_TIME = Gauge(
    "inventory_supplier_on_time_rate",
    "Share of purchase orders due in the last 90 days first received by their expected date.",
    ["supplier"],
)
SUGGESTIONS_OPEN = Gauge(
    "inventory_replenishment_suggestions_open",
    "Order suggestions standing now (not snoozed).",
    ["location"],
)
REQUISITIONS_OPEN = Gauge(
    "inventory_replenishment_requisitions_open",
    "Requisitions waiting for approval or approved and not yet ordered, by status.",
    ["location", "status"],
)
OPEN_STATUSES = ("pending_approval", "approved")
"""The statuses `REQUISITIONS_OPEN` counts: every planned location shows each, 0 when none."""
PURCHASE_ORDERS_OPEN = Gauge(
    "inventory_purchase_orders_open",
    "Purchase orders not fully received.",
    ["location"],
)
PURCHASE_ORDERS_OPEN_AMOUNT = Gauge(
    "inventory_purchase_orders_open_amount",
    "Amount of the purchase orders not fully received.",
    ["location"],
)


def relative_bias(bias: Decimal, forecast: Decimal) -> Decimal | None:
    return bias / forecast if forecast > 0 else None


def refresher(settings: AdviceSettings) -> Refresh:
    """The refresh of every gauge, judging suggestions with `settings` as the API does."""

    async def refresh(sessions: Sessions) -> None:
        today = utc_now().date()
        async with sessions() as session:
            forecasts = await kpis.forecast_errors(session)
            deliveries = await kpis.deliveries(session, today - ON_TIME_WINDOW, today)
            requisitions = await kpis.open_requisitions(session)
            orders = await kpis.open_purchase_orders(session)
            locations = await kpis.planned_locations(session)
        uow = ReplenishmentUnitOfWork(sessions, source="/services/replenishment")
        standing = await advice.suggestions(uow, today, settings, include_snoozed=False)
        publish(FORECAST_ERROR, {key: mase for key, (mase, _, _) in forecasts.items()})
        publish(FORECAST_BIAS, {key: relative_bias(b, f) for key, (_, b, f) in forecasts.items()})
        publish(SUPPLIER_ON_TIME, {(s,): Decimal(on) / due for s, (due, on) in deliveries.items()})
        per_location = Counter(s.location for s in standing)
        locations |= per_location.keys() | {loc for loc, _ in requisitions} | orders.keys()
        publish(SUGGESTIONS_OPEN, {(loc,): per_location.get(loc, 0) for loc in locations})
        open_keys = {(loc, status) for loc in locations for status in OPEN_STATUSES}
        publish(
            REQUISITIONS_OPEN, {k: requisitions.get(k, 0) for k in open_keys | requisitions.keys()}
        )
        ordered = {loc: orders.get(loc, (0, Decimal(0))) for loc in locations}
        publish(PURCHASE_ORDERS_OPEN, {(loc,): count for loc, (count, _) in ordered.items()})
        publish(PURCHASE_ORDERS_OPEN_AMOUNT, {(loc,): amt for loc, (_, amt) in ordered.items()})

    return refresh
