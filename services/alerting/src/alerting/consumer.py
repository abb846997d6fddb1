"""What alerting consumes: threshold breaches, rejected reservations and availability."""

from __future__ import annotations

from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_contracts.events.reservations import ReservationRejected
from inventory_runtime.handlers import HandlerRegistry
from inventory_runtime.subscription import Subscription

from alerting import handlers
from alerting.ports import AlertingUoW

GROUP_ID = "alerting"


def registry() -> HandlerRegistry[AlertingUoW]:
    """Breaches and rejections raise alerts one message at a time; availability, the busiest
    type by far (one per stock point a reservation touches), resolves them a run at a time."""
    return (
        HandlerRegistry[AlertingUoW]()
        .on(StockBelowThreshold, handlers.raise_low_stock)
        .on(ReservationRejected, handlers.raise_rejected_reservation)
        .on_batch(AvailabilityChanged, handlers.resolve_recovered)
    )


def subscription() -> Subscription[AlertingUoW]:
    """Consumer group ``alerting`` over the three topics its rules read, a batch at a time.

    `AvailabilityChanged` skips the inbox: only availability newer than an alert's
    observation closes it and a resolved alert stays resolved, so a redelivered snapshot
    cannot close a newer alert or publish a second `AlertResolved`.
    """
    return registry().subscription(GROUP_ID, idempotent=(AvailabilityChanged,))
