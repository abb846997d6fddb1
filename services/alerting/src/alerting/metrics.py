"""Prometheus metrics of alerting's own work (the runtime's metrics cover Kafka and HTTP)."""

from __future__ import annotations

from inventory_runtime.kpi import Sessions, publish
from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import func, select

from alerting.adapters import tables

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


async def refresh(sessions: Sessions) -> None:
    """The business gauge: open alerts per severity (every severity, 0 when none)."""
    query = (
        select(tables.alerts.c.severity, func.count())
        .where(tables.alerts.c.status.in_(("raised", "acknowledged")))
        .group_by(tables.alerts.c.severity)
    )
    async with sessions() as session:
        counts: dict[str, int] = {row[0]: row[1] for row in await session.execute(query)}
    publish(ALERTS_OPEN, {(s,): counts.get(s, 0) for s in {*OPEN_SEVERITIES, *counts}})
