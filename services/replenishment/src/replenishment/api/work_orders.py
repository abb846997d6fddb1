"""Production work orders (make items): released on approval of their proposal, completed by
receipts against them. They are kept with the purchase orders (`procurement_type` make); this
view names their states as production does: released, partially completed, completed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Final, Literal

from fastapi import Query
from inventory_runtime.auth.routes import secured_router
from inventory_runtime.errors import ApiError
from pydantic import BaseModel

from replenishment.api import NOT_FOUND, READ, Limit, Uow
from replenishment.domain import PurchaseOrder

router = secured_router(prefix="/v1", tags=["replenishment"], dependencies=READ)

WorkOrderStatus = Literal["released", "partially_completed", "completed"]
_STATUS: Final[dict[str, WorkOrderStatus]] = {
    "open": "released",
    "partially_received": "partially_completed",
    "closed": "completed",
}


class WorkOrderView(BaseModel):
    work_order_id: str
    proposal_id: str
    sku: str
    location: str
    quantity: Decimal
    completed_quantity: Decimal
    open_quantity: Decimal
    unit_cost: Decimal
    amount: Decimal
    currency: str
    status: WorkOrderStatus
    due_date: date
    released_at: datetime
    last_completion_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def of(cls, order: PurchaseOrder) -> WorkOrderView:
        return cls(
            work_order_id=order.purchase_order_id,
            proposal_id=order.requisition_id,
            sku=order.sku,
            location=order.location,
            quantity=order.quantity,
            completed_quantity=order.received_quantity,
            open_quantity=order.open_quantity,
            unit_cost=order.unit_cost,
            amount=order.amount,
            currency=order.currency,
            status=_STATUS[order.status],
            due_date=order.expected_receipt_date,
            released_at=order.released_at,
            last_completion_at=order.last_receipt_at,
            completed_at=order.closed_at,
        )


@router.get("/work-orders", response_model=list[WorkOrderView])
async def list_work_orders(
    uow: Uow,
    sku: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    limit: Limit = 100,
) -> list[WorkOrderView]:
    """Production work orders, newest first."""
    async with uow:
        found = await uow.purchase_orders.find(
            status=None, sku=sku, procurement_type="make", limit=limit
        )
    return [WorkOrderView.of(order) for order in found]


@router.get("/work-orders/{work_order_id}", response_model=WorkOrderView, responses=NOT_FOUND)
async def get_work_order(work_order_id: str, uow: Uow) -> WorkOrderView:
    """A production work order: how much of it is completed, and its state."""
    async with uow:
        order = await uow.purchase_orders.get(work_order_id)
    if order is None or order.procurement_type != "make":
        raise ApiError(404, "not_found", f"work order {work_order_id} not found")
    return WorkOrderView.of(order)
