"""The consumer groups: which handler each consumed event type reaches, and the ids the
events it causes carry (the registry's, no plumbing in the service)."""

from __future__ import annotations

from decimal import Decimal

from inventory_contracts import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalWithdrawn,
    GoodsReceived,
    ItemUpserted,
    LocationUpserted,
    OrderShipped,
    StockMoved,
)
from stock_ledger.consumer import (
    APPROVALS_GROUP_ID,
    GROUP_ID,
    approvals_subscription,
    subscription,
)

from .conftest import FakeLedgerUoW, Make

WH = "WH-1"


def test_each_group_subscribes_to_the_types_it_handles() -> None:
    main, approvals = subscription(), approvals_subscription()

    assert (main.group_id, approvals.group_id) == (GROUP_ID, APPROVALS_GROUP_ID)
    assert set(main.events) == {ItemUpserted, LocationUpserted, OrderShipped, GoodsReceived}
    assert set(approvals.events) == {ApprovalGranted, ApprovalRejected, ApprovalWithdrawn}
    assert main.idempotent == () and approvals.idempotent == ()


async def test_a_batch_keeps_master_data_and_posts_receipts_and_shipments_in_order(
    uow: FakeLedgerUoW, make: type[Make]
) -> None:
    received = make.inbound(make.received("GR-1", None, ("TEA", WH, "5", "2")), "/services/gw")
    shipped = make.inbound(make.shipped("SO-1", "S-1", ("TEA", WH, "3")), "/services/gw")
    batch = [
        make.inbound(make.item("TEA")),
        make.inbound(make.location(WH)),
        received,
        shipped,
    ]

    await subscription().handler(batch, uow)
    await uow.commit()

    assert uow.ledger.balances[("TEA", WH)].on_hand == Decimal(2)
    published = [p for p in uow.published if isinstance(p.event, StockMoved)]
    moved = [p.event for p in published if isinstance(p.event, StockMoved)]
    assert [m.movement_id for m in moved] == ["RCV-GR-1-1", "ISS-SHP-S-1-1"]
    # each movement answers the message that caused it
    for outcome, message in zip(published, (received, shipped), strict=True):
        assert outcome.cloud_event.correlationid == message.correlation_id
        assert outcome.cloud_event.causationid == message.id
