"""Prometheus metrics of the gateway's own work (the runtime's metrics cover Kafka and HTTP)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DELIVERY_ATTEMPTS = Counter(
    "inventory_gateway_delivery_attempts_total",
    "Webhook delivery tries, by event type and result (delivered, retry, failed).",
    ["event_type", "outcome"],
)
DELIVERY_DURATION = Histogram(
    "inventory_gateway_delivery_duration_seconds",
    "Time of one webhook POST, answer or error included.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
DELIVERIES_PENDING = Gauge(
    "inventory_gateway_deliveries_pending",
    "Webhook deliveries waiting for their first or next try.",
)
INBOUND_REQUESTS = Counter(
    "inventory_gateway_inbound_requests_total",
    "Inbound requests turned into events, by event type and outcome (accepted, replayed).",
    ["event_type", "outcome"],
)
THROTTLED_REQUESTS = Counter(
    "inventory_gateway_throttled_requests_total",
    "Requests refused with 429 because the API client was over its rate limit, by client name.",
    ["client"],
)
