"""HTTP API of replenishment: policies, positions, requisitions and purchase orders.

Errors are JSON: ``{"error": "<code>", "detail": ...}``; 422 names each bad field as
``{"field": "body.supplier_id", "problem": "..."}`` like the runtime's validation handler.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from inventory_contracts.events.base import NonNegativeDecimal, PositiveDecimal
from inventory_runtime.app import runtime_of
from pydantic import BaseModel, ConfigDict, Field

from replenishment import domain, handlers
from replenishment.domain import Policy, Position, PurchaseOrder, Requisition
from replenishment.repository import ReplenishmentUnitOfWork

router = APIRouter(prefix="/v1", tags=["replenishment"])


def get_replenishment_uow(request: Request) -> ReplenishmentUnitOfWork:
    """A new unit of work per request (tests override this dependency)."""
    uow = runtime_of(request).uow_factory()
    assert isinstance(uow, ReplenishmentUnitOfWork)
    return uow


UowDep = Annotated[ReplenishmentUnitOfWork, Depends(get_replenishment_uow)]
Sku = Annotated[str, Path(min_length=1, max_length=100)]
Location = Annotated[str, Path(min_length=1, max_length=100)]
RequisitionStatus = Literal["pending_approval", "approved", "ordered", "rejected", "cancelled"]
PurchaseOrderStatus = Literal["open", "partially_received", "closed"]
Limit = Annotated[int, Query(ge=1, le=1000)]


def error(status: int, code: str, detail: Any) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": code, "detail": detail})


def not_found(what: str) -> JSONResponse:
    return error(404, "not_found", f"{what} not found")


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found"}}


class PolicyRequest(BaseModel):
    """A replenishment policy; omitted costs and lead time come from the master data."""

    model_config = ConfigDict(extra="forbid")

    reorder_point: NonNegativeDecimal
    order_quantity: PositiveDecimal
    supplier_id: str = Field(min_length=1, max_length=100)
    unit_cost: NonNegativeDecimal | None = Field(None, description="Default: the item's cost.")
    lead_time_days: int | None = Field(
        None, ge=0, le=3650, description="Default: the supplier's quoted lead time."
    )
    department: str = Field(domain.DEFAULT_DEPARTMENT, min_length=1, max_length=100)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    moq: NonNegativeDecimal | None = Field(None, description="Minimum order quantity.")
    pack_size: PositiveDecimal | None = Field(None, description="Orders are whole packs.")
    manual: bool = Field(
        False,
        description="True: planning runs keep this reorder point and order quantity as typed.",
    )


class TermsView(BaseModel):
    supplier_id: str
    unit_cost: Decimal
    currency: str
    lead_time_days: int
    department: str


class PositionView(BaseModel):
    sku: str
    location: str
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal
    inventory_position: Decimal
    reorder_point: Decimal | None
    below_threshold: bool
    open_requisition_id: str | None = None
    as_of: datetime | None


class PolicyView(PolicyRequest):
    model_config = ConfigDict(extra="forbid")

    sku: str
    location: str
    effective: TermsView | None = Field(description="Terms with master-data defaults filled in.")


class PolicySetView(PolicyView):
    position: PositionView
    requisition_raised: str | None = Field(description="Requisition raised by this change.")


class RequisitionView(BaseModel):
    requisition_id: str
    sku: str
    location: str
    supplier_id: str
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
    purchase_order_id: str
    requisition_id: str
    supplier_id: str
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


def _policy_fields(policy: Policy) -> dict[str, Any]:
    return {
        "sku": policy.sku,
        "location": policy.location,
        "reorder_point": policy.reorder_point,
        "order_quantity": policy.order_quantity,
        "supplier_id": policy.supplier_id,
        "unit_cost": policy.unit_cost,
        "lead_time_days": policy.lead_time_days,
        "department": policy.department,
        "currency": policy.currency,
        "moq": policy.moq,
        "pack_size": policy.pack_size,
        "manual": policy.manual,
    }


def _terms_view(terms: domain.Terms | None) -> TermsView | None:
    return None if terms is None else TermsView(**terms.__dict__)


def _position_view(
    position: Position, policy: Policy | None, open_requisition: str | None
) -> PositionView:
    reorder_point = None if policy is None else policy.reorder_point
    return PositionView(
        sku=position.sku,
        location=position.location,
        on_hand=position.on_hand,
        reserved=position.reserved,
        on_order=position.on_order,
        inventory_position=position.inventory_position,
        reorder_point=reorder_point,
        below_threshold=reorder_point is not None
        and domain.is_below_threshold(position, reorder_point),
        open_requisition_id=open_requisition,
        as_of=position.as_of,
    )


def _requisition_view(requisition: Requisition) -> RequisitionView:
    return RequisitionView(**requisition.__dict__)


def _purchase_order_view(order: PurchaseOrder) -> PurchaseOrderView:
    return PurchaseOrderView(**order.__dict__, open_quantity=order.open_quantity)


@router.put(
    "/policies/{sku}/{location}",
    response_model=PolicySetView,
    responses={422: {"description": "invalid policy (fields named)"}},
)
async def put_policy(
    sku: Sku, location: Location, body: PolicyRequest, uow: UowDep
) -> PolicySetView | JSONResponse:
    """Set the policy of a stock point; the threshold is checked with it right away."""
    policy = Policy(sku=sku, location=location, **body.model_dump())
    try:
        outcome = await handlers.set_policy(policy, uow)
    except domain.PolicyError as exc:
        problems = [{"field": f"body.{exc.field}", "problem": exc.problem}]
        return error(422, "validation_error", problems)
    raised = outcome.requisition_raised
    return PolicySetView(
        **_policy_fields(policy),
        effective=_terms_view(outcome.terms),
        position=_position_view(outcome.position, policy, outcome.open_requisition_id),
        requisition_raised=raised.requisition_id if raised else None,
    )


@router.get("/policies/{sku}/{location}", response_model=PolicyView, responses=NOT_FOUND)
async def get_policy(sku: Sku, location: Location, uow: UowDep) -> PolicyView | JSONResponse:
    """The policy of a stock point and its effective terms (null if master data is missing)."""
    async with uow:
        policy = await uow.policies.get(sku, location)
        if policy is None:
            return not_found(f"policy for {sku}@{location}")
        try:
            terms: domain.Terms | None = await handlers.effective_terms(policy, uow)
        except domain.PolicyError:
            terms = None
    return PolicyView(**_policy_fields(policy), effective=_terms_view(terms))


@router.get("/positions/{sku}/{location}", response_model=PositionView, responses=NOT_FOUND)
async def get_position(sku: Sku, location: Location, uow: UowDep) -> PositionView | JSONResponse:
    """Inventory position (on hand - reserved + on order) against the reorder point."""
    async with uow:
        position = await uow.positions.get(sku, location)
        policy = await uow.policies.get(sku, location)
        if position is None and policy is None:
            return not_found(f"stock point {sku}@{location}")
        open_requisition = await uow.requisitions.open_for(sku, location)
    return _position_view(
        position or Position(sku, location),
        policy,
        open_requisition.requisition_id if open_requisition else None,
    )


@router.get("/requisitions", response_model=list[RequisitionView])
async def list_requisitions(
    uow: UowDep,
    status: RequisitionStatus | None = None,
    sku: Annotated[str | None, Query(min_length=1)] = None,
    limit: Limit = 100,
) -> list[RequisitionView]:
    """Requisitions, newest first."""
    async with uow:
        found = await uow.requisitions.find(status=status, sku=sku, limit=limit)
    return [_requisition_view(r) for r in found]


@router.get("/requisitions/{requisition_id}", response_model=RequisitionView, responses=NOT_FOUND)
async def get_requisition(requisition_id: str, uow: UowDep) -> RequisitionView | JSONResponse:
    async with uow:
        requisition = await uow.requisitions.get(requisition_id)
    if requisition is None:
        return not_found(f"requisition {requisition_id}")
    return _requisition_view(requisition)


@router.get("/purchase-orders", response_model=list[PurchaseOrderView])
async def list_purchase_orders(
    uow: UowDep, status: PurchaseOrderStatus | None = None, limit: Limit = 100
) -> list[PurchaseOrderView]:
    """Purchase orders, newest first."""
    async with uow:
        found = await uow.purchase_orders.find(status=status, limit=limit)
    return [_purchase_order_view(o) for o in found]


@router.get(
    "/purchase-orders/{purchase_order_id}",
    response_model=PurchaseOrderView,
    responses=NOT_FOUND,
)
async def get_purchase_order(
    purchase_order_id: str, uow: UowDep
) -> PurchaseOrderView | JSONResponse:
    async with uow:
        order = await uow.purchase_orders.get(purchase_order_id)
    if order is None:
        return not_found(f"purchase order {purchase_order_id}")
    return _purchase_order_view(order)
