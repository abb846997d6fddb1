"""Prometheus metrics of alerting's own work (the runtime's metrics cover Kafka and HTTP)."""

from __future__ import annotations

import time

from inventory_runtime.clock import utc_now
from inventory_runtime.kpi import Sessions, publish
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from alerting.adapters import tables
from alerting.adapters.kpi_store import KpiRepository
from alerting.domain.grid import build, grid_start
from alerting.domain.points import PointFilter
from alerting.domain.week_figures import last_week_by_group

NOTIFICATION_ATTEMPTS = Counter(
    "inventory_alerting_notification_attempts_total",
    "Notification tries, by channel kind and result (sent, retry, failed).",
    ["channel_kind", "outcome"],
)
NOTIFICATIONS_PENDING = Gauge(
    "inventory_alerting_notifications_pending",
    "Notifications waiting for their first or next try.",
)
RULE_EVALUATION_SECONDS = Histogram(
    "inventory_alerting_rule_evaluation_seconds",
    "Time to evaluate KPI rules: one rule on its schedule, or every per-stock-point rule after a "
    "run of stock movements.",
    ["trigger"],
    buckets=(0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300),
)
KPI_ALERTS = Counter(
    "inventory_alerting_kpi_alerts_total",
    "Alerts of KPI rules raised and resolved, by rule.",
    ["rule_id", "action"],
)


OPEN_SEVERITIES = ("info", "warning", "critical")
ALERTS_OPEN = Gauge(
    "inventory_alerts_open",
    "Alerts raised or acknowledged and not yet resolved, by severity.",
    ["severity"],
)


POINT = ["location", "category", "class"]
WEEK_SELL_THROUGH = Gauge(
    "inventory_week_sell_through_ratio",
    "Sell-through (去化率) of the last complete ISO week: units consumed / (opening on hand + "
    "units received), of the sums by location, category and ABC class (absent: nothing to sell).",
    POINT,
)
WEEK_CONSUMED = Gauge(
    "inventory_week_consumed_units", "Units consumed in the last complete ISO week.", POINT
)
WEEK_RECEIVED = Gauge(
    "inventory_week_received_units", "Units received in the last complete ISO week.", POINT
)
WEEK_STOCKOUT_DAYS = Gauge(
    "inventory_week_stockout_days",
    "Stock point days of the last complete ISO week that closed with nothing on hand.",
    POINT,
)


WEEK_REFRESH_SECONDS = 600.0
"""Last week's figures change only when a late movement lands in it: read every 10 minutes,
not every round (the read covers every stock point: ~2 s at 100,000)."""
_weeks_read_at: list[float] = []


async def refresh_weeks(session: AsyncSession) -> None:
    """The weekly KPI gauges, from the roll-ups as the rules read them (at most every
    `WEEK_REFRESH_SECONDS`)."""
    if _weeks_read_at and time.monotonic() - _weeks_read_at[-1] < WEEK_REFRESH_SECONDS:
        return
    _weeks_read_at[:] = [time.monotonic()]
    store = KpiRepository(session)
    points = await store.points(PointFilter())
    today = utc_now().date()
    start = grid_start(today, "week", 1)
    rollups = await store.rollups([p.point for p in points], "week", start, today, every=True)
    found = last_week_by_group(points, build(rollups, len(points), "week", start, today))
    publish(WEEK_SELL_THROUGH, {group: f.sell_through for group, f in found.items()})
    publish(WEEK_CONSUMED, {group: f.consumed for group, f in found.items()})
    publish(WEEK_RECEIVED, {group: f.received for group, f in found.items()})
    publish(WEEK_STOCKOUT_DAYS, {group: f.stockout_days for group, f in found.items()})


async def refresh(sessions: Sessions) -> None:
    """The business gauges: open alerts per severity (every severity, 0 when none), and the
    last complete week's KPIs by location, category and class."""
    query = (
        select(tables.alerts.c.severity, func.count())
        .where(tables.alerts.c.status.in_(("raised", "acknowledged")))
        .group_by(tables.alerts.c.severity)
    )
    async with sessions() as session:
        counts: dict[str, int] = {row[0]: row[1] for row in await session.execute(query)}
        await refresh_weeks(session)
    publish(ALERTS_OPEN, {(s,): counts.get(s, 0) for s in {*OPEN_SEVERITIES, *counts}})
