"""Requisitions (raised on a breach, waiting for approval) and the purchase orders they became;
a make item's are production work order proposals and work orders (`procurement_type` make, no
supplier; see also `api.work_orders`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import Query
from inventory_runtime.auth.routes import secured_router
from inventory_runtime.errors import ApiError
from pydantic import BaseModel, ConfigDict, Field

from replenishment.api import NOT_FOUND, READ, Limit, PlanningWriter, Uow
from replenishment.domain import OrderNotCancellable
from replenishment.handlers.cancellation import cancel_order

router = secured_router(prefix="/v1", tags=["replenishment"], dependencies=READ)

RequisitionStatus = Literal["pending_approval", "approved", "ordered", "rejected", "cancelled"]
PurchaseOrderStatus = Literal["open", "partially_received", "closed"]


class RequisitionView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    requisition_id: str
    sku: str
    location: str
    supplier_id: str | None
    procurement_type: str = "buy"
    quantity: Decimal
    unit_cost: Decimal
    amount: Decimal
    currency: str
    department: str
    lead_time_days: int
    status: str
    reason: str
    inventory_position: Decimal
    reorder_point: Decimal
    approval_request_id: str
    created_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_comment: str | None
    purchase_order_id: str | None


class PurchaseOrderView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    purchase_order_id: str
    requisition_id: str
    supplier_id: str | None
    procurement_type: str = "buy"
    sku: str
    location: str
    quantity: Decimal
    received_quantity: Decimal
    open_quantity: Decimal
    unit_cost: Decimal
    amount: Decimal
    currency: str
    status: str
    expected_receipt_date: date
    released_at: datetime
    last_receipt_at: datetime | None
    closed_at: datetime | None


@router.get("/requisitions", response_model=list[RequisitionView])
async def list_requisitions(
    uow: Uow,
    status: RequisitionStatus | None = None,
    sku: Annotated[str | None, Query(min_length=1)] = None,
    limit: Limit = 100,
) -> list[RequisitionView]:
    """Requisitions, newest first."""
    async with uow:
        found = await uow.requisitions.find(status=status, sku=sku, limit=limit)
    return [RequisitionView.model_validate(r) for r in found]


@router.get("/requisitions/{requisition_id}", response_model=RequisitionView, responses=NOT_FOUND)
async def get_requisition(requisition_id: str, uow: Uow) -> RequisitionView:
    async with uow:
        requisition = await uow.requisitions.get(requisition_id)
    if requisition is None:
        raise ApiError(404, "not_found", f"requisition {requisition_id} not found")
    return RequisitionView.model_validate(requisition)


@router.get("/purchase-orders", response_model=list[PurchaseOrderView])
async def list_purchase_orders(
    uow: Uow,
    status: PurchaseOrderStatus | None = None,
    sku: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    supplier_id: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    limit: Limit = 100,
) -> list[PurchaseOrderView]:
    """Purchase orders, newest first (of one SKU and/or supplier: its recent prices)."""
    async with uow:
        found = await uow.purchase_orders.find(
            status=status, sku=sku, supplier_id=supplier_id, limit=limit
        )
    return [PurchaseOrderView.model_validate(o) for o in found]


@router.get(
    "/purchase-orders/{purchase_order_id}",
    response_model=PurchaseOrderView,
    responses=NOT_FOUND,
)
async def get_purchase_order(purchase_order_id: str, uow: Uow) -> PurchaseOrderView:
    async with uow:
        order = await uow.purchase_orders.get(purchase_order_id)
    if order is None:
        raise ApiError(404, "not_found", f"purchase order {purchase_order_id} not found")
    return PurchaseOrderView.model_validate(order)


class CancelBody(BaseModel):
    """Why the order is cancelled (kept in the audit log and sent to the ERP)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500, examples=["supplier cannot deliver"])


@router.post(
    "/purchase-orders/{purchase_order_id}/cancel",
    response_model=PurchaseOrderView,
    responses={**NOT_FOUND, 409: {"description": "closed, cancelled already or a work order"}},
)
async def cancel_purchase_order(
    purchase_order_id: str, body: CancelBody, actor: PlanningWriter, uow: Uow
) -> PurchaseOrderView:
    """Cancel what the order has not delivered (what came stays received): it comes off the
    stock point's on order, the threshold is checked again, and PurchaseOrderCancelled goes
    to reservation (promise dates), alerting and the ERP."""
    try:
        order = await cancel_order(purchase_order_id, body.reason, actor, uow)
    except OrderNotCancellable as refused:
        raise ApiError(409, "not_cancellable", str(refused)) from None
    if order is None:
        raise ApiError(404, "not_found", f"purchase order {purchase_order_id} not found")
    return PurchaseOrderView.model_validate(order)
