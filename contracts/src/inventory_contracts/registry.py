"""Every event model by its CloudEvent `type`, and the topic it is published on."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from inventory_contracts.errors import UnknownEventType
from inventory_contracts.events.alerts import AlertRaised, AlertResolved
from inventory_contracts.events.approvals import (
    ApprovalEscalated,
    ApprovalGranted,
    ApprovalRejected,
    ApprovalReminderDue,
    ApprovalRequested,
    ApprovalWithdrawn,
)
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.base import Event
from inventory_contracts.events.identity import PersonChanged
from inventory_contracts.events.master_data import (
    CategoryUpserted,
    ItemUpserted,
    LocationUpserted,
    SupplierTermsUpserted,
    SupplierUpserted,
    UnitOfMeasureUpserted,
)
from inventory_contracts.events.orders import OrderCancelled, OrderPlaced, OrderShipped
from inventory_contracts.events.purchase_orders import (
    GoodsReceived,
    PurchaseOrderCancelled,
    PurchaseOrderReleased,
    WorkOrderReleased,
)
from inventory_contracts.events.replenishment import (
    ForecastAccuracyMeasured,
    ReplenishmentProposed,
    StockBelowThreshold,
    StockPointClassified,
)
from inventory_contracts.events.reservations import (
    BackorderFilled,
    QuoteConverted,
    QuoteHeld,
    QuoteReleased,
    ReservationExpired,
    ReservationFulfilled,
    ReservationRejected,
    ReservationReleased,
    StockOvercommitted,
    StockReserved,
)
from inventory_contracts.events.stock import StockMoved

ALL_EVENT_MODELS: Final[tuple[type[Event], ...]] = (
    OrderPlaced,
    OrderCancelled,
    OrderShipped,
    ItemUpserted,
    LocationUpserted,
    SupplierUpserted,
    CategoryUpserted,
    UnitOfMeasureUpserted,
    SupplierTermsUpserted,
    StockMoved,
    PurchaseOrderReleased,
    PurchaseOrderCancelled,
    WorkOrderReleased,
    GoodsReceived,
    StockReserved,
    ReservationRejected,
    ReservationReleased,
    ReservationExpired,
    ReservationFulfilled,
    BackorderFilled,
    StockOvercommitted,
    QuoteHeld,
    QuoteConverted,
    QuoteReleased,
    AvailabilityChanged,
    StockBelowThreshold,
    ReplenishmentProposed,
    StockPointClassified,
    ForecastAccuracyMeasured,
    ApprovalRequested,
    ApprovalGranted,
    ApprovalRejected,
    ApprovalEscalated,
    ApprovalReminderDue,
    ApprovalWithdrawn,
    AlertRaised,
    AlertResolved,
    PersonChanged,
)
"""Every event model, grouped by topic in the order of the architecture brief."""


def _build(models: tuple[type[Event], ...]) -> Mapping[str, type[Event]]:
    by_type: dict[str, type[Event]] = {}
    for model in models:
        # A duplicate would make one of the two models undecodable: refuse at import.
        if model.event_type in by_type:
            raise ValueError(f"duplicate event type {model.event_type}")
        by_type[model.event_type] = model
    return MappingProxyType(by_type)


EVENT_TYPES: Final[Mapping[str, type[Event]]] = _build(ALL_EVENT_MODELS)
"""Event model by CloudEvent `type`, e.g. "inventory.order.placed.v1" -> OrderPlaced."""


def model_for(event_type: str) -> type[Event]:
    """Model of `event_type`; raises `UnknownEventType` if there is none."""
    try:
        return EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(f"unknown event type {event_type[:100]!r}") from None


def topic_for(event_type: str) -> str:
    """Topic that `event_type` is published on; raises `UnknownEventType` if there is none."""
    return model_for(event_type).topic


def event_types_on(topic: str) -> tuple[str, ...]:
    """Event types published on `topic` (empty for an unknown topic)."""
    return tuple(t for t, model in EVENT_TYPES.items() if model.topic == topic)
