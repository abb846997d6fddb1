"""Make or buy on the real PostgreSQL: a make item's breach stores a work order proposal (no
supplier) with its outbox rows, the grant releases a work order on order, completion receipts
close it, and the suppliers' delivery lines leave it out."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal as D

import pytest
from inventory_contracts.envelope import decode
from inventory_contracts.events.approvals import ApprovalGranted
from inventory_contracts.events.master_data import ItemUpserted
from replenishment.adapters.unit_of_work import ReplenishmentUnitOfWork
from replenishment.domain import Policy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .test_replenishment_integration import NOW, availability, clean, consume, outbox

pytestmark = pytest.mark.integration
__all__ = ["clean"]  # the autouse fixture emptying the tables

UowFactory = Callable[[], ReplenishmentUnitOfWork]


async def made_item_with_policy(make_uow: UowFactory) -> None:
    item = ItemUpserted(
        sku="SKU-1",
        name="Mooncake",
        unit_of_measure="pcs",
        category="bakery",
        unit_cost=D("12.5"),
        procurement_type="make",
        production_lead_time_days=2,
    )
    await consume(make_uow, item)
    async with make_uow() as uow:  # no supplier master data at all: a make item needs none
        await uow.policies.save(Policy("SKU-1", "WH-1", D(20), D(100), "SUP-UNKNOWN"))
        await uow.commit()


async def test_a_make_item_breach_stores_a_proposal_and_asks_the_work_order_flow(
    make_uow: UowFactory, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await made_item_with_policy(make_uow)
    await consume(make_uow, availability(10))
    rows = await outbox(session_factory)
    assert [r.event_type for r in rows] == [
        "inventory.stock.below-threshold.v1",
        "inventory.approval.requested.v1",
    ]
    requested = decode(rows[1].payload).data
    assert (requested["subject_type"], requested["amount"]) == ("production_work_order", "1250.00")
    async with make_uow() as uow:
        (proposal,) = await uow.requisitions.find(status="pending_approval", sku="SKU-1")
    assert (proposal.procurement_type, proposal.supplier_id) == ("make", None)
    assert proposal.lead_time_days == 2 and proposal.department == "production"


async def test_the_granted_work_order_is_on_order_and_completion_receipts_close_it(
    make_uow: UowFactory, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await made_item_with_policy(make_uow)
    await consume(make_uow, availability(10))
    async with make_uow() as uow:
        (proposal,) = await uow.requisitions.find(status=None, sku="SKU-1")
    granted = ApprovalGranted(
        request_id=proposal.approval_request_id,
        subject_type="production_work_order",
        subject_id=proposal.requisition_id,
        decided_by="zhou.production",
        decided_at=NOW,
    )
    await consume(make_uow, granted)
    await consume(make_uow, granted)  # duplicate: ignored
    async with make_uow() as uow:
        (order,) = await uow.purchase_orders.find(status="open", procurement_type="make")
        position = await uow.positions.get("SKU-1", "WH-1")
        lines = await uow.planning.delivery_lines()
    assert order.supplier_id is None and position is not None and position.on_order == D(100)
    assert lines == []  # a work order is no supplier's delivery
    wo = order.purchase_order_id
    for seconds, on_hand, done in ((5, 50, D(40)), (6, 110, D(60))):
        receipt = availability(
            on_hand, seconds=seconds, movement_id=f"MV-{seconds}", movement_type="receipt",
            quantity_delta=done, purchase_order_id=wo,
        )  # fmt: skip
        await consume(make_uow, receipt)
    async with make_uow() as uow:
        closed = await uow.purchase_orders.get(wo)
        position = await uow.positions.get("SKU-1", "WH-1")
    assert closed is not None and (closed.status, closed.received_quantity) == ("closed", D(100))
    assert position is not None and (position.on_hand, position.on_order) == (D(110), D(0))
    types = [r.event_type for r in await outbox(session_factory)]
    assert types.count("inventory.work-order.released.v1") == 1
    assert "inventory.purchase-order.released.v1" not in types
    assert types.count("inventory.approval.requested.v1") == 1
