"""What replenishment consumes: master data, availability, approval decisions (and
withdrawals) and orders.

`ApprovalRequested` (which we publish ourselves on the same topic) has no handler, so the loop
passes over it.
"""

from __future__ import annotations

from functools import partial

from inventory_contracts.events.approvals import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalWithdrawn,
)
from inventory_contracts.events.availability import AvailabilityChanged
from inventory_contracts.events.master_data import (
    CategoryUpserted,
    ItemUpserted,
    LocationUpserted,
    SupplierTermsUpserted,
    SupplierUpserted,
    UnitOfMeasureUpserted,
)
from inventory_contracts.events.orders import OrderPlaced
from inventory_runtime.clock import Clock, utc_now
from inventory_runtime.handlers import HandlerRegistry
from inventory_runtime.subscription import Subscription

from replenishment.handlers import approvals, availability, master_data
from replenishment.ports import ReplenishmentUoW

GROUP_ID = "replenishment"


def registry(now: Clock = utc_now) -> HandlerRegistry[ReplenishmentUoW]:
    """Which handler applies each consumed event type. Runs of orders and of availability
    changes are applied set-based (a few statements per run, whatever its length)."""
    return (
        HandlerRegistry[ReplenishmentUoW]()
        .on_batch(ItemUpserted, master_data.record_items)
        .on(LocationUpserted, master_data.record_location)
        .on(SupplierUpserted, master_data.record_supplier)
        .on(SupplierTermsUpserted, master_data.record_document)
        .on(UnitOfMeasureUpserted, master_data.record_document)
        .on(CategoryUpserted, master_data.record_document)
        .on_batch(AvailabilityChanged, partial(availability.apply_availability_changes, now=now))
        .on(ApprovalGranted, partial(approvals.apply_approval_granted, now=now))
        .on(ApprovalRejected, approvals.apply_approval_rejected)
        .on(ApprovalWithdrawn, approvals.apply_approval_withdrawn)
        .on_batch(OrderPlaced, master_data.record_demands)
    )


def subscription(now: Clock = utc_now) -> Subscription[ReplenishmentUoW]:
    """The replenishment consumer group; one transaction per batch.

    The two busiest types skip the inbox: an order line's demand is recorded once (its key is
    order, SKU and location), and a snapshot older than the position's is ignored, as is a
    receipt already booked against its PO (by movement id).
    """
    return registry(now).subscription(GROUP_ID, idempotent=(OrderPlaced, AvailabilityChanged))
