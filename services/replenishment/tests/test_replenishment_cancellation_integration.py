"""A buyer cancels a released purchase order, on PostgreSQL: on order drops, the threshold is
checked again, PurchaseOrderCancelled is written, and a late receipt changes nothing."""

from __future__ import annotations

from decimal import Decimal as D
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI
from inventory_contracts.envelope import decode
from inventory_contracts.events.approvals import ApprovalGranted
from inventory_contracts.events.purchase_orders import PurchaseOrderCancelled
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .test_replenishment_integration import (
    NOW,
    UowFactory,
    availability,
    clean,
    consume,
    outbox,
    seed,
)

if TYPE_CHECKING:
    from .conftest import ClientOf

pytestmark = pytest.mark.integration
__all__ = ["clean"]  # the autouse fixture: each test from empty tables


async def released(make_uow: UowFactory) -> str:
    """SKU-1@WH-1 at 10 (reorder point 20): its requisition of 100, approved."""
    await seed(make_uow)
    await consume(make_uow, availability(10))
    async with make_uow() as uow:
        (requisition,) = await uow.requisitions.find(status=None, sku="SKU-1")
    granted = ApprovalGranted(
        request_id=requisition.approval_request_id, subject_type="purchase_requisition",
        subject_id=requisition.requisition_id, decided_by="wang.manager", decided_at=NOW,
    )  # fmt: skip
    await consume(make_uow, granted)
    async with make_uow() as uow:
        (order,) = await uow.purchase_orders.find(status="open")
    return order.purchase_order_id


async def test_a_buyer_cancels_an_order_and_the_stock_point_is_ordered_again(
    api_app: FastAPI,
    client_of: ClientOf,
    make_uow: UowFactory,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    order_id = await released(make_uow)
    path = f"/v1/purchase-orders/{order_id}/cancel"
    async with client_of(api_app, "auditor") as reader:
        assert (await reader.post(path, json={"reason": "x"})).status_code == 403
    async with client_of(api_app) as planner:
        assert (await planner.post(path, json={"reason": ""})).status_code == 422
        answer = await planner.post(path, json={"reason": "supplier cannot deliver"})
        assert answer.status_code == 200, answer.text
        assert (answer.json()["status"], answer.json()["open_quantity"]) == ("cancelled", "0")
        again = await planner.post(path, json={"reason": "twice"})
        assert again.status_code == 409 and "is cancelled" in again.json()["detail"]
        unknown = await planner.post("/v1/purchase-orders/PO-NOPE/cancel", json={"reason": "x"})
        assert unknown.status_code == 404
    async with make_uow() as uow:
        position = await uow.positions.get("SKU-1", "WH-1")
        requisitions = await uow.requisitions.find(status="pending_approval", sku="SKU-1")
    assert position is not None and position.on_order == 0
    assert len(requisitions) == 1  # 10 on hand, nothing coming: below 20, so ordered again
    rows = await outbox(session_factory)
    [event] = [decode(r.payload) for r in rows if r.event_type == PurchaseOrderCancelled.event_type]
    cancelled = PurchaseOrderCancelled.model_validate(event.data)
    assert (cancelled.purchase_order_id, cancelled.cancelled_quantity) == (order_id, D(100))
    assert (cancelled.cancelled_by, cancelled.reason) == ("sun.planner", "supplier cannot deliver")


async def test_what_came_stays_received_and_a_late_receipt_changes_no_on_order(
    api_app: FastAPI, client_of: ClientOf, make_uow: UowFactory
) -> None:
    order_id = await released(make_uow)
    receipt: dict[str, Any] = {"movement_type": "receipt", "purchase_order_id": order_id}
    await consume(make_uow, availability(40, seconds=5, movement_id="MV-1",
                                         quantity_delta=D(30), **receipt))  # fmt: skip
    async with client_of(api_app) as planner:
        answer = await planner.post(f"/v1/purchase-orders/{order_id}/cancel",
                                    json={"reason": "rest not needed"})  # fmt: skip
    assert answer.json()["received_quantity"] == "30"
    await consume(make_uow, availability(60, seconds=9, movement_id="MV-2",
                                         quantity_delta=D(20), **receipt))  # fmt: skip
    async with make_uow() as uow:
        order = await uow.purchase_orders.get(order_id)
        position = await uow.positions.get("SKU-1", "WH-1")
    assert order is not None and (order.status, order.received_quantity) == ("cancelled", D(50))
    assert position is not None and (position.on_hand, position.on_order) == (D(60), D(0))
