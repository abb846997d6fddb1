"""Policies of stock points (set over the API, or computed by planning runs) and positions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from fastapi.responses import JSONResponse
from inventory_contracts.events.base import NonNegativeDecimal, PositiveDecimal
from inventory_runtime.auth.routes import secured_router
from inventory_runtime.errors import ApiError, validation_error
from pydantic import BaseModel, ConfigDict, Field

from replenishment import domain
from replenishment.api import NOT_FOUND, READ, Location, PlanningWriter, Sku, Uow
from replenishment.domain import Policy, Position
from replenishment.handlers.policies import set_policy
from replenishment.handlers.threshold import effective_terms

router = secured_router(prefix="/v1", tags=["replenishment"])


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
    supplier_id: str | None = Field(description="None for a make item (made, not bought).")
    procurement_type: domain.ProcurementType
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


@router.put(
    "/policies/{sku}/{location}",
    response_model=PolicySetView,
    responses={422: {"description": "invalid policy (fields named)"}},
)
async def put_policy(
    sku: Sku, location: Location, body: PolicyRequest, actor: PlanningWriter, uow: Uow
) -> PolicySetView | JSONResponse:
    """Set the policy of a stock point (audited under the caller's login); the threshold is
    checked with it right away."""
    policy = Policy(sku=sku, location=location, **body.model_dump())
    try:
        outcome = await set_policy(policy, actor, uow)
    except domain.PolicyError as exc:
        return validation_error([(exc.field, exc.problem)])
    raised = outcome.requisition_raised
    return PolicySetView(
        **_policy_fields(policy),
        effective=_terms_view(outcome.terms),
        position=_position_view(outcome.position, policy, outcome.open_requisition_id),
        requisition_raised=raised.requisition_id if raised else None,
    )


@router.get(
    "/policies/{sku}/{location}", dependencies=READ, response_model=PolicyView, responses=NOT_FOUND
)
async def get_policy(sku: Sku, location: Location, uow: Uow) -> PolicyView:
    """The policy of a stock point and its effective terms (null if master data is missing)."""
    async with uow:
        policy = await uow.policies.get(sku, location)
        if policy is None:
            raise ApiError(404, "not_found", f"policy for {sku}@{location} not found")
        try:
            terms: domain.Terms | None = await effective_terms(policy, uow)
        except domain.PolicyError:
            terms = None
    return PolicyView(**_policy_fields(policy), effective=_terms_view(terms))


@router.get(
    "/positions/{sku}/{location}",
    dependencies=READ,
    response_model=PositionView,
    responses=NOT_FOUND,
)
async def get_position(sku: Sku, location: Location, uow: Uow) -> PositionView:
    """Inventory position (on hand - reserved + on order) against the reorder point."""
    async with uow:
        position = await uow.positions.get(sku, location)
        policy = await uow.policies.get(sku, location)
        if position is None and policy is None:
            raise ApiError(404, "not_found", f"stock point {sku}@{location} not found")
        open_requisition = await uow.requisitions.open_for(sku, location)
    return _position_view(
        position or Position(sku, location),
        policy,
        open_requisition.requisition_id if open_requisition else None,
    )
