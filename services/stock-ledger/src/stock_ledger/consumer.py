"""The stock-ledger consumer group: master data, shipments and goods receipts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from inventory_contracts import (
    ApprovalGranted,
    ApprovalRejected,
    GoodsReceived,
    ItemUpserted,
    LocationUpserted,
    OrderShipped,
)
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.subscription import Subscription, per_message

from stock_ledger import counting, handlers
from stock_ledger.store import LedgerUnitOfWork, LedgerUoW

GROUP_ID = "stock-ledger"
EVENTS = (ItemUpserted, LocationUpserted, OrderShipped, GoodsReceived)


async def handle(event: InboundEvent, uow: LedgerUoW) -> None:
    """Apply one consumed event inside the batch's transaction.

    A shipment that would take stock negative, or names an unknown SKU or location, raises:
    that is not transient, so the runtime dead-letters it with the reason after its retries.
    """
    data = event.data
    now = datetime.now(UTC)
    posted_by = event.cloud_event.source
    if isinstance(data, OrderShipped):
        await handlers.post_document(handlers.shipment_issue(data, posted_by), uow, now)
    elif isinstance(data, GoodsReceived):
        await handlers.post_document(handlers.goods_receipt(data, posted_by), uow, now)
    elif isinstance(data, ItemUpserted):
        await handlers.upsert_item(data, uow)
    elif isinstance(data, LocationUpserted):
        await handlers.upsert_location(data, uow)


def subscription() -> Subscription[LedgerUoW]:
    """Master data, shipments and goods receipts, in order, one transaction per batch."""
    return Subscription(group_id=GROUP_ID, events=EVENTS, handler=per_message(handle))


APPROVALS_GROUP_ID = "stock-ledger-approvals"


async def handle_approval(event: InboundEvent, uow: LedgerUoW) -> None:
    """A decision on a stock count variance: post the count, or reject it."""
    data = event.data
    if isinstance(data, ApprovalGranted | ApprovalRejected):
        await counting.decided(data, cast(LedgerUnitOfWork, uow))


def approvals_subscription() -> Subscription[LedgerUoW]:
    """Approval outcomes (own group: a slow approval never holds up shipments)."""
    return Subscription(
        group_id=APPROVALS_GROUP_ID,
        events=(ApprovalGranted, ApprovalRejected),
        handler=per_message(handle_approval),
    )
