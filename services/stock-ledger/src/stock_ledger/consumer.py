"""The stock-ledger consumer groups, each a map from event type to handler.

`stock-ledger`: master data, shipments and goods receipts, in partition order, one transaction
per batch. `stock-ledger-approvals`: the decisions on count variances, in a group of their own
so a slow approval never holds up shipments.
"""

from __future__ import annotations

from inventory_contracts import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalWithdrawn,
    GoodsReceived,
    ItemUpserted,
    LocationUpserted,
    OrderShipped,
)
from inventory_runtime.handlers import HandlerRegistry
from inventory_runtime.subscription import Subscription

from stock_ledger import handlers
from stock_ledger.ports import CountingUoW, LedgerUoW

GROUP_ID = "stock-ledger"
APPROVALS_GROUP_ID = "stock-ledger-approvals"

registry = (
    HandlerRegistry[LedgerUoW]()
    .on_batch(ItemUpserted, handlers.upsert_items)
    .on(LocationUpserted, handlers.upsert_location)
    .on(OrderShipped, handlers.issue_shipment)
    .on(GoodsReceived, handlers.receive_goods)
)

approvals_registry = (
    HandlerRegistry[CountingUoW]()
    .on(ApprovalGranted, handlers.approval_granted)
    .on(ApprovalRejected, handlers.approval_rejected)
    .on(ApprovalWithdrawn, handlers.approval_withdrawn)
)


def subscription() -> Subscription[LedgerUoW]:
    """Master data, shipments and goods receipts."""
    return registry.subscription(GROUP_ID)


def approvals_subscription() -> Subscription[CountingUoW]:
    """Approval outcomes of count variances."""
    return approvals_registry.subscription(APPROVALS_GROUP_ID)
