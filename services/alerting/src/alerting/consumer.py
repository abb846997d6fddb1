"""What alerting consumes: threshold breaches, rejected reservations and availability."""

from __future__ import annotations

from collections.abc import Sequence

from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.replenishment import StockBelowThreshold
from inventory_contracts.events.reservations import ReservationRejected
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import Subscription

from alerting import handlers
from alerting.repository import AlertingUnitOfWork


async def _handle(events: Sequence[InboundEvent], uow: AlertingUnitOfWork) -> None:
    await handlers.handle(events, uow)


def alert_subscription() -> Subscription[AlertingUnitOfWork]:
    """Consumer group ``alerting`` over the three topics its rules read, a batch at a time.

    `AvailabilityChanged`, the busiest type by far (one per stock point a reservation
    touches), skips the inbox: only availability newer than an alert's observation closes it
    and a resolved alert stays resolved, so a redelivered snapshot cannot close a newer alert
    or publish a second `AlertResolved`.
    """
    return Subscription(
        group_id="alerting",
        events=[StockBelowThreshold, ReservationRejected, AvailabilityChanged],
        handler=_handle,
        idempotent=(AvailabilityChanged,),
    )
