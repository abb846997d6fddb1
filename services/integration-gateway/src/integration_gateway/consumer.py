"""What the gateway consumes: the events it writes back to the ERP."""

from __future__ import annotations

from collections.abc import Sequence

from inventory_contracts.events.base import Event
from inventory_contracts.events.purchase_orders import PurchaseOrderReleased
from inventory_contracts.events.reservations import (
    BackorderFilled,
    ReservationRejected,
    StockReserved,
)
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import Subscription

from integration_gateway import handlers
from integration_gateway.repository import GatewayUnitOfWork

WRITE_BACK_EVENTS: tuple[type[Event], ...] = (
    PurchaseOrderReleased,
    StockReserved,
    ReservationRejected,
    BackorderFilled,
)
DELIVERABLE_TYPES: tuple[str, ...] = tuple(model.event_type for model in WRITE_BACK_EVENTS)


async def _queue(events: Sequence[InboundEvent], uow: GatewayUnitOfWork) -> None:
    await handlers.queue_write_backs(events, uow)


async def _subscribed_types(uow: GatewayUnitOfWork) -> set[str]:
    return await uow.subscriptions.subscribed_types()


def write_back_subscription() -> Subscription[GatewayUnitOfWork]:
    """Consumer group ``integration-gateway``: queue a batch's deliveries for its subscribers.

    Events of a type no active subscription wants are passed over unread (at 1,000 orders a
    second, a thousand `StockReserved` a second that nobody may have asked for).
    """
    return Subscription(
        group_id="integration-gateway",
        events=list(WRITE_BACK_EVENTS),
        handler=_queue,
        # A delivery is queued once per (subscriber, event id): a redelivery adds nothing.
        idempotent=WRITE_BACK_EVENTS,
        wanted_types=_subscribed_types,
    )
