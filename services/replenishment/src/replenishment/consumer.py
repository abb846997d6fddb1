"""What replenishment consumes: master data, availability, approval decisions and orders."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from inventory_contracts.events.approvals import ApprovalGranted, ApprovalRejected
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.master_data import (
    ItemUpserted,
    LocationUpserted,
    SupplierUpserted,
)
from inventory_contracts.events.orders import OrderPlaced
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import BatchHandler, Subscription, event_context

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


def batch_handler(now: Clock = utc_now) -> BatchHandler[ReplenishmentUnitOfWork]:
    """Apply a partition's batch in its order, one run of consecutive events of a type at a time.

    Runs of orders and of availability changes are applied set-based (a few statements per
    run, whatever its length); other events one by one.
    """

    async def handle(events: Sequence[InboundEvent], uow: ReplenishmentUnitOfWork) -> None:
        for kind, run in groupby(events, key=lambda event: type(event.data)):
            if kind is OrderPlaced:
                await _record_demand(list(run), uow)
            elif kind is AvailabilityChanged:
                await _apply_availability(list(run), uow, now)
            else:
                for event in run:
                    with event_context(event):
                        await _apply_one(event, uow, now)

    return handle


async def _record_demand(run: Sequence[InboundEvent], uow: ReplenishmentUnitOfWork) -> None:
    orders = [(e.data, e.cloud_event.time) for e in run if isinstance(e.data, OrderPlaced)]
    await handlers.record_demands(orders, uow)


async def _apply_availability(
    run: Sequence[InboundEvent], uow: ReplenishmentUnitOfWork, now: Clock
) -> None:
    changes = [(e, e.data) for e in run if isinstance(e.data, AvailabilityChanged)]
    locked = await handlers.lock_positions([change for _, change in changes], uow)
    for event, change in changes:
        with event_context(event):  # a requisition raised here answers this event
            await handlers.take_availability(change, locked, uow, now)
    await handlers.save_positions(locked, uow)


async def _apply_one(event: InboundEvent, uow: ReplenishmentUnitOfWork, now: Clock) -> None:
    match event.data:
        case ItemUpserted() as item:
            await handlers.record_item(item, uow)
        case LocationUpserted() as location:
            await handlers.record_location(location, uow)
        case SupplierUpserted() as supplier:
            await handlers.record_supplier(supplier, uow)
        case ApprovalGranted() as granted:
            await handlers.apply_approval_granted(granted, uow, now)
        case ApprovalRejected() as rejected:
            await handlers.apply_approval_rejected(rejected, uow, now)


def subscription(now: Clock = utc_now) -> Subscription[ReplenishmentUnitOfWork]:
    """The replenishment consumer group; one transaction per batch.

    The two busiest types skip the inbox: an order line's demand is recorded once (its key is
    order, SKU and location), and a snapshot older than the position's is ignored, as is a
    receipt already booked against its PO (by movement id).
    """
    return Subscription(
        GROUP_ID,
        list(CONSUMED),
        batch_handler(now),
        idempotent=(OrderPlaced, AvailabilityChanged),
    )
