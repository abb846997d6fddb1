"""What replenishment consumes: master data, availability, approval decisions and orders."""

from __future__ import annotations

from inventory_contracts.events.approvals import ApprovalGranted, ApprovalRejected
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.master_data import (
    ItemUpserted,
    LocationUpserted,
    SupplierUpserted,
)
from inventory_contracts.events.orders import OrderPlaced
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import MessageHandler, Subscription, per_message

from replenishment import handlers
from replenishment.handlers import Clock, utc_now
from replenishment.repository import ReplenishmentUnitOfWork

GROUP_ID = "replenishment"
CONSUMED = (
    ItemUpserted,
    LocationUpserted,
    SupplierUpserted,
    AvailabilityChanged,
    ApprovalGranted,
    ApprovalRejected,
    OrderPlaced,
)
"""`ApprovalRequested` (which we publish ourselves) is not listed, so the loop ignores it."""


def dispatcher(now: Clock = utc_now) -> MessageHandler[ReplenishmentUnitOfWork]:
    """The per-message handler: route each consumed event to its handler."""

    async def handle(message: InboundEvent, uow: ReplenishmentUnitOfWork) -> None:
        match message.data:
            case ItemUpserted() as event:
                await handlers.record_item(event, uow)
            case LocationUpserted() as event:
                await handlers.record_location(event, uow)
            case SupplierUpserted() as event:
                await handlers.record_supplier(event, uow)
            case AvailabilityChanged() as event:
                await handlers.apply_availability(event, uow, now)
            case ApprovalGranted() as event:
                await handlers.apply_approval_granted(event, uow, now)
            case ApprovalRejected() as event:
                await handlers.apply_approval_rejected(event, uow, now)
            case OrderPlaced() as event:
                await handlers.record_demand(event, message.cloud_event.time, uow)

    return handle


def subscription(now: Clock = utc_now) -> Subscription[ReplenishmentUnitOfWork]:
    """The replenishment consumer group."""
    return Subscription(GROUP_ID, list(CONSUMED), per_message(dispatcher(now)))
