"""Write-back: which consumed events go to which webhook subscription."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inventory_contracts.events.base import Event
from inventory_contracts.events.purchase_orders import (
    PurchaseOrderCancelled,
    PurchaseOrderReleased,
    WorkOrderReleased,
)
from inventory_contracts.events.reservations import (
    BackorderFilled,
    ReservationRejected,
    StockReserved,
)

WRITE_BACK_EVENTS: tuple[type[Event], ...] = (
    PurchaseOrderReleased,
    PurchaseOrderCancelled,
    WorkOrderReleased,
    StockReserved,
    ReservationRejected,
    BackorderFilled,
)
"""The events a subscription may ask for (the gateway consumes them)."""
DELIVERABLE_TYPES: tuple[str, ...] = (
    *(model.event_type for model in WRITE_BACK_EVENTS),
    "inventory.stock.voucher.v1",  # built from each StockMoved (domain/vouchers.py)
)


def new_id(prefix: str) -> str:
    """A readable unique id such as ``sub_3f2a...``."""
    return f"{prefix}_{uuid.uuid4().hex}"


@dataclass(frozen=True)
class WebhookSubscription:
    """An outbound subscription: where to POST which event types, and the signing secret."""

    id: str
    url: str
    secret: str
    event_types: tuple[str, ...]
    active: bool
    origin: str
    created_at: datetime | None = None
    consecutive_failures: int = 0
    paused_until: datetime | None = None
    """Set by the circuit breaker while the receiver keeps failing; deliveries wait."""
    locations: tuple[str, ...] | None = None
    """Only events at these locations (events of one location); None: every location."""


def subscription_record(subscription: WebhookSubscription) -> dict[str, Any]:
    """A subscription as the audit log records it: its signing secret only as ``***``."""
    return {
        "id": subscription.id,
        "url": subscription.url,
        "event_types": list(subscription.event_types),
        "active": subscription.active,
        "origin": subscription.origin,
        "locations": None if subscription.locations is None else list(subscription.locations),
        "secret": "***",
    }


def subscribed(event_types: Sequence[str], event_type: str) -> bool:
    """True when a subscription to `event_types` wants events of `event_type`."""
    return event_type in event_types


def at_wanted_location(locations: Sequence[str] | None, data: object) -> bool:
    """True when a subscription limited to `locations` (None: all) wants this event: an event
    of one location (its data has a `location`) must be at one of them; others always are."""
    location = getattr(data, "location", None)
    return locations is None or not isinstance(location, str) or location in locations


@dataclass(frozen=True)
class WriteBack:
    """One consumed event to deliver to one subscription (queued at most once per pair)."""

    subscription_id: str
    event_id: str
    event_type: str
    payload: bytes
