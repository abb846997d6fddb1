"""Kafka topic names, their dead-letter topics and recommended partition counts."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final


class Topics:
    """Topic names. Every message on them is a CloudEvents 1.0 structured JSON event."""

    ORDERS: Final = "inventory.orders"
    MASTER_DATA: Final = "inventory.master-data"
    STOCK_MOVEMENTS: Final = "inventory.stock-movements"
    PURCHASE_ORDERS: Final = "inventory.purchase-orders"
    RESERVATIONS: Final = "inventory.reservations"
    AVAILABILITY: Final = "inventory.availability"
    REPLENISHMENT: Final = "inventory.replenishment"
    APPROVALS: Final = "inventory.approvals"
    ALERTS: Final = "inventory.alerts"
    PEOPLE: Final = "inventory.people"

    ALL: Final[tuple[str, ...]] = (
        ORDERS,
        MASTER_DATA,
        STOCK_MOVEMENTS,
        PURCHASE_ORDERS,
        RESERVATIONS,
        AVAILABILITY,
        REPLENISHMENT,
        APPROVALS,
        ALERTS,
        PEOPLE,
    )


DLQ_SUFFIX: Final = ".dlq"

# High-volume topics keyed by order or SKU x location get more partitions (more consumers in
# parallel); ordering only matters per key, so the count can grow later at the cost of a one-off
# reshuffle of keys.
PARTITIONS: Final[Mapping[str, int]] = MappingProxyType(
    {
        Topics.ORDERS: 6,
        Topics.STOCK_MOVEMENTS: 6,
        Topics.RESERVATIONS: 6,
        Topics.AVAILABILITY: 6,
        Topics.MASTER_DATA: 3,
        Topics.PURCHASE_ORDERS: 3,
        Topics.REPLENISHMENT: 3,
        Topics.APPROVALS: 3,
        Topics.ALERTS: 3,
        Topics.PEOPLE: 3,
    }
)
"""Recommended partition count per topic (its DLQ can have fewer; ordering there is moot)."""


def dlq(topic: str) -> str:
    """Name of the dead-letter topic of `topic`: "inventory.orders" -> "inventory.orders.dlq"."""
    return f"{topic}{DLQ_SUFFIX}"
