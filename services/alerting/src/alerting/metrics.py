"""Prometheus metrics of alerting's own work (the runtime's metrics cover Kafka and HTTP)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

NOTIFICATION_ATTEMPTS = Counter(
    "inventory_alerting_notification_attempts_total",
    "Notification tries, by channel kind and result (sent, retry, failed).",
    ["channel_kind", "outcome"],
)
NOTIFICATIONS_PENDING = Gauge(
    "inventory_alerting_notifications_pending",
    "Notifications waiting for their first or next try.",
)
