"""Every Prometheus metric of the platform, defined once (names from docs/conventions.md).

Metrics carry no service label: Prometheus adds `job`/`instance` per service at scrape time.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CONSUMED_OUTCOMES = ("ok", "duplicate", "dlq", "retry", "ignored")
"""`outcome` label values of `MESSAGES_CONSUMED`. `ignored`: a type the consumer doesn't handle."""

MESSAGES_CONSUMED = Counter(
    "inventory_messages_consumed_total",
    "Kafka messages taken off a topic, by what became of them.",
    ["topic", "type", "outcome"],
)
MESSAGES_PRODUCED = Counter(
    "inventory_messages_produced_total",
    "Events published to Kafka by the outbox relay (acknowledged by the broker).",
    ["topic", "type"],
)
DLQ_MESSAGES = Counter(
    "inventory_dlq_messages_total",
    "Messages sent to a dead-letter topic, by original topic and short reason code.",
    ["topic", "reason"],
)
HANDLER_DURATION = Histogram(
    "inventory_handler_duration_seconds",
    "Time spent in a consumer handler (one call: a batch or one message).",
    ["topic"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
CONSUMER_LAG = Gauge(
    "inventory_consumer_lag",
    "Messages between the consumer position and the partition high watermark.",
    ["topic", "partition"],
)
CONSUMER_ASSIGNED_PARTITIONS = Gauge(
    "inventory_consumer_assigned_partitions",
    "Partitions of a topic the consumer group assigned to this instance (0 when it has none).",
    ["group", "topic"],
)
OUTBOX_DEPTH = Gauge("inventory_outbox_depth", "Outbox rows not yet published.")
OUTBOX_OLDEST_AGE = Gauge(
    "inventory_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row (0 if none)."
)
OUTBOX_PUBLISH_FAILURES = Counter(
    "inventory_outbox_publish_failures_total",
    "Outbox rows whose publication failed and will be retried.",
)
HTTP_REQUESTS = Counter(
    "inventory_http_requests_total",
    "HTTP requests served, by route template and status code.",
    ["method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "inventory_http_request_duration_seconds",
    "HTTP request duration, by route template.",
    ["method", "route"],
)
GC_PAUSE = Histogram(
    "inventory_gc_pause_seconds",
    "Pauses of the process (its event loop) for CPython's cyclic garbage collector, by the "
    "oldest generation collected (0-2).",
    ["generation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0),
)

BACKGROUND_TASK_RESTARTS = Counter(
    "inventory_background_task_restarts_total",
    "Background tasks (relay, consumer loops, jobs) started again after they crashed or ended.",
    ["task"],
)
