"""Prometheus metrics of alerting's own work (the runtime's metrics cover Kafka and HTTP)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
