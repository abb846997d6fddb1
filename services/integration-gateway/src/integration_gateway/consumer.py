"""What the gateway consumes: the events it writes back to the ERP."""

from __future__ import annotations

from inventory_contracts.events.base import Event
from inventory_contracts.events.purchase_orders import PurchaseOrderReleased
from inventory_contracts.events.reservations import ReservationRejected, StockReserved
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import Subscription, per_message

from integration_gateway import handlers
from integration_gateway.repository import GatewayUnitOfWork

WRITE_BACK_EVENTS: tuple[type[Event], ...] = (
    PurchaseOrderReleased,
    StockReserved,
    ReservationRejected,
)
DELIVERABLE_TYPES: tuple[str, ...] = tuple(model.event_type for model in WRITE_BACK_EVENTS)


async def _queue(event: InboundEvent, uow: GatewayUnitOfWork) -> None:
    await handlers.queue_write_backs(event, uow)


def write_back_subscription() -> Subscription[GatewayUnitOfWork]:
    """Consumer group ``integration-gateway``: queue deliveries for matching subscriptions."""
    return Subscription(
        group_id="integration-gateway",
        events=list(WRITE_BACK_EVENTS),
        handler=per_message(_queue),
    )
